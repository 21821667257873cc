/**
 * bench:sal, step 5: the tables. SAL seconds per epoch against the 5-second goal, then per
 * model and poison the UD against the clean run of the same seed (mean and range over seeds).
 */
import os from 'node:os';
import { describeSal } from '../../../src/cli/sal-flags';
import { markdownTable } from '../../../src/cli/table';
import { POISON_METHODS, type PoisonMethodId } from '../../../src/core/poison-types';
import { udSpread, type UdResult } from '../../../src/core/ud';
import { BREAKDOWN_RULE } from '../../../src/core/breakdown';
import { log } from '../results-file';
import type { SalPlan } from './plan';
import type { TimingRow, UdRun } from './runs';
import { f3, pairUd } from './ud';

/** The timing table and whether the app default meets its goal. */
export function printTimingTable(plan: SalPlan, timing: TimingRow[], backend: string): void {
  if (timing.length === 0) return;
  log(
    `\nSAL of all weight layers after one epoch (one call on a model trained 2 epochs on ${plan.base.trainSize} MNIST images), ` +
      `best of ${plan.repeat}, ${backend} backend, Node ${process.version}, ${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}:`,
  );
  log(
    markdownTable(
      [
        'model',
        'settings',
        'eps, lr, K, batch, images',
        'SAL s/epoch',
        'train s/epoch',
        'SAL per layer',
      ],
      timing.map((t) => [
        t.model,
        t.label,
        `${t.settings.eps}, ${t.settings.lr}, ${t.settings.rounds}, ${t.settings.batchSize}, ${t.settings.subsetSize}`,
        t.seconds.toFixed(2),
        t.trainSecondsPerEpoch.toFixed(2),
        t.sal.map((v) => v.toFixed(3)).join(' '),
      ]),
      [3, 4],
    ),
  );
  const app = timing.filter((t) => t.label === 'app default');
  log(
    `Goal for the app default: under 5 s per epoch: ${app.map((t) => `${t.model} ${t.seconds < 5 ? 'met' : 'NOT met'}`).join(', ')}.`,
  );
}

/** The UD table of this run's models, methods and seeds (saved runs included). */
export function printUdTable(plan: SalPlan, runs: UdRun[]): void {
  const { models, methods, seeds, base } = plan;
  const rows: string[][] = [];
  let anyBroke = false;
  let anyUnjudged = false;
  for (const model of models) {
    const cleans = seeds.map((s) =>
      runs.find((r) => r.model === model && r.seed === s && r.method === 'clean'),
    );
    const cleanAcc = cleans.filter((c) => c).map((c) => c!.testAcc);
    for (const method of ['clean' as const, ...methods]) {
      const per = seeds
        .map((s, i) => ({
          c: cleans[i],
          p: runs.find((r) => r.model === model && r.seed === s && r.method === method),
        }))
        .filter((x): x is { c: UdRun; p: UdRun } => Boolean(x.c && x.p));
      if (per.length === 0) continue;
      // Seeds where either run did not train give no UD (core/breakdown.ts): named, not counted.
      const uds = per.map(({ c, p }) => pairUd(c, p)).filter((u): u is UdResult => u !== null);
      const broke = per.length - uds.length;
      const spread = udSpread(uds.map((u) => u.ud));
      const mean = (xs: number[]) =>
        xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
      const udText =
        uds.length === 0
          ? '-'
          : spread.mean === null
            ? 'undefined'
            : uds.length === 1
              ? spread.mean.toFixed(2)
              : `${spread.mean.toFixed(2)} [${spread.min!.toFixed(2)}-${spread.max!.toFixed(2)}]`;
      const notes = [
        ...(spread.nUndefined > 0 ? [`${spread.nUndefined} undefined`] : []),
        ...(broke > 0 ? [`${broke} did not train \u2020`] : []),
      ];
      const pBroke = per.filter((x) => x.p.didNotTrain).length;
      const unjudged = per.some((x) => x.p.didNotTrain === undefined);
      const trainAccs = per.map((x) => x.p.trainAcc).filter((a): a is number => a !== undefined);
      const eps = per[0]!.p.eps;
      anyBroke ||= broke > 0;
      anyUnjudged ||= unjudged;
      rows.push([
        model,
        method,
        eps === null
          ? '-'
          : `${eps.toFixed(4).replace(/\.?0+$/, '')} ${POISON_METHODS[method as PoisonMethodId].norm}`,
        `${f3(mean(per.map((x) => x.p.testAcc)))}${pBroke > 0 ? '\u2020' : unjudged ? '?' : ''}`,
        trainAccs.length === per.length ? f3(mean(trainAccs)) : '?',
        f3(mean(cleanAcc)),
        `${udText}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`,
        uds.length > 0 ? mean(uds.map((u) => u.beta)).toPrecision(3) : '-',
        uds.length > 0 ? mean(uds.map((u) => u.lpClean)).toFixed(2) : '-',
        uds.length > 0 ? mean(uds.map((u) => u.lpPoisoned)).toFixed(2) : '-',
        uds.length > 0 ? `${uds[0]!.epochs} x ${uds[0]!.layers}` : '-',
        String(per.length),
        mean(per.map((x) => x.p.salSeconds)).toFixed(1),
      ]);
    }
  }
  if (rows.length === 0) return;
  log(
    `\nUD of each poison (default MNIST budget) against the clean run of the same seed: ${base.trainSize} train / ${base.testSize} test MNIST images, ` +
      `${base.epochs} epochs, SAL after every epoch with the app defaults (${describeSal(plan.salSettings)}). ` +
      `With several seeds: mean [min-max]; beta and #LP are means. cnn-s has 3 weight layers, so its UD is coarse.`,
  );
  log(
    markdownTable(
      [
        'model',
        'poison',
        'eps',
        'test acc',
        'train acc',
        'clean acc',
        'UD',
        'beta',
        '#LP clean',
        '#LP poisoned',
        'epochs x layers',
        'seeds',
        'SAL s/epoch',
      ],
      rows,
      [3, 4, 5, 7, 8, 9, 11, 12],
    ),
  );
  if (anyBroke)
    log(
      `\u2020 did not train (${BREAKDOWN_RULE}): such seeds give no UD and are left out of the UD, beta and #LP columns (test acc: mean over all seeds).`,
    );
  if (anyUnjudged)
    log('? saved before the breakdown detector: not judged (rerun with --fresh to judge it).');
}
