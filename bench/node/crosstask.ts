/**
 * `npm run bench:crosstask`: unlearnable for which task? (issue 8; docs/science.md section 6)
 *
 * For the clean training set and every poison method at its default budget for the data set
 * (made against digit classification), trains each task model (digits, rotation,
 * segmentation, and the multi-task model with a shared trunk) on the clean and on the poisoned
 * images, with targets from the clean images and the clean test set, per-head SAL of the
 * shared trunk after every epoch and per-head UD against the same head's clean run. Prints one
 * table and writes bench-results/crosstask.json (--quick: bench-results/crosstask-quick.json).
 *
 *   npm run bench:crosstask                                  # all methods, 2,000 images, 4 epochs
 *   npm run bench:crosstask -- --quick --methods em-class,random,lsp
 *   npm run bench:crosstask -- --model vgg-s --tasks digits,rotation
 *
 * The clean runs are trained once and shared by every method; TAP and SEP attack the clean
 * digits model of the same run.
 */
import '../../src/ml/engine/tf-setup';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatFlags,
  parseFlags,
  parseNumberFlag,
  UsageError,
  type FlagTable,
} from '../../src/cli/args';
import { describeSal } from '../../src/cli/sal-flags';
import { markdownTable } from '../../src/cli/table';
import {
  defaultPoisonSettings,
  POISON_METHOD_IDS,
  type PoisonMethodId,
} from '../../src/core/poison-types';
import { APP_SAL_DEFAULTS, type SalSettings } from '../../src/core/sal-types';
import { HEAD_TASK_INFO, TASKS, type TaskId } from '../../src/core/tasks';
import {
  defaultTrainConfig,
  MODELS,
  type ModelName,
  type TrainConfig,
} from '../../src/core/train-config';
import { selectBackendNode } from '../../src/ml/engine/backend';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { runCrossTask } from '../../src/ml/tasks/cross-task';
import { taskLr } from '../../src/ml/tasks/task-run';
import { selectRunData } from '../../src/ml/train/run-training';
import { intFlag, list } from './flags';
import type { CrossTaskResult, HeadOutcome } from '../../src/core/cross-task-types';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const FLAGS = {
  quick: { type: 'boolean', help: '1,000 training / 500 test images, 3 epochs, 3 methods' },
  methods: {
    type: 'string',
    value: 'a,b',
    help: 'poison methods (default all; --quick em-class,random,lsp)',
  },
  tasks: { type: 'string', value: 'a,b', help: `task models (default ${TASKS.join(',')})` },
  model: {
    type: 'string',
    value: MODELS.join('|'),
    help: 'zoo model of the trunk (default cnn-s)',
  },
  dataset: { type: 'string', value: 'mnist|fashion', help: 'data set (default mnist)' },
  epochs: { type: 'string', value: 'E', help: 'epochs (default 4; --quick 3)' },
  'train-size': {
    type: 'string',
    value: 'N',
    help: 'training images (default 2000; --quick 1000)',
  },
  'test-size': { type: 'string', value: 'N', help: 'test images (default 1000; --quick 500)' },
  seed: { type: 'string', value: 'S', help: 'seed (default 1)' },
  lr: {
    type: 'string',
    value: 'LR',
    help: 'learning rate of every task (default: per task, taskLr)',
  },
  'no-sal': { type: 'boolean', help: 'skip SAL and UD' },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'results file (default bench-results/crosstask.json)',
  },
  'demo-out': {
    type: 'string',
    value: 'DIR',
    help: 'also write each poison result as an app demo (public/models/crosstask) + index.json',
  },
} as const satisfies FlagTable;

const QUICK_METHODS: PoisonMethodId[] = ['em-class', 'random', 'lsp'];

const fmt = (v: number | null | undefined, d = 3) =>
  v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d);

/** One table row per (poison, model, head). */
function rows(method: string, r: CrossTaskResult): string[][] {
  return r.outcomes.map((o: HeadOutcome) => [
    method,
    o.model,
    o.head,
    HEAD_TASK_INFO[o.head].metricLabel,
    fmt(o.clean),
    method === 'clean' ? '-' : fmt(o.poisoned),
    method === 'clean' ? '-' : o.ud ? (o.ud.ud === null ? 'undef.' : fmt(o.ud.ud, 2)) : '-',
  ]);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseFlags('bench:crosstask', argv, FLAGS);
  if (values.help) {
    console.log(`Usage: npm run bench:crosstask -- [flags]\n\n${formatFlags(FLAGS)}`);
    return;
  }
  const quick = values.quick === true;
  const methods = list(
    values.methods,
    POISON_METHOD_IDS,
    'methods',
    quick ? QUICK_METHODS : POISON_METHOD_IDS,
  );
  const tasks = list<TaskId>(values.tasks, TASKS, 'tasks', TASKS);
  const model = (values.model ?? 'cnn-s') as ModelName;
  if (!(MODELS as readonly string[]).includes(model))
    throw new UsageError(`--model: one of ${MODELS.join(', ')}`);
  const dataset = values.dataset ?? 'mnist';
  if (dataset !== 'mnist' && dataset !== 'fashion')
    throw new UsageError('--dataset: mnist or fashion');
  const config = {
    ...defaultTrainConfig(),
    dataset,
    model,
    trainSize: intFlag('train-size', values['train-size'], quick ? 1000 : 2000, 10),
    testSize: intFlag('test-size', values['test-size'], quick ? 500 : 1000, 10),
    epochs: intFlag('epochs', values.epochs, quick ? 3 : 4, 1),
    seed: intFlag('seed', values.seed, 1, 0),
  } as const;
  const lr = values.lr !== undefined ? parseNumberFlag('lr', values.lr) : undefined;
  const lrByTask = Object.fromEntries(tasks.map((t) => [t, lr ?? taskLr(config, t)]));
  const sal = values['no-sal']
    ? null
    : { ...APP_SAL_DEFAULTS, subsetSize: Math.min(APP_SAL_DEFAULTS.subsetSize, config.trainSize) };
  const backend = await selectBackendNode('wasm');
  console.error(
    `crosstask: ${model} on ${dataset}, ${config.trainSize} train / ${config.testSize} test, ${config.epochs} epochs, ` +
      `lr ${JSON.stringify(lrByTask)}, backend ${backend.chosen}; SAL ${sal ? describeSal(sal) : 'off'}`,
  );
  const [train, test] = await Promise.all([
    loadDatasetNode(dataset, 'train'),
    loadDatasetNode(dataset, 'test'),
  ]);
  const data = selectRunData(config, train, test);
  const log = (tag: { task: string; variant: string }, s: string) =>
    console.error(`  ${tag.task} (${tag.variant}) ${s}`);
  const hooks = {
    onEpoch: (
      tag: { task: string; variant: string },
      m: { epoch: number; trainLoss: number; testScore: object; seconds: number },
    ) =>
      log(
        tag,
        `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(3)}, test ${JSON.stringify(m.testScore)} (${m.seconds.toFixed(1)} s)`,
      ),
  };
  const t0 = performance.now();
  const clean = await runCrossTask({ config, poison: null, sal, tasks, lr: lrByTask }, data, hooks);
  const results: { method: string; seconds: number; result: CrossTaskResult }[] = [
    { method: 'clean', seconds: clean.seconds, result: clean },
  ];
  const table = rows('clean', clean);
  for (const method of methods) {
    console.error(`poison ${method} (default budget for ${dataset})`);
    const r = await runCrossTask(
      { config, poison: defaultPoisonSettings(method, dataset), sal, tasks, lr: lrByTask },
      data,
      hooks,
      { clean: clean.runs, ...(clean.cleanDigits ? { surrogate: clean.cleanDigits } : {}) },
    );
    results.push({ method, seconds: r.seconds, result: { ...r, cleanDigits: null } });
    table.push(...rows(method, r));
  }
  const header = ['poison', 'model', 'head', 'metric', 'clean', 'poisoned', 'UD'];
  const chance =
    `chance: digits ${fmt(clean.chance.digits)}, rotation ${fmt(clean.chance.rotation)}, ` +
    `segmentation (best constant mask) ${fmt(clean.chance.segmentation)}`;
  console.log(markdownTable(header, table));
  console.log(`\n${chance}; ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
  const out =
    values.out ??
    path.join(ROOT, 'bench-results', quick ? 'crosstask-quick.json' : 'crosstask.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        createdAt: new Date().toISOString(),
        machine: { cpus: os.cpus().length, platform: process.platform, backend: backend.chosen },
        command: `npm run bench:crosstask -- ${argv.join(' ')}`.trim(),
        config,
        lr: lrByTask,
        sal,
        chance: clean.chance,
        table: { header, rows: table },
        results: results.map((x) => ({
          method: x.method,
          seconds: x.seconds,
          poison: x.result.poison,
          outcomes: x.result.outcomes,
          runs: x.result.runs,
        })),
      },
      null,
      1,
    )}\n`,
  );
  console.error(`wrote ${out}`);
  if (values['demo-out']) writeDemos(values['demo-out'], config, sal, results, backend.chosen);
}

/** One file per poison in the app's cross-task demo format, and the index the app reads. */
function writeDemos(
  dir: string,
  config: TrainConfig,
  sal: SalSettings | null,
  results: { method: string; result: CrossTaskResult }[],
  backend: string,
): void {
  mkdirSync(dir, { recursive: true });
  const builtWith = `npm run bench:crosstask on ${backend}, ${new Date().toISOString().slice(0, 10)}`;
  const entries = results
    .filter((r) => r.method !== 'clean')
    .map(({ method, result }) => {
      const file = `${method}.json`;
      const doc = { format: 'salscape-crosstask', version: 1, builtWith, result };
      writeFileSync(path.join(dir, file), JSON.stringify(doc));
      return { file, config, method, eps: result.poison?.settings.eps ?? Number.NaN, sal };
    });
  // Entries of other poisons or settings already in the index stay (runs can add one method).
  const indexFile = path.join(dir, 'index.json');
  const old = existsSync(indexFile)
    ? (JSON.parse(readFileSync(indexFile, 'utf8')) as { entries: typeof entries }).entries
    : [];
  const kept = old.filter(
    (o) =>
      !entries.some(
        (e) => e.method === o.method && JSON.stringify(e.config) === JSON.stringify(o.config),
      ),
  );
  writeFileSync(
    indexFile,
    `${JSON.stringify({ format: 'salscape-crosstask-index', version: 1, entries: [...kept, ...entries] }, null, 1)}\n`,
  );
  console.error(`wrote ${entries.length} cross-task demos to ${dir}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(e instanceof UsageError ? 2 : 1);
});
