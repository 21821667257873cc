/**
 * The flags that make a TrainConfig (`--dataset ... --seed`), their usage lines, and the
 * conversion with range checks from TrainConfigSchema. Any command that trains can spread
 * TRAIN_CONFIG_FLAGS into its own table and call trainConfigFromFlags.
 */
import { z } from 'zod';
import {
  DATASETS,
  MODELS,
  TRAIN_DEFAULTS,
  TrainConfigSchema,
  type TrainConfig,
} from '../core/train-config';
import { parseNumberFlag, UsageError, type FlagTable, type FlagValues } from './args';

type Key = keyof TrainConfig;

/** Flag name of each config field. */
const FLAG_OF: Record<Key, string> = {
  dataset: 'dataset',
  model: 'model',
  trainSize: 'train-size',
  testSize: 'test-size',
  epochs: 'epochs',
  batchSize: 'batch',
  lr: 'lr',
  momentum: 'momentum',
  weightDecay: 'weight-decay',
  seed: 'seed',
};

/** Usage lines and parseArgs types of the TrainConfig flags. */
export const TRAIN_CONFIG_FLAGS = {
  dataset: {
    type: 'string',
    value: DATASETS.join('|'),
    help: 'data set',
    default: TRAIN_DEFAULTS.dataset,
  },
  model: {
    type: 'string',
    value: MODELS.join('|'),
    help: 'model of the zoo',
    default: TRAIN_DEFAULTS.model,
  },
  'train-size': {
    type: 'string',
    value: 'N',
    help: 'training images, a class-balanced subset',
    default: TRAIN_DEFAULTS.trainSize,
  },
  'test-size': {
    type: 'string',
    value: 'N',
    help: 'test images, a class-balanced subset',
    default: TRAIN_DEFAULTS.testSize,
  },
  epochs: { type: 'string', value: 'E', help: 'epochs', default: TRAIN_DEFAULTS.epochs },
  batch: { type: 'string', value: 'B', help: 'mini-batch size', default: TRAIN_DEFAULTS.batchSize },
  lr: { type: 'string', value: 'LR', help: 'SGD learning rate', default: TRAIN_DEFAULTS.lr },
  momentum: { type: 'string', value: 'M', help: 'SGD momentum', default: TRAIN_DEFAULTS.momentum },
  'weight-decay': {
    type: 'string',
    value: 'WD',
    help: 'L2 weight decay',
    default: TRAIN_DEFAULTS.weightDecay,
  },
  seed: {
    type: 'string',
    value: 'S',
    help: 'seed of subsets, init and shuffling',
    default: TRAIN_DEFAULTS.seed,
  },
} as const satisfies FlagTable;

/** What values a field accepts, from its schema: "one of a, b", "an integer from 1 to 100". */
function expectation(key: Key): string {
  const field = TrainConfigSchema.shape[key];
  if (field instanceof z.ZodEnum) return `one of ${field.options.join(', ')}`;
  const num = field as z.ZodNumber;
  const kind = num.isInt ? 'an integer' : 'a number';
  const { minValue: lo, maxValue: hi } = num;
  if (lo === null || hi === null) return kind;
  if (!num.safeParse(lo).success) return `${kind} > ${lo} and <= ${hi}`;
  return `${kind} from ${lo} to ${hi}`;
}

/** The TrainConfig the flags describe (defaults for absent ones); UsageError naming a bad flag. */
export function trainConfigFromFlags(values: FlagValues<typeof TRAIN_CONFIG_FLAGS>): TrainConfig {
  const raw: Record<string, unknown> = { ...TRAIN_DEFAULTS };
  for (const key of Object.keys(FLAG_OF) as Key[]) {
    const flag = FLAG_OF[key];
    const v = values[flag as keyof typeof values];
    if (v === undefined) continue;
    raw[key] = key === 'dataset' || key === 'model' ? v : parseNumberFlag(flag, v);
  }
  const r = TrainConfigSchema.safeParse(raw);
  if (r.success) return r.data;
  const key = r.error.issues[0]?.path[0] as Key;
  const got = raw[key];
  throw new UsageError(
    `--${FLAG_OF[key]} must be ${expectation(key)} (got ${typeof got === 'string' ? `"${got}"` : String(got)})`,
  );
}
