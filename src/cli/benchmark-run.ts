/**
 * The heavy half of `salscape benchmark` (loaded once the flags are valid): every run through
 * runExperiment, as `salscape train` and the app's worker run them, then the table of
 * core/benchmark-table.ts from the runs' accuracies, SAL and breakdown verdicts.
 */
import '../ml/engine/tf-setup';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  benchmarkRow,
  CLEAN_METHOD,
  NO_DEFENCE,
  type BenchmarkRow,
  type BenchmarkTable,
  type SeedOutcome,
  benchmarkToCsv,
} from '../core/benchmark-table';
import { detectBreakdown, DID_NOT_TRAIN_LABEL } from '../core/breakdown';
import { describeDefence, type DefenceSettings } from '../core/defence-types';
import type { SurrogateModel } from '../core/model-spec';
import { POISON_METHODS, type PoisonSettings } from '../core/poison-types';
import type { SalSettings } from '../core/sal-types';
import type { TrainConfig } from '../core/train-config';
import { unlearnableDistance } from '../core/ud';
import { nodeJpegCodec } from '../ml/defences/jpeg-node';
import { selectBackendNode } from '../ml/engine/backend';
import { runExperiment } from '../ml/experiment/run-experiment';
import { DivergedError } from '../ml/train/train-loop';
import type { CliIO } from './command';
import { describeSal } from './sal-flags';
import { markdownTable } from './table';
import { loadRunData } from './train-setup';

/** What to measure; `poisons` carry any seed (each run uses its own). */
export interface BenchmarkInput {
  config: TrainConfig;
  seeds: number[];
  /** Add the clean-vs-clean control row. */
  control: boolean;
  poisons: PoisonSettings[];
  /** null = no defence. */
  defences: (DefenceSettings | null)[];
  sal: SalSettings;
  backend: 'wasm' | 'cpu';
  out: string;
  io: CliIO;
}

/** One finished run, reduced to what the table needs. */
interface RunOutcome {
  testAcc: number | null;
  trainAcc: number | null;
  sal: number[][] | null;
  /** Why the run did not train; null when it did. */
  failed: string | null;
  /** The trained model, kept only for a clean run that TAP or SEP attack. */
  model?: SurrogateModel;
}

const fmt = (x: number | null, d = 4) => (x === null ? '-' : x.toFixed(d));

/**
 * UD of `other` against the clean run `clean`, or null with the reason in words (`otherName`
 * names `other` when it is not the row's own run, as for the control row).
 */
function udOf(
  clean: RunOutcome,
  other: RunOutcome,
  cleanSeed: number,
  otherName?: string,
): [number | null, string | null] {
  if (other.failed)
    return [
      null,
      otherName ? `${otherName} did not train: no UD` : `${DID_NOT_TRAIN_LABEL}: ${other.failed}`,
    ];
  if (clean.failed) return [null, `the clean run of seed ${cleanSeed} did not train: no UD`];
  if (!clean.sal || !other.sal) return [null, 'no SAL'];
  try {
    const r = unlearnableDistance(clean.sal, other.sal);
    return [r.ud, r.ud === null ? (r.undefinedReason ?? 'UD undefined') : null];
  } catch (e) {
    return [null, (e as Error).message];
  }
}

/** Runs every run of the benchmark, writes benchmark.csv / .json to `out`, returns the table. */
export async function runBenchmark(o: BenchmarkInput): Promise<BenchmarkTable> {
  const { io, seeds, poisons, defences } = o;
  const report = await selectBackendNode(o.backend);
  if (report.chosen !== o.backend)
    io.stderr(`salscape: backend ${o.backend} unavailable; using ${report.chosen}\n`);
  const extra = o.control ? seeds.filter((s) => !seeds.includes(s + 1)).map((s) => s + 1) : [];
  const total = defences.length * (seeds.length * (1 + poisons.length) + extra.length);
  const c = o.config;
  // Every seed's subset has trainSize images, so SAL's image count is fitted once.
  const sal: SalSettings = { ...o.sal, subsetSize: Math.min(o.sal.subsetSize, c.trainSize) };
  io.stderr(
    `benchmark ${c.model} on ${c.dataset}: ${c.trainSize} train / ${c.testSize} test images, ${c.epochs} epochs, ` +
      `lr ${c.lr}; seeds ${seeds.join(', ')}; ${total} runs; SAL ${describeSal(sal)}\n`,
  );
  const needsModel = poisons.some((p) => POISON_METHODS[p.method].needsCleanModel);
  const dataOf = new Map<number, Awaited<ReturnType<typeof loadRunData>>>();
  let done = 0;
  const t0 = performance.now();

  async function train(
    seed: number,
    poison: PoisonSettings | null,
    defence: DefenceSettings | null,
    surrogate?: SurrogateModel,
  ): Promise<RunOutcome> {
    const config = { ...c, seed };
    if (!dataOf.has(seed)) dataOf.set(seed, await loadRunData(config, true));
    const data = dataOf.get(seed)!;
    const t = performance.now();
    const what = `${poison?.method ?? CLEAN_METHOD}, defence ${defence ? describeDefence(defence) : NO_DEFENCE}, seed ${seed}`;
    if (poison && POISON_METHODS[poison.method].needsCleanModel && !surrogate) {
      const failed = 'the clean run it attacks diverged, so there is nothing to attack';
      io.stderr(`[${++done}/${total}] ${what}: ${failed}\n`);
      return { testAcc: null, trainAcc: null, sal: null, failed };
    }
    let outcome: RunOutcome;
    try {
      const r = await runExperiment(
        {
          config,
          poison: poison ? { ...poison, seed } : null,
          sal,
          defence,
        },
        data,
        {},
        {
          ...(surrogate && poison && POISON_METHODS[poison.method].needsCleanModel
            ? { surrogate }
            : {}),
          jpeg: nodeJpegCodec,
        },
      );
      const last = r.metrics[r.metrics.length - 1];
      const verdict = detectBreakdown(r.metrics, data.train.numClasses);
      const weights = r.checkpoints[r.checkpoints.length - 1];
      outcome = {
        testAcc: verdict.didNotTrain ? null : (last?.testAcc ?? null),
        trainAcc: verdict.didNotTrain ? null : (last?.trainAcc ?? null),
        sal: r.sal?.values ?? null,
        failed: verdict.reason,
        ...(!poison && needsModel && weights
          ? { model: { spec: r.spec, weights, checkpoints: r.checkpoints.slice(1) } }
          : {}),
      };
      done++;
      io.stderr(
        `[${done}/${total}] ${what}: test acc ${fmt(last?.testAcc ?? null)}, train acc ${fmt(last?.trainAcc ?? null)}` +
          `${verdict.didNotTrain ? ` (${DID_NOT_TRAIN_LABEL})` : ''}, ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
      );
    } catch (e) {
      if (!(e instanceof DivergedError)) throw e;
      outcome = { testAcc: null, trainAcc: null, sal: null, failed: e.message };
      done++;
      io.stderr(`[${done}/${total}] ${what}: ${e.message}\n`);
    }
    return outcome;
  }

  const rows: BenchmarkRow[] = [];
  for (const defence of defences) {
    const defenceId = defence?.id ?? NO_DEFENCE;
    const clean = new Map<number, RunOutcome>();
    const byMethod = new Map<string, SeedOutcome[]>(poisons.map((p) => [p.method, []]));
    for (const seed of seeds) {
      const { model, ...cleanRun } = await train(seed, null, defence);
      clean.set(seed, cleanRun);
      for (const p of poisons) {
        const run = await train(seed, p, defence, model);
        const [ud, note] = udOf(cleanRun, run, seed);
        byMethod.get(p.method)!.push({
          seed,
          testAcc: run.testAcc,
          trainAcc: run.trainAcc,
          ud,
          didNotTrain: run.failed !== null,
          note,
        });
      }
    }
    for (const s of extra) clean.set(s, await train(s, null, defence));
    if (o.control) {
      const outcomes = seeds.map((seed): SeedOutcome => {
        const mine = clean.get(seed)!;
        const [ud, note] = mine.failed
          ? [null, `${DID_NOT_TRAIN_LABEL}: ${mine.failed}`]
          : udOf(mine, clean.get(seed + 1)!, seed, `the clean run of seed ${seed + 1}`);
        return {
          seed,
          testAcc: mine.testAcc,
          trainAcc: mine.trainAcc,
          ud,
          didNotTrain: mine.failed !== null,
          note,
        };
      });
      rows.push(benchmarkRow(CLEAN_METHOD, defenceId, outcomes));
    }
    for (const p of poisons) rows.push(benchmarkRow(p.method, defenceId, byMethod.get(p.method)!));
  }
  const table: BenchmarkTable = {
    rows,
    setup: {
      config: (({ seed: _s, ...rest }) => rest)(c),
      sal,
      poisons: poisons.map(({ method, eps, ratio }) => ({ method, eps, ratio })),
      defences: defences.map((d) => ({
        id: d?.id ?? NO_DEFENCE,
        label: d ? describeDefence(d) : 'no defence',
      })),
      backend: report.chosen,
      seconds: (performance.now() - t0) / 1000,
    },
  };
  await writeFile(path.join(o.out, 'benchmark.json'), `${JSON.stringify(table, null, 2)}\n`);
  await writeFile(path.join(o.out, 'benchmark.csv'), benchmarkToCsv(rows));
  return table;
}

const span = (x: { mean: number | null; lo: number | null; hi: number | null }) =>
  x.mean === null
    ? '-'
    : `${fmt(x.mean, 3)}${x.lo === null ? '' : ` [${fmt(x.lo, 3)}, ${fmt(x.hi, 3)}]`}`;

/** The table as Markdown for the terminal (the files hold full precision). */
export function benchmarkText(table: BenchmarkTable): string {
  const head = [
    'method',
    'defence',
    'test acc [95 %]',
    'train acc',
    'UD [95 %]',
    'n',
    'did not train',
  ];
  const lines = table.rows.map((r) => [
    r.method,
    r.defence,
    span(r.testAcc),
    fmt(r.trainAcc.mean, 3),
    span(r.ud),
    String(r.testAcc.n),
    String(r.didNotTrain),
  ]);
  return markdownTable(head, lines, [5, 6]);
}
