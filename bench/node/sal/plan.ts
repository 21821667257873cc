/**
 * bench:sal, step 1: its flags and the plan they make (UD models, methods, seeds, the training
 * and SAL settings, which parts run, the results file).
 */
import path from 'node:path';
import {
  formatFlags,
  parseFlags,
  parseNumberFlag,
  UsageError,
  type FlagTable,
} from '../../../src/cli/args';
import { POISON_METHOD_IDS, type PoisonMethodId } from '../../../src/core/poison-types';
import { APP_SAL_DEFAULTS, type SalSettings } from '../../../src/core/sal-types';
import { defaultTrainConfig, MODELS, type ModelName } from '../../../src/core/train-config';
import { intFlag, list } from '../flags';

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

/** The training settings of every run: MNIST, issue-5 SGD; model and seed are set per run. */
function baseConfig(trainSize: number, testSize: number, epochs: number) {
  return {
    ...defaultTrainConfig(),
    dataset: 'mnist' as const,
    trainSize,
    testSize,
    epochs,
    batchSize: 32,
    lr: 0.05,
    momentum: 0.9,
    weightDecay: 5e-4,
  };
}

/** What one run of bench:sal measures and where it saves. */
export interface SalPlan {
  quick: boolean;
  models: ModelName[];
  methods: PoisonMethodId[];
  seeds: number[];
  base: ReturnType<typeof baseConfig>;
  /** Timing: best of this many calls. */
  repeat: number;
  /** SAL of the UD runs: the app defaults on at most the training images there are. */
  salSettings: SalSettings;
  timing: boolean;
  ud: boolean;
  fresh: boolean;
  outFile: string;
}

/**
 * The plan `argv` asks for, or the usage text when it asks for --help. Results default to
 * bench-results/ under `root`.
 */
export function planSalBench(argv: string[], root: string): SalPlan | { usage: string } {
  const { values } = parseFlags('bench:sal', argv, FLAGS);
  if (values.help)
    return { usage: `Usage: npm run bench:sal -- [flags]\n\nFlags:\n${formatFlags(FLAGS)}` };
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
  const base = baseConfig(
    intFlag('train-size', values['train-size'], 2000, 10),
    intFlag('test-size', values['test-size'], 1000, 10),
    intFlag('epochs', values.epochs, quick ? 4 : 6, 1),
  );
  const repeat = intFlag('repeat', values.repeat, 1, 1);
  const salSettings: SalSettings = {
    ...APP_SAL_DEFAULTS,
    subsetSize: Math.min(APP_SAL_DEFAULTS.subsetSize, base.trainSize),
  };
  const outFile = path.resolve(
    root,
    values.out ?? path.join('bench-results', quick ? 'sal-quick.json' : 'sal.json'),
  );
  return {
    quick,
    models,
    methods,
    seeds,
    base,
    repeat,
    salSettings,
    timing: !values['skip-timing'],
    ud: !values['skip-ud'],
    fresh: values.fresh ?? false,
    outFile,
  };
}
