/**
 * One training run from a configuration: the seeded stratified subsets, tensors, the model and
 * the loop. The worker and the CLI both call this, so a run is the same run everywhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import { deriveSeed, Rng } from '../../core/rng';
import { stratifiedSubset, selectSubset, type ImageSet } from '../../core/dataset';
import type { TrainConfig } from '../../core/train-config';
import { toTensors } from '../data/tensors';
import { initSnapshot } from '../models/params';
import { buildSpec } from '../models/zoo';
import { trainModel, type TrainOptions, type TrainResult } from './train-loop';
import type { ModelSpec } from '../../core/model-spec';

/** The subsets a configuration selects: same seed, same images, on every machine. */
export function selectRunData(
  config: TrainConfig,
  train: ImageSet,
  test: ImageSet,
): { train: ImageSet; test: ImageSet } {
  const trainIdx = stratifiedSubset(
    train.labels,
    train.numClasses,
    config.trainSize,
    new Rng(deriveSeed(config.seed, 'subset/train')),
  );
  const testIdx = stratifiedSubset(
    test.labels,
    test.numClasses,
    config.testSize,
    new Rng(deriveSeed(config.seed, 'subset/test')),
  );
  return { train: selectSubset(train, trainIdx), test: selectSubset(test, testIdx) };
}

/** The model spec a configuration trains, for images shaped like `set`. */
export function specFor(config: TrainConfig, set: ImageSet): ModelSpec {
  return buildSpec(config.model, [set.height, set.width, set.channels], set.numClasses);
}

/** Callbacks of a run (progress, epochs, cancellation) and a loop defence, as in TrainOptions. */
export type RunHooks = Pick<
  TrainOptions,
  'onProgress' | 'onEpoch' | 'shouldStop' | 'transformBatch'
>;

/**
 * Trains `config` on already-selected subsets; frees every tensor it made, also on error or
 * cancel. Returns metrics and checkpoints (epoch 0 = the seeded initial weights).
 */
export async function runTraining(
  config: TrainConfig,
  data: { train: ImageSet; test: ImageSet },
  hooks: RunHooks = {},
): Promise<TrainResult & { spec: ModelSpec }> {
  const spec = specFor(config, data.train);
  const train = toTensors(data.train);
  const test = toTensors(data.test);
  try {
    const result = await trainModel({
      spec,
      init: initSnapshot(spec, config.seed),
      train,
      test,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      lr: config.lr,
      momentum: config.momentum,
      weightDecay: config.weightDecay,
      ...hooks,
    });
    return { ...result, spec };
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
  }
}

/** Up to `perClass` images of each class from a set, for the sample grid. */
export function sampleImages(set: ImageSet, perClass: number): ImageSet {
  const taken = new Array<number>(set.numClasses).fill(0);
  const idx: number[] = [];
  for (let i = 0; i < set.count && idx.length < perClass * set.numClasses; i++) {
    const c = set.labels[i] ?? 0;
    if ((taken[c] ?? 0) < perClass) {
      taken[c] = (taken[c] ?? 0) + 1;
      idx.push(i);
    }
  }
  idx.sort((a, b) => (set.labels[a] ?? 0) - (set.labels[b] ?? 0));
  return selectSubset(set, Int32Array.from(idx));
}
