/**
 * Labels, units and validation messages of the training settings, derived from the zod
 * ranges in `core/train-config.ts` so the form and the schema cannot drift apart.
 */
import type { z } from 'zod';
import {
  TrainConfigSchema,
  type DatasetName,
  type ModelName,
  type TrainConfig,
} from '../core/train-config';

/** The numeric fields of a TrainConfig (edited as number inputs). */
export type NumericField = Exclude<keyof TrainConfig, 'dataset' | 'model'>;

/** Numeric fields in form order. */
export const NUMERIC_FIELDS: readonly NumericField[] = [
  'trainSize',
  'testSize',
  'epochs',
  'batchSize',
  'lr',
  'momentum',
  'weightDecay',
  'seed',
];

/** Human labels of every field. */
export const FIELD_LABELS: Record<keyof TrainConfig, string> = {
  dataset: 'Data set',
  model: 'Model',
  trainSize: 'Training images',
  testSize: 'Test images',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  lr: 'Learning rate',
  momentum: 'Momentum',
  weightDecay: 'Weight decay',
  seed: 'Seed',
};

/** Units shown after a numeric input ('' = unitless). */
export const FIELD_UNITS: Record<NumericField, string> = {
  trainSize: 'images',
  testSize: 'images',
  epochs: '',
  batchSize: 'images',
  lr: '',
  momentum: '',
  weightDecay: '',
  seed: '',
};

/** Display names of the data sets. */
export const DATASET_LABELS: Record<DatasetName, string> = {
  mnist: 'MNIST (digits)',
  fashion: 'Fashion-MNIST',
};

/** Short display names of the data sets (top bar, legends). */
export const DATASET_SHORT: Record<DatasetName, string> = { mnist: 'MNIST', fashion: 'Fashion' };

/** Display names of the models (kept in step with `ml/models/zoo.ts`). */
export const MODEL_LABELS: Record<ModelName, string> = {
  'cnn-s': 'CNN-S (2 conv + dense)',
  'vgg-s': 'VGG-S (4 conv + 2 dense)',
  lenet5: 'LeNet-5 (2 conv + 3 dense)',
  mlp: 'MLP (784-64-10)',
  'resnet-s': 'ResNet-S (BatchNorm, 3 residual blocks)',
};

/** The admissible range of a numeric field. */
export interface FieldRange {
  min: number;
  max: number;
  /** False when the minimum itself is not allowed (learning rate > 0). */
  minInclusive: boolean;
  integer: boolean;
}

/** Reads a field's range from the schema. */
export function fieldRange(key: NumericField): FieldRange {
  const s = TrainConfigSchema.shape[key] as z.ZodNumber;
  const min = s.minValue ?? -Infinity;
  const max = s.maxValue ?? Infinity;
  return { min, max, minInclusive: s.safeParse(min).success, integer: s.isInt };
}

const num = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 6 });

/** The rule of a field in words, e.g. "a whole number from 10 to 60,000". */
export function rangeText(key: NumericField): string {
  const r = fieldRange(key);
  const kind = r.integer ? 'a whole number' : 'a number';
  return r.minInclusive
    ? `${kind} from ${num(r.min)} to ${num(r.max)}`
    : `${kind} above ${num(r.min)}, at most ${num(r.max)}`;
}

/** Inline messages for every invalid field of a (possibly half-edited) configuration. */
export type ConfigErrors = Partial<Record<keyof TrainConfig, string>>;

/** Validates `config` against the schema; one message per bad field, in words. */
export function configErrors(config: TrainConfig): ConfigErrors {
  const r = TrainConfigSchema.safeParse(config);
  if (r.success) return {};
  const out: ConfigErrors = {};
  for (const issue of r.error.issues) {
    const key = issue.path[0] as keyof TrainConfig | undefined;
    if (!key || out[key]) continue;
    out[key] =
      key === 'dataset' || key === 'model'
        ? `Choose one of the listed options.`
        : `Enter ${rangeText(key)}.`;
  }
  return out;
}

/** The first invalid field as "Label: message", or null when the configuration is valid. */
export function firstConfigError(config: TrainConfig): string | null {
  const errors = configErrors(config);
  const key = (Object.keys(FIELD_LABELS) as (keyof TrainConfig)[]).find((k) => errors[k]);
  return key ? `${FIELD_LABELS[key]}: ${errors[key]}` : null;
}
