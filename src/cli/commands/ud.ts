/**
 * `salscape ud CLEAN_RUN_DIR POISONED_RUN_DIR`: the Unlearnable Distance of two runs from the
 * SAL records in their run.json files. Pure arithmetic: no TensorFlow.js.
 */
import path from 'node:path';
import type { SalSettings } from '../../core/sal-types';
import { unlearnableDistance } from '../../core/ud';
import { formatFlags, parseFlags, parseNumberFlag, UsageError, type FlagTable } from '../args';
import type { CliIO, Command } from '../command';
import { recordBreakdown, readRunRecord, type RunRecord } from '../run-record';
import { DID_NOT_TRAIN_ADVICE } from '../../core/breakdown';
import { describeSal } from '../sal-flags';

const FLAGS = {
  epochs: {
    type: 'string',
    value: 'T',
    help: 'use only the first T epochs of both runs (a running estimate); default: all',
  },
  json: { type: 'boolean', help: 'print the result as one JSON line on stdout, nothing else' },
} as const satisfies FlagTable;

function usage(): string {
  return [
    'Usage: salscape ud CLEAN_RUN_DIR POISONED_RUN_DIR [--epochs T] [--json]',
    '',
    'Unlearnable Distance (docs/science.md section 3) of a poisoned run against a clean run, both',
    'trained by "salscape train --sal" with the same model and SAL settings: per epoch the',
    'threshold is the midpoint of the exact 2-means centres of the clean run\u2019s SAL values;',
    'beta is their mean; #LP(run) is the mean number of layers per epoch with SAL > beta;',
    'UD = #LP(poisoned) / #LP(clean): 1 for the clean run itself, below 1 when fewer layers learn.',
    'UD is undefined (null, with a reason) when the clean run has no layer above beta. With few',
    'weight layers (cnn-s has 3) UD takes only coarse values; vgg-s (6) is the model for UD work.',
    'A run that did not train (see salscape train --help) gets no UD: ud is null, the reason says',
    'which run, and "didNotTrain" {clean, poisoned} says so for each (judged on all its epochs).',
    '',
    'Flags:',
    formatFlags(FLAGS),
    '',
    'With --json, stdout is one line: {"ud", "beta", "lpClean", "lpPoisoned", "epochs", "layers",',
    '"thresholds", "layerNames", "settings", "didNotTrain"}, plus "reason" when ud is null.',
  ].join('\n');
}

const sameSettings = (a: SalSettings, b: SalSettings) =>
  (Object.keys(a) as (keyof SalSettings)[]).every((k) => a[k] === b[k]) &&
  Object.keys(a).length === Object.keys(b).length;

async function readRun(dir: string, what: string): Promise<RunRecord & { dir: string }> {
  const abs = path.resolve(dir);
  try {
    return { ...(await readRunRecord(abs, what)), dir: abs };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags('ud', argv, FLAGS, { positionals: true });
  if (values.help) {
    io.stdout(`${usage()}\n`);
    return 0;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `ud needs two run folders, CLEAN_RUN_DIR and POISONED_RUN_DIR (got ${positionals.length}; see salscape ud --help)`,
    );
  }
  let epochs: number | undefined;
  if (values.epochs !== undefined) {
    epochs = parseNumberFlag('epochs', values.epochs);
    if (!Number.isInteger(epochs) || epochs < 1) {
      throw new UsageError(`--epochs must be an integer >= 1 (got ${epochs})`);
    }
  }
  const clean = await readRun(positionals[0]!, 'CLEAN_RUN_DIR');
  const poisoned = await readRun(positionals[1]!, 'POISONED_RUN_DIR');
  for (const [what, r] of [
    ['CLEAN_RUN_DIR', clean],
    ['POISONED_RUN_DIR', poisoned],
  ] as const) {
    if (!r.sal || r.sal.values.length === 0) {
      throw new UsageError(
        `${what} ${r.dir} has no SAL record in run.json (train it with salscape train --sal)`,
      );
    }
  }
  const cs = clean.sal!;
  const ps = poisoned.sal!;
  if (cs.layers.join() !== ps.layers.join()) {
    throw new UsageError(
      `the runs have different weight layers (clean: ${cs.layers.join(', ')}; poisoned: ${ps.layers.join(', ')}): UD compares runs of the same model`,
    );
  }
  if (!sameSettings(cs.settings, ps.settings)) {
    throw new UsageError(
      `the runs measured SAL with different settings (clean: ${describeSal(cs.settings)}; poisoned: ${describeSal(ps.settings)})`,
    );
  }
  const T = epochs ?? cs.values.length;
  if (epochs === undefined && cs.values.length !== ps.values.length) {
    throw new UsageError(
      `the clean run has SAL for ${cs.values.length} epochs, the poisoned run for ${ps.values.length}; pass --epochs T to compare the first T`,
    );
  }
  if (T > cs.values.length || T > ps.values.length) {
    throw new UsageError(
      `--epochs ${T}: the clean run has SAL for ${cs.values.length} epochs, the poisoned run for ${ps.values.length}`,
    );
  }
  // Same-config check: a difference is allowed but said, since UD assumes matched runs.
  const diffs = (Object.keys(clean.config) as (keyof RunRecord['config'])[])
    .filter((k) => clean.config[k] !== poisoned.config[k])
    .map((k) => `${k} ${String(clean.config[k])} vs ${String(poisoned.config[k])}`);
  if (diffs.length > 0) io.stderr(`note: the runs\u2019 configs differ: ${diffs.join(', ')}\n`);
  if (clean.poison) {
    io.stderr(
      `note: CLEAN_RUN_DIR was itself trained on ${clean.poison.method}-poisoned data; beta comes from it\n`,
    );
  }
  const r = unlearnableDistance(cs.values, ps.values, { epochs: T });
  // A run that did not train learnt nothing, poison or not: its SAL measures no poison, and a
  // clean run that did not train is no yardstick (the app's UD card says the same).
  const cb = recordBreakdown(clean);
  const pb = recordBreakdown(poisoned);
  const broke = cb.reason
    ? `the clean run did not train (${cb.reason}), so there is no UD`
    : pb.reason
      ? `the poisoned run did not train (${pb.reason}): a breakdown, not the poison at work`
      : null;
  const ud = broke ? null : r.ud;
  const reason = broke ? `${broke}; ${DID_NOT_TRAIN_ADVICE}` : (r.undefinedReason ?? 'undefined');
  const out = {
    ud,
    ...(ud === null ? { reason } : {}),
    beta: r.beta,
    lpClean: r.lpClean,
    lpPoisoned: r.lpPoisoned,
    epochs: r.epochs,
    layers: r.layers,
    thresholds: r.thresholds,
    layerNames: cs.layers,
    settings: cs.settings,
    didNotTrain: { clean: cb.didNotTrain, poisoned: pb.didNotTrain },
  };
  if (values.json) {
    io.stdout(`${JSON.stringify(out)}\n`);
    return 0;
  }
  const partial = T < Math.max(cs.values.length, ps.values.length) ? ' (first epochs only)' : '';
  io.stdout(
    [
      broke
        ? `No UD: ${out.reason}`
        : ud === null
          ? `UD undefined: ${out.reason}`
          : `UD ${ud.toFixed(3)}${partial}`,
      `#LP clean ${r.lpClean.toFixed(3)}, #LP poisoned ${r.lpPoisoned.toFixed(3)} (learnable layers per epoch, SAL > beta)`,
      `beta ${r.beta.toPrecision(4)}, from ${r.epochs} epoch${r.epochs === 1 ? '' : 's'} x ${r.layers} layers (${cs.layers.join(', ')})`,
      `SAL settings: ${describeSal(cs.settings)}`,
      ...(r.layers < 6
        ? [`note: with ${r.layers} weight layers UD can take only coarse values`]
        : []),
    ].join('\n') + '\n',
  );
  return 0;
}

/** The `ud` entry of the command table. */
export const udCommand: Command = {
  summary: 'Unlearnable Distance of a poisoned run against a clean run (both trained with --sal)',
  usage,
  run,
};
