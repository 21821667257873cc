/**
 * `npm run bench:poisons`: does each poison bite? Trains cnn-s and vgg-s on MNIST and
 * Fashion-MNIST subsets poisoned by every method, at its default budget and (L-inf methods) at
 * the CIFAR convention 8/255, and prints clean test accuracy next to the clean baseline.
 * Writes bench-results/poisons.json (--quick: bench-results/poisons-quick.json).
 *
 *   npm run bench:poisons                       # everything (hours on 2 cores; resumable)
 *   npm run bench:poisons -- --quick            # MNIST, 6 methods, 3 epochs
 *   npm run bench:poisons -- --datasets fashion --models vgg-s --methods em,em-class
 *   npm run bench:poisons -- --methods em,lsp --eps em=0.1:0.3,lsp=5.93   # budgets to try
 *   npm run bench:poisons -- --quick --defences jpeg,cutout   # defences to measure (none: skip)
 *
 * Settings (issue 4): 2,000 training images, 1,000 test, SGD lr 0.05, momentum 0.9, batch 32,
 * weight decay 5e-4, 6 epochs, seed 1, WASM backend. The poisoned set of a method is made once
 * per data set and budget and trained on by every model. EM / REM train their own cnn-s
 * surrogate (the method's default); TAP and SEP attack the clean cnn-s run of the same subset
 * (SEP: its epoch checkpoints), for both models.
 *
 * Defences (issue 4): the clean set and the EM (em-class) and LSP sets at their default budgets
 * are trained on again under each defence (applied to every run alike, as in the app); the
 * defended rows print in a second table with the change from the undefended run. --quick runs
 * jpeg, bitdepth, blur, cutout and mixup; the full run adds PGD adversarial training (costly).
 * grayscale is left out by default: the data sets are grey, so it changes nothing.
 *
 * Resumable: every finished (data set, poison, budget, model) cell is saved at once; a rerun with
 * the same settings skips saved cells (--fresh starts over). Rows print as they finish.
 */
import '../../src/ml/engine/tf-setup';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatFlags, parseFlags, UsageError, type FlagTable } from '../../src/cli/args';
import { intFlag, list } from './flags';
import { parseEpsFlag } from '../../src/cli/poison-flags';
import { markdownTable } from '../../src/cli/table';
import { DATASET_IDS, type DatasetId, type ImageSet } from '../../src/core/dataset';
import {
  POISON_METHOD_IDS,
  POISON_METHODS,
  isPoisonMethodId,
  type PoisonMethodId,
} from '../../src/core/poison-types';
import {
  defaultTrainConfig,
  MODELS,
  type ModelName,
  type TrainConfig,
} from '../../src/core/train-config';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import {
  DEFENCE_IDS,
  defaultDefence,
  describeDefence,
  type DefenceId,
} from '../../src/core/defence-types';
import { nodeJpegCodec } from '../../src/ml/defences/jpeg-node';
import { runExperiment } from '../../src/ml/experiment/run-experiment';
import { getPoison } from '../../src/ml/poisons';
import { runTraining, selectRunData } from '../../src/ml/train/run-training';
import type { SurrogateModel } from '../../src/core/model-spec';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CIFAR_EPS = 8 / 255;

const FLAGS = {
  quick: { type: 'boolean', help: 'MNIST only, 6 methods, 3 epochs' },
  datasets: { type: 'string', value: 'a,b', help: 'data sets (default mnist,fashion)' },
  models: { type: 'string', value: 'a,b', help: 'models (default cnn-s,vgg-s)' },
  methods: { type: 'string', value: 'a,b', help: 'poison methods (default all)' },
  epochs: { type: 'string', value: 'E', help: 'epochs (default 6; --quick 3)' },
  'train-size': { type: 'string', value: 'N', help: 'training images (default 2000)' },
  'test-size': { type: 'string', value: 'N', help: 'test images (default 1000)' },
  seed: { type: 'string', value: 'S', help: 'seed of subsets, init, poisons (default 1)' },
  eps: {
    type: 'string',
    value: 'm=a:b,...',
    help: 'budgets per method instead of its default and 8/255, e.g. em=0.1:8/255',
  },
  defences: {
    type: 'string',
    value: 'a,b',
    help: 'defences for clean, em-class and lsp (default jpeg,bitdepth,blur,cutout,mixup; full run adds adv; none: skip)',
  },
  fresh: { type: 'boolean', help: 'ignore saved results and start over' },
  out: { type: 'string', value: 'FILE', help: 'results file (default bench-results/poisons.json)' },
} as const satisfies FlagTable;

const QUICK_METHODS: PoisonMethodId[] = ['random', 'random-class', 'lsp', 'ops', 'em-class', 'tap'];
const QUICK_DEFENCES: DefenceId[] = ['jpeg', 'bitdepth', 'blur', 'cutout', 'mixup'];
const FULL_DEFENCES: DefenceId[] = [...QUICK_DEFENCES, 'adv'];
/** The poisons measured under defences (at their default budgets), next to clean. */
const DEFENDED_METHODS: PoisonMethodId[] = ['em-class', 'lsp'];

/** One trained model on one (poisoned) set. */
interface ModelResult {
  testAcc: number;
  trainAcc: number;
  seconds: number;
}

/** One (data set, poison, budget): the poison's measured figures and each model's accuracy. */
interface Cell {
  dataset: DatasetId;
  method: PoisonMethodId | 'clean';
  /** 'default' (the method's default for the data set), '8/255', or '-' for clean. */
  budget: string;
  eps: number | null;
  norm: string;
  genSeconds: number;
  linfMax: number;
  l2Mean: number;
  l0Mean: number;
  /** EM / REM: why and when the min-min loop stopped. */
  stop?: string;
  /** The defence trained under (its default settings), absent for undefended cells. */
  defence?: DefenceId;
  models: Partial<Record<ModelName, ModelResult>>;
}

interface ResultsFile {
  bench: 'poisons';
  settings: Omit<TrainConfig, 'dataset' | 'model'> & { backend: string };
  updatedAt: string;
  machine: string;
  cells: Cell[];
}

/** `em=0.1:8/255,lsp=5.9` -> budgets per method, each with its label (the text given). */
function parseEpsOverrides(
  raw: string | undefined,
): Partial<Record<PoisonMethodId, [string, number][]>> {
  const out: Partial<Record<PoisonMethodId, [string, number][]>> = {};
  if (raw === undefined) return out;
  for (const part of raw.split(',')) {
    const [m, budgets] = part.split('=');
    if (!m || !budgets || !isPoisonMethodId(m.trim())) {
      throw new UsageError(`--eps: "${part}" is not method=budget[:budget...]`);
    }
    out[m.trim() as PoisonMethodId] = budgets
      .split(':')
      .map((b) => [b.trim(), parseEpsFlag('eps', b)]);
  }
  return out;
}

const f3 = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3));
const log = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const { values } = parseFlags('bench:poisons', process.argv.slice(2), FLAGS);
  if (values.help) {
    log(`Usage: npm run bench:poisons -- [flags]\n\nFlags:\n${formatFlags(FLAGS)}`);
    return;
  }
  const quick = values.quick ?? false;
  const datasets = list(values.datasets, DATASET_IDS, 'datasets', quick ? ['mnist'] : DATASET_IDS);
  const models = list(values.models, MODELS, 'models', ['cnn-s', 'vgg-s']);
  const methods = list(
    values.methods,
    POISON_METHOD_IDS,
    'methods',
    quick ? QUICK_METHODS : POISON_METHOD_IDS,
  );
  const base = {
    ...defaultTrainConfig(),
    trainSize: intFlag('train-size', values['train-size'], 2000, 10),
    testSize: intFlag('test-size', values['test-size'], 1000, 10),
    epochs: intFlag('epochs', values.epochs, quick ? 3 : 6, 1),
    batchSize: 32,
    lr: 0.05,
    momentum: 0.9,
    weightDecay: 5e-4,
    seed: intFlag('seed', values.seed, 1, 0),
  };
  const epsOverrides = parseEpsOverrides(values.eps);
  const defenceIds =
    values.defences?.trim() === 'none'
      ? []
      : list(values.defences, DEFENCE_IDS, 'defences', quick ? QUICK_DEFENCES : FULL_DEFENCES);
  // Only the poisons this run measures undefended, so every defended row has its baseline.
  const defendedMethods = DEFENDED_METHODS.filter((m) => methods.includes(m));
  const outFile = path.resolve(
    ROOT,
    values.out ?? path.join('bench-results', quick ? 'poisons-quick.json' : 'poisons.json'),
  );
  const report = await selectBackendNode('wasm');
  const { dataset: _d, model: _m, ...settingsCore } = base;
  const settings = { ...settingsCore, backend: report.chosen };

  // Saved cells of a run with the same settings are reused (resume).
  let cells: Cell[] = [];
  if (!values.fresh && existsSync(outFile)) {
    try {
      const old = JSON.parse(readFileSync(outFile, 'utf8')) as ResultsFile;
      if (JSON.stringify(old.settings) === JSON.stringify(settings)) {
        cells = old.cells;
        log(
          `resuming: ${cells.length} saved cells in ${path.relative(ROOT, outFile)} (--fresh starts over)`,
        );
      } else log(`${path.relative(ROOT, outFile)} has other settings: starting over`);
    } catch {
      log(`${path.relative(ROOT, outFile)} is unreadable: starting over`);
    }
  }
  const save = () => {
    mkdirSync(path.dirname(outFile), { recursive: true });
    const file: ResultsFile = {
      bench: 'poisons',
      settings,
      updatedAt: new Date().toISOString(),
      machine: `Node ${process.version}, ${os.cpus().length} cores, ${os.platform()}`,
      cells,
    };
    writeFileSync(outFile, `${JSON.stringify(file, null, 2)}\n`);
  };
  // A saved cell counts only for the same budget value (a changed default is measured anew).
  const cellOf = (
    dataset: DatasetId,
    method: Cell['method'],
    budget: string,
    eps: number | null,
    defence?: DefenceId,
  ) =>
    cells.find(
      (c) =>
        c.dataset === dataset &&
        c.defence === defence &&
        c.method === method &&
        c.budget === budget &&
        (c.eps === eps || (c.eps !== null && eps !== null && Math.abs(c.eps - eps) < 1e-12)),
    );

  log(
    `bench:poisons on ${report.chosen}: ${datasets.join(', ')}; models ${models.join(', ')}; ` +
      `${base.trainSize} train / ${base.testSize} test images, ${base.epochs} epochs, lr ${base.lr}, ` +
      `momentum ${base.momentum}, batch ${base.batchSize}, weight decay ${base.weightDecay}, seed ${base.seed}`,
  );
  log(
    defenceIds.length > 0
      ? `defences: ${defenceIds.map((d) => describeDefence(defaultDefence(d))).join('; ')} on clean${defendedMethods.map((m) => `, ${m}`).join('')} (default budgets)`
      : 'defences: none (--defences none)',
  );
  const t0 = performance.now();

  for (const dataset of datasets) {
    const [train, test] = await Promise.all([
      loadDatasetNode(dataset, 'train'),
      loadDatasetNode(dataset, 'test'),
    ]);
    const data = selectRunData({ ...base, dataset }, train, test);
    let surrogate: SurrogateModel | null = null;
    /** Poisoned training sets at default budgets, kept for the defence rows. */
    const defaultSets = new Map<PoisonMethodId, ImageSet>();

    const trainOne = async (model: ModelName, set: ImageSet): Promise<ModelResult> => {
      const s0 = performance.now();
      const r = await runTraining({ ...base, dataset, model }, { train: set, test: data.test });
      const last = r.metrics[r.metrics.length - 1]!;
      if (model === 'cnn-s' && set === data.train && !surrogate) {
        surrogate = {
          spec: r.spec,
          weights: r.checkpoints[r.checkpoints.length - 1]!,
          checkpoints: r.checkpoints.slice(1),
        };
      }
      return {
        testAcc: last.testAcc,
        trainAcc: last.trainAcc,
        seconds: (performance.now() - s0) / 1000,
      };
    };

    // Clean baselines.
    let clean = cellOf(dataset, 'clean', '-', null);
    if (!clean) {
      clean = {
        dataset,
        method: 'clean',
        budget: '-',
        eps: null,
        norm: '-',
        genSeconds: 0,
        linfMax: 0,
        l2Mean: 0,
        l0Mean: 0,
        models: {},
      };
      cells.push(clean);
    }
    for (const model of models) {
      if (clean.models[model]) continue;
      clean.models[model] = await trainOne(model, data.train);
      save();
      log(
        `${dataset} clean ${model}: test acc ${f3(clean.models[model]!.testAcc)} (${clean.models[model]!.seconds.toFixed(0)} s)`,
      );
    }

    for (const method of methods) {
      const info = POISON_METHODS[method];
      const budgets: [string, number][] = epsOverrides[method] ?? [
        ['default', info.defaultEps[dataset]],
      ];
      if (
        !epsOverrides[method] &&
        info.norm === 'linf' &&
        Math.abs(info.defaultEps[dataset] - CIFAR_EPS) > 1e-9
      ) {
        budgets.push(['8/255', CIFAR_EPS]);
      }
      for (const [budget, eps] of budgets) {
        const saved = cellOf(dataset, method, budget, eps);
        const missing = models.filter((m) => !saved?.models[m]);
        if (saved && missing.length === 0) continue;
        if (info.needsCleanModel && !surrogate) {
          log(`${dataset}: training the clean cnn-s run for ${method} to attack`);
          await trainOne('cnn-s', data.train);
        }
        let lastLog = performance.now();
        const gen = await getPoison(method).generate(
          data.train,
          { method, eps, ratio: 1, seed: base.seed },
          {
            ...(surrogate ? { surrogate } : {}),
            onProgress: (f, detail) => {
              if (performance.now() - lastLog > 30_000) {
                lastLog = performance.now();
                log(`  ${dataset} ${method} ${budget}: ${(100 * f).toFixed(0)}% ${detail}`);
              }
            },
          },
        );
        if (budget === 'default') defaultSets.set(method, gen.poisoned);
        const rep = gen.report;
        const cell: Cell = saved ?? {
          dataset,
          method,
          budget,
          eps,
          norm: info.norm,
          genSeconds: gen.seconds,
          linfMax: gen.norms.linfMax,
          l2Mean: gen.norms.l2Mean,
          l0Mean: gen.norms.l0Mean,
          ...(rep.stopReason
            ? {
                stop: `${rep.stopReason} after ${rep.rounds} rounds, loss ${rep.finalLoss?.toFixed(4)}`,
              }
            : {}),
          models: {},
        };
        if (!saved) cells.push(cell);
        for (const model of missing) {
          cell.models[model] = await trainOne(model, gen.poisoned);
          save();
          const c = clean.models[model]?.testAcc;
          log(
            `${dataset} ${method} ${budget} (${info.norm} ${eps.toFixed(4)}, gen ${gen.seconds.toFixed(0)} s${cell.stop ? `, ${cell.stop}` : ''}) ` +
              `${model}: test acc ${f3(cell.models[model]!.testAcc)} (clean ${f3(c)})`,
          );
        }
      }
    }

    // Defences: clean and the EM / LSP sets at their default budgets, each defence alike.
    for (const defenceId of defenceIds) {
      const defence = defaultDefence(defenceId);
      for (const method of ['clean', ...defendedMethods] as const) {
        const eps = method === 'clean' ? null : POISON_METHODS[method].defaultEps[dataset];
        const budget = method === 'clean' ? '-' : 'default';
        const saved = cellOf(dataset, method, budget, eps, defenceId);
        const missing = models.filter((m) => !saved?.models[m]);
        if (saved && missing.length === 0) continue;
        let set = method === 'clean' ? data.train : defaultSets.get(method);
        let gen: Awaited<ReturnType<ReturnType<typeof getPoison>['generate']>> | null = null;
        if (!set && method !== 'clean') {
          gen = await getPoison(method).generate(data.train, {
            method,
            eps: eps!,
            ratio: 1,
            seed: base.seed,
          });
          set = gen.poisoned;
          defaultSets.set(method, set);
        }
        const cell: Cell = saved ?? {
          dataset,
          method,
          budget,
          eps,
          norm: method === 'clean' ? '-' : POISON_METHODS[method].norm,
          genSeconds: gen?.seconds ?? 0,
          linfMax: gen?.norms.linfMax ?? 0,
          l2Mean: gen?.norms.l2Mean ?? 0,
          l0Mean: gen?.norms.l0Mean ?? 0,
          defence: defenceId,
          models: {},
        };
        if (!saved) cells.push(cell);
        for (const model of missing) {
          const s0 = performance.now();
          const r = await runExperiment(
            { config: { ...base, dataset, model }, poison: null, sal: null, defence },
            { train: set!, test: data.test },
            {},
            { jpeg: nodeJpegCodec },
          );
          const last = r.metrics[r.metrics.length - 1]!;
          cell.models[model] = {
            testAcc: last.testAcc,
            trainAcc: last.trainAcc,
            seconds: (performance.now() - s0) / 1000,
          };
          save();
          const undefended = cellOf(dataset, method, budget, eps)?.models[model]?.testAcc;
          log(
            `${dataset} ${method} under ${describeDefence(defence)} ${model}: test acc ` +
              `${f3(cell.models[model]!.testAcc)} (undefended ${f3(undefended)}, ${cell.models[model]!.seconds.toFixed(0)} s)`,
          );
        }
      }
    }
  }

  // The table: one row per (data set, poison, budget); accuracy per model with its drop.
  // A saved default-budget cell from before a default changed is not the default any more.
  const shown = (c: Cell) =>
    c.defence === undefined &&
    datasets.includes(c.dataset) &&
    (c.method === 'clean' ||
      (methods.includes(c.method) &&
        !(c.budget === 'default' && c.eps !== POISON_METHODS[c.method].defaultEps[c.dataset])));
  const order = (c: Cell) =>
    datasets.indexOf(c.dataset) * 1000 +
    (c.method === 'clean' ? -1 : POISON_METHOD_IDS.indexOf(c.method)) * 10 +
    (c.budget === 'default' ? 0 : 1);
  const table = cells.filter(shown).sort((a, b) => order(a) - order(b));
  const rows: string[][] = [];
  for (const dataset of datasets) {
    const clean = cellOf(dataset, 'clean', '-', null);
    for (const c of table.filter((x) => x.dataset === dataset)) {
      const eps =
        c.eps === null
          ? '-'
          : `${c.budget === 'default' ? c.eps.toFixed(4).replace(/\.?0+$/, '') : c.budget} ${c.norm}${c.budget === 'default' ? ' (default)' : ''}`;
      const measured =
        c.method === 'clean' ? '-' : `${c.linfMax.toFixed(3)} / ${c.l2Mean.toFixed(2)}`;
      rows.push([
        dataset,
        c.method === 'clean'
          ? 'clean'
          : `${c.method}${POISON_METHODS[c.method].reduced ? ' (reduced)' : ''}`,
        eps,
        measured,
        c.method === 'clean' ? '-' : c.genSeconds.toFixed(0),
        ...models.map((m) => {
          const a = c.models[m]?.testAcc;
          const base0 = clean?.models[m]?.testAcc;
          if (a === undefined) return '-';
          if (c.method === 'clean' || base0 === undefined) return f3(a);
          const d = Math.round((a - base0) * 100) / 100;
          return `${f3(a)} (${d > 0 ? '+' : d < 0 ? '-' : '\u00b1'}${Math.abs(d).toFixed(2)})`;
        }),
      ]);
    }
  }
  log(
    `\nClean test accuracy after training on the poisoned training set (${base.trainSize} train / ${base.testSize} test images, ` +
      `${base.epochs} epochs, seed ${base.seed}, ${report.chosen}); in brackets the change from the clean run. ` +
      `Measured norms after quantisation: largest L-inf / mean L2 per image. ` +
      `TAP / SEP attack the clean cnn-s run; EM / REM train their own cnn-s surrogate.`,
  );
  log(markdownTable(['data', 'poison', 'eps', 'L-inf / L2', 'gen s', ...models], rows, [4]));
  const stops = table.filter((c) => c.stop);
  if (stops.length > 0) {
    log(
      '\nMin-min stops: ' +
        stops.map((c) => `${c.dataset} ${c.method} ${c.budget}: ${c.stop}`).join('; '),
    );
  }
  // Defended rows: accuracy per model with the change from the undefended run of the same set.
  const drows: string[][] = [];
  for (const dataset of datasets)
    for (const defenceId of defenceIds)
      for (const method of ['clean', ...defendedMethods] as const) {
        const eps = method === 'clean' ? null : POISON_METHODS[method].defaultEps[dataset];
        const budget = method === 'clean' ? '-' : 'default';
        const c = cellOf(dataset, method, budget, eps, defenceId);
        if (!c) continue;
        const plain = cellOf(dataset, method, budget, eps);
        drows.push([
          dataset,
          describeDefence(defaultDefence(defenceId)),
          method,
          ...models.map((m) => {
            const a = c.models[m]?.testAcc;
            const b = plain?.models[m]?.testAcc;
            if (a === undefined) return '-';
            if (b === undefined) return f3(a);
            const d = Math.round((a - b) * 100) / 100;
            return `${f3(a)} (${d > 0 ? '+' : d < 0 ? '-' : '\u00b1'}${Math.abs(d).toFixed(2)})`;
          }),
        ]);
      }
  if (drows.length > 0) {
    log(
      `\nUnder defences (default settings, applied to the training of every run alike): clean test ` +
        `accuracy; in brackets the change from the same training set undefended.`,
    );
    log(
      markdownTable(
        ['data', 'defence', 'trained on', ...models],
        drows,
        models.map((_, i) => 3 + i),
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
    `bench:poisons: ${err instanceof UsageError ? err.message.replace(/salscape (bench:\w+) --help/, 'npm run $1 -- --help') : (err.stack ?? String(e))}\n`,
  );
  process.exit(e instanceof UsageError ? 2 : 1);
});
