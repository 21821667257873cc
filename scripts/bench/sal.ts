/**
 * `npm run bench:sal`: what SAL costs and what UD says.
 *
 * 1. Timing: seconds for SAL of all weight layers after one epoch (one call of salAllLayers on
 *    a model trained for 2 epochs) with the app's default settings and with the paper's, on the
 *    WASM backend (the CPU path), for cnn-s and vgg-s. Goal for the app default: under 5 s.
 * 2. UD: for each UD model (vgg-s, the model for UD work, and cnn-s), a clean run and one run per
 *    poison method (default budget) on MNIST, each with SAL (app defaults) after every epoch;
 *    UD of each poisoned run against the clean run of the same seed, with beta, #LP and the epochs
 *    and layers it rests on; with several seeds, the mean and range.
 * Writes bench-results/sal.json (--quick: bench-results/sal-quick.json).
 *
 *   npm run bench:sal                    # seeds 1,2,3, all methods, 6 epochs (long; resumable)
 *   npm run bench:sal -- --quick         # seed 1, 5 methods, 4 epochs, paper timing on 512 images
 *   npm run bench:sal -- --models vgg-s --methods em-class,random --seeds 1,2
 *
 * Training: 2,000 MNIST training images, 1,000 test, SGD lr 0.05, momentum 0.9, batch 32, weight
 * decay 5e-4. A method's poisoned set is made once per seed and used by both models. TAP and SEP
 * attack the clean cnn-s run of the same subset. Finished runs are saved at once; a rerun with the
 * same settings skips them (--fresh starts over).
 */
import '../../src/ml/engine/tf-setup';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import {
  formatFlags,
  parseFlags,
  parseNumberFlag,
  UsageError,
  type FlagTable,
} from '../../src/cli/args';
import { intFlag, list } from './flags';
import { describeSal } from '../../src/cli/sal-flags';
import { markdownTable } from '../../src/cli/table';
import type { ImageSet } from '../../src/core/dataset';
import {
  POISON_METHOD_IDS,
  POISON_METHODS,
  type PoisonMethodId,
} from '../../src/core/poison-types';
import {
  APP_SAL_DEFAULTS,
  PAPER_SAL_SETTINGS,
  type SalRecord,
  type SalSettings,
} from '../../src/core/sal-types';
import { defaultTrainConfig, MODELS, type ModelName } from '../../src/core/train-config';
import { unlearnableDistance, udSpread } from '../../src/core/ud';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { toTensors } from '../../src/ml/data/tensors';
import { firstImages, runExperiment } from '../../src/ml/experiment/run-experiment';
import { getPoison } from '../../src/ml/poisons';
import { salAllLayers } from '../../src/ml/sal/sal';
import { runTraining, selectRunData } from '../../src/ml/train/run-training';
import type { SurrogateModel } from '../../src/core/model-spec';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const FLAGS = {
  quick: { type: 'boolean', help: 'seed 1, 5 methods, 4 epochs, paper timing on 512 images' },
  models: { type: 'string', value: 'a,b', help: 'UD models (default vgg-s,cnn-s)' },
  methods: { type: 'string', value: 'a,b', help: 'poison methods (default all)' },
  seeds: { type: 'string', value: 'a,b', help: 'seeds of the UD runs (default 1,2,3; --quick 1)' },
  epochs: { type: 'string', value: 'E', help: 'epochs of the UD runs (default 6; --quick 4)' },
  'train-size': { type: 'string', value: 'N', help: 'training images (default 2000)' },
  'test-size': { type: 'string', value: 'N', help: 'test images (default 1000)' },
  'skip-timing': { type: 'boolean', help: 'skip the timing part' },
  repeat: { type: 'string', value: 'N', help: 'timing: best of N calls (default 1)' },
  'skip-ud': { type: 'boolean', help: 'skip the UD part' },
  fresh: { type: 'boolean', help: 'ignore saved UD runs and start over' },
  out: { type: 'string', value: 'FILE', help: 'results file (default bench-results/sal.json)' },
} as const satisfies FlagTable;

const QUICK_METHODS: PoisonMethodId[] = ['random', 'random-class', 'lsp', 'ops', 'em-class'];

/** One timing measurement. */
interface TimingRow {
  model: ModelName;
  label: string;
  settings: SalSettings;
  seconds: number;
  trainSecondsPerEpoch: number;
  sal: number[];
}

/** One run with SAL after every epoch. */
interface UdRun {
  model: ModelName;
  seed: number;
  method: PoisonMethodId | 'clean';
  eps: number | null;
  testAcc: number;
  sal: SalRecord;
  /** Mean seconds of SAL after an epoch. */
  salSeconds: number;
  genSeconds: number;
}

interface ResultsFile {
  bench: 'sal';
  settings: Record<string, unknown>;
  updatedAt: string;
  machine: string;
  timing: TimingRow[];
  runs: UdRun[];
}

const log = (s: string) => process.stdout.write(`${s}\n`);
const f3 = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(3));

async function main(): Promise<void> {
  const { values } = parseFlags('bench:sal', process.argv.slice(2), FLAGS);
  if (values.help) {
    log(`Usage: npm run bench:sal -- [flags]\n\nFlags:\n${formatFlags(FLAGS)}`);
    return;
  }
  const quick = values.quick ?? false;
  const models = list(values.models, MODELS, 'models', ['vgg-s', 'cnn-s']);
  const methods = list(
    values.methods,
    POISON_METHOD_IDS,
    'methods',
    quick ? QUICK_METHODS : POISON_METHOD_IDS,
  );
  const seeds = (values.seeds ?? (quick ? '1' : '1,2,3')).split(',').map((s) => {
    const v = parseNumberFlag('seeds', s);
    if (!Number.isInteger(v) || v < 0) throw new UsageError(`--seeds: "${s}" is not a seed`);
    return v;
  });
  const base = {
    ...defaultTrainConfig(),
    dataset: 'mnist' as const,
    trainSize: intFlag('train-size', values['train-size'], 2000, 10),
    testSize: intFlag('test-size', values['test-size'], 1000, 10),
    epochs: intFlag('epochs', values.epochs, quick ? 4 : 6, 1),
    batchSize: 32,
    lr: 0.05,
    momentum: 0.9,
    weightDecay: 5e-4,
  };
  const repeat = intFlag('repeat', values.repeat, 1, 1);
  const salSettings: SalSettings = {
    ...APP_SAL_DEFAULTS,
    subsetSize: Math.min(APP_SAL_DEFAULTS.subsetSize, base.trainSize),
  };
  const outFile = path.resolve(
    ROOT,
    values.out ?? path.join('bench-results', quick ? 'sal-quick.json' : 'sal.json'),
  );
  const report = await selectBackendNode('wasm');
  if (report.chosen !== 'wasm') log(`note: WASM unavailable, measuring on ${report.chosen}`);
  const { seed: _s, model: _m, ...cfg } = base;
  const settings = { config: cfg, sal: salSettings, backend: report.chosen };

  let saved: ResultsFile | null = null;
  if (!values.fresh && existsSync(outFile)) {
    try {
      saved = JSON.parse(readFileSync(outFile, 'utf8')) as ResultsFile;
      if (JSON.stringify(saved.settings) !== JSON.stringify(settings)) {
        log(`${path.relative(ROOT, outFile)} has other settings: starting over`);
        saved = null;
      } else
        log(
          `resuming: ${saved.runs.length} saved runs in ${path.relative(ROOT, outFile)} (--fresh starts over)`,
        );
    } catch {
      saved = null;
    }
  }
  const timing: TimingRow[] = saved?.timing ?? [];
  const runs: UdRun[] = saved?.runs ?? [];
  const save = () => {
    mkdirSync(path.dirname(outFile), { recursive: true });
    const file: ResultsFile = {
      bench: 'sal',
      settings,
      updatedAt: new Date().toISOString(),
      machine: `Node ${process.version}, ${os.cpus().length} cores, ${os.platform()}`,
      timing,
      runs,
    };
    writeFileSync(outFile, `${JSON.stringify(file, null, 2)}\n`);
  };
  const t0 = performance.now();
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);

  // 1. Timing.
  if (!values['skip-timing']) {
    timing.length = 0;
    const paperImages = quick ? 512 : base.trainSize;
    const cases: [string, SalSettings][] = [
      ['app default', { ...APP_SAL_DEFAULTS }],
      [
        'issue-5 PyTorch reference',
        { ...APP_SAL_DEFAULTS, subsetSize: 512, batchSize: 256, rounds: 3 },
      ],
      [
        quick ? `paper, ${paperImages} images` : 'paper (whole training set)',
        { ...PAPER_SAL_SETTINGS, subsetSize: paperImages },
      ],
    ];
    for (const model of ['cnn-s', 'vgg-s'] as const) {
      const config = { ...base, model, seed: 1, epochs: 2 };
      const data = selectRunData(config, train, test);
      const s0 = performance.now();
      const run = await runTraining(config, data);
      const trainS = (performance.now() - s0) / 1000 / config.epochs;
      const weights = run.checkpoints[run.checkpoints.length - 1]!;
      for (const [label, s] of cases) {
        const xy = toTensors(firstImages(data.train, s.subsetSize));
        try {
          const used = { ...s, subsetSize: Math.min(s.subsetSize, data.train.count) };
          let seconds = Infinity;
          let r = null;
          for (let i = 0; i < repeat; i++) {
            const q0 = performance.now();
            r = await salAllLayers(run.spec, weights, xy, used);
            seconds = Math.min(seconds, (performance.now() - q0) / 1000);
          }
          if (!r) throw new Error('no SAL measured');
          timing.push({
            model,
            label,
            settings: used,
            seconds,
            trainSecondsPerEpoch: trainS,
            sal: r.layers.map((l) => l.sal),
          });
          log(`timing ${model} ${label}: ${seconds.toFixed(2)} s (${describeSal(used)})`);
        } finally {
          tf.dispose([xy.x, xy.y]);
        }
      }
    }
    save();
  }

  // 2. UD.
  if (!values['skip-ud']) {
    for (const seed of seeds) {
      const config0 = { ...base, seed };
      const data = selectRunData({ ...config0, model: 'cnn-s' }, train, test);
      const poisoned = new Map<
        PoisonMethodId,
        { set: ImageSet; eps: number; genSeconds: number }
      >();
      let surrogate: SurrogateModel | null = null;
      const find = (model: ModelName, method: UdRun['method']) =>
        runs.find((r) => r.model === model && r.seed === seed && r.method === method);
      const runWithSal = async (
        model: ModelName,
        method: UdRun['method'],
        set: ImageSet,
        eps: number | null,
        genSeconds: number,
      ) => {
        const secs: number[] = [];
        const r = await runExperiment(
          { config: { ...config0, model }, poison: null, sal: salSettings },
          { train: set, test: data.test },
          { onSal: (row) => secs.push(row.seconds) },
        );
        const run: UdRun = {
          model,
          seed,
          method,
          eps,
          testAcc: r.metrics[r.metrics.length - 1]!.testAcc,
          sal: r.sal!,
          salSeconds: secs.reduce((a, b) => a + b, 0) / Math.max(1, secs.length),
          genSeconds,
        };
        runs.push(run);
        save();
        return run;
      };
      for (const model of models) {
        const clean =
          find(model, 'clean') ?? (await runWithSal(model, 'clean', data.train, null, 0));
        log(
          `seed ${seed} ${model} clean: test acc ${f3(clean.testAcc)}, SAL ${clean.salSeconds.toFixed(1)} s/epoch`,
        );
        for (const method of methods) {
          if (find(model, method)) continue;
          let p = poisoned.get(method);
          if (!p) {
            const info = POISON_METHODS[method];
            if (info.needsCleanModel && !surrogate) {
              const c = await runTraining({ ...config0, model: 'cnn-s' }, data);
              surrogate = {
                spec: c.spec,
                weights: c.checkpoints[c.checkpoints.length - 1]!,
                checkpoints: c.checkpoints.slice(1),
              };
            }
            const eps = info.defaultEps.mnist;
            const g = await getPoison(method).generate(
              data.train,
              { method, eps, ratio: 1, seed },
              surrogate ? { surrogate } : {},
            );
            p = { set: g.poisoned, eps, genSeconds: g.seconds };
            poisoned.set(method, p);
          }
          const run = await runWithSal(model, method, p.set, p.eps, p.genSeconds);
          const ud = unlearnableDistance(clean.sal.values, run.sal.values);
          log(
            `seed ${seed} ${model} ${method}: test acc ${f3(run.testAcc)} (clean ${f3(clean.testAcc)}), ` +
              `UD ${ud.ud === null ? 'undefined' : ud.ud.toFixed(3)}, beta ${ud.beta.toPrecision(3)}, #LP ${ud.lpPoisoned.toFixed(2)} / ${ud.lpClean.toFixed(2)}`,
          );
        }
      }
    }
  }

  // Tables.
  if (timing.length > 0) {
    log(
      `\nSAL of all weight layers after one epoch (one call on a model trained 2 epochs on ${base.trainSize} MNIST images), ` +
        `best of ${repeat}, ${report.chosen} backend, Node ${process.version}, ${os.cpus().length} cores, load average ${os
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
  const rows: string[][] = [];
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
      const uds = per.map(({ c, p }) => unlearnableDistance(c.sal.values, p.sal.values));
      const spread = udSpread(uds.map((u) => u.ud));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const udText =
        spread.mean === null
          ? 'undefined'
          : per.length === 1
            ? spread.mean.toFixed(2)
            : `${spread.mean.toFixed(2)} [${spread.min!.toFixed(2)}-${spread.max!.toFixed(2)}]`;
      const eps = per[0]!.p.eps;
      rows.push([
        model,
        method,
        eps === null
          ? '-'
          : `${eps.toFixed(4).replace(/\.?0+$/, '')} ${POISON_METHODS[method as PoisonMethodId].norm}`,
        f3(mean(per.map((x) => x.p.testAcc))),
        f3(mean(cleanAcc)),
        `${udText}${spread.nUndefined > 0 ? ` (${spread.nUndefined} undefined)` : ''}`,
        mean(uds.map((u) => u.beta)).toPrecision(3),
        mean(uds.map((u) => u.lpClean)).toFixed(2),
        mean(uds.map((u) => u.lpPoisoned)).toFixed(2),
        `${uds[0]!.epochs} x ${uds[0]!.layers}`,
        String(per.length),
        mean(per.map((x) => x.p.salSeconds)).toFixed(1),
      ]);
    }
  }
  if (rows.length > 0) {
    log(
      `\nUD of each poison (default MNIST budget) against the clean run of the same seed: ${base.trainSize} train / ${base.testSize} test MNIST images, ` +
        `${base.epochs} epochs, SAL after every epoch with the app defaults (${describeSal(salSettings)}). ` +
        `With several seeds: mean [min-max]; beta and #LP are means. cnn-s has 3 weight layers, so its UD is coarse.`,
    );
    log(
      markdownTable(
        [
          'model',
          'poison',
          'eps',
          'test acc',
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
        [3, 4, 6, 7, 8, 10, 11],
      ),
    );
  }
  log(
    `\n${((performance.now() - t0) / 60000).toFixed(1)} min this session; results in ${path.relative(ROOT, outFile)}`,
  );
}

main().catch((e: unknown) => {
  const err = e as Error;
  process.stderr.write(
    `bench:sal: ${err instanceof UsageError ? err.message.replace(/salscape (bench:\w+) --help/, 'npm run $1 -- --help') : (err.stack ?? String(e))}\n`,
  );
  process.exit(e instanceof UsageError ? 2 : 1);
});
