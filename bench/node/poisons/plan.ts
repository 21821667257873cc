/**
 * bench:poisons, step 1: its flags and the plan they make (data sets, models, methods, budgets,
 * defences, the training settings and the results file), with the issue-4 defaults.
 */
import path from 'node:path';
import { formatFlags, parseFlags, UsageError, type FlagTable } from '../../../src/cli/args';
import { parseEpsFlag } from '../../../src/cli/poison-flags';
import { DATASET_IDS, type DatasetId } from '../../../src/core/dataset';
import { DEFENCE_IDS, type DefenceId } from '../../../src/core/defence-types';
import {
  POISON_METHOD_IDS,
  isPoisonMethodId,
  type PoisonMethodId,
} from '../../../src/core/poison-types';
import { defaultTrainConfig, MODELS, type ModelName } from '../../../src/core/train-config';
import { intFlag, list } from '../flags';

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

/** Budgets per method given by --eps, each with its label (the text given). */
export type EpsOverrides = Partial<Record<PoisonMethodId, [string, number][]>>;

/** What one run of bench:poisons measures and where it saves. */
export interface PoisonPlan {
  datasets: DatasetId[];
  models: ModelName[];
  methods: PoisonMethodId[];
  /** The training settings of every run (the data set and model are set per run). */
  base: ReturnType<typeof defaultTrainConfig>;
  epsOverrides: EpsOverrides;
  defenceIds: DefenceId[];
  /** The poisons measured under defences: those this run also measures undefended. */
  defendedMethods: PoisonMethodId[];
  fresh: boolean;
  outFile: string;
}

/** `em=0.1:8/255,lsp=5.9` -> budgets per method, each with its label (the text given). */
function parseEpsOverrides(raw: string | undefined): EpsOverrides {
  const out: EpsOverrides = {};
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

/**
 * The plan `argv` asks for, or the usage text when it asks for --help. Results default to
 * bench-results/ under `root`.
 */
export function planPoisonBench(argv: string[], root: string): PoisonPlan | { usage: string } {
  const { values } = parseFlags('bench:poisons', argv, FLAGS);
  if (values.help)
    return { usage: `Usage: npm run bench:poisons -- [flags]\n\nFlags:\n${formatFlags(FLAGS)}` };
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
    root,
    values.out ?? path.join('bench-results', quick ? 'poisons-quick.json' : 'poisons.json'),
  );
  return {
    datasets,
    models,
    methods,
    base,
    epsOverrides,
    defenceIds,
    defendedMethods,
    fresh: values.fresh ?? false,
    outFile,
  };
}
