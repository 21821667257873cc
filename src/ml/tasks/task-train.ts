/**
 * Training and evaluation of a task model, in the style of train/train-loop.ts: seeded batch
 * order per epoch, SGD with momentum and weight decay (train/sgd.ts), the heads' losses summed,
 * per-epoch clean-test metrics and checkpoints, throttled progress, cancel and divergence stops.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../core/rng';
import type { PerHead, TaskEpochMetrics } from '../../core/task-run-types';
import type { WeightSnapshot } from '../../core/weights';
import { snapshotToTensors, tensorsToSnapshot } from '../models/params';
import { CancelledError, checkDiverged, EpochPacer } from '../train/train-loop';
import type { EpochProgress } from '../../core/run-types';
import { Sgd, type SgdSettings } from '../train/sgd';
import {
  gatherBatch,
  headLogitsAll,
  headLoss,
  headScore,
  sliceBatch,
  type TaskTensors,
} from './task-data';
import type { TaskModel } from './task-model';

/** A progress report inside an epoch. */
export type TaskStepProgress = EpochProgress;

export interface TaskTrainOptions extends SgdSettings {
  model: TaskModel;
  init: WeightSnapshot;
  train: TaskTensors;
  test: TaskTensors;
  epochs: number;
  batchSize: number;
  seed: number;
  onProgress?: (p: TaskStepProgress) => void;
  /** Awaited after each epoch (per-task SAL runs there). */
  onEpoch?: (m: TaskEpochMetrics, checkpoint: WeightSnapshot) => void | Promise<void>;
  shouldStop?: () => boolean;
  progressMs?: number;
}

/** Per-epoch metrics and checkpoints (checkpoints[0] = the initial weights). */
export interface TaskTrainResult {
  metrics: TaskEpochMetrics[];
  checkpoints: WeightSnapshot[];
}

/** Per-head mean loss and score of a data set in inference mode, in batches of `batchSize`. */
export async function evaluateTask(
  m: TaskModel,
  weights: readonly tf.Tensor[],
  data: TaskTensors,
  batchSize = 500,
): Promise<{ loss: PerHead; score: PerHead }> {
  const n = data.count;
  if (n === 0) throw new Error('evaluateTask: empty data set');
  const heads = m.heads.map((h) => h.task);
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    parts.push(
      tf.tidy(() => {
        const b = sliceBatch(data, start, size);
        const logits = headLogitsAll(m, weights, b, true);
        return tf.stack(
          heads.flatMap((h) => {
            const z = logits.get(h)!;
            return [tf.mul(headLoss(h, z, b), size), headScore(h, z, b)];
          }),
        );
      }),
    );
  }
  const total = tf.tidy(() => tf.addN(parts));
  const v = await total.data();
  tf.dispose([total, ...parts]);
  const loss: PerHead = {};
  const score: PerHead = {};
  heads.forEach((h, i) => {
    loss[h] = (v[2 * i] ?? NaN) / n;
    score[h] = (v[2 * i + 1] ?? NaN) / n;
  });
  return { loss, score };
}

/** Trains `o.model` from `o.init`; frees every tensor it made, also on error or cancel. */
export async function trainTask(o: TaskTrainOptions): Promise<TaskTrainResult> {
  const m = o.model;
  const heads = m.heads.map((h) => h.task);
  const n = o.train.count;
  const steps = Math.ceil(n / o.batchSize);
  const progressMs = o.progressMs ?? 100;
  let weights = snapshotToTensors(o.init);
  const sgd = new Sgd(o);
  const result: TaskTrainResult = {
    metrics: [],
    checkpoints: [await tensorsToSnapshot(m.names, weights)],
  };
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const pace = new EpochPacer(progressMs, epoch, steps);
      const perm = new Rng(deriveSeed(o.seed, `shuffle/${epoch}`)).permutation(n);
      const sums = new Float64Array(2 * heads.length);
      for (let step = 0; step < steps; step++) {
        if (o.shouldStop?.()) throw new CancelledError();
        const idx = perm.subarray(step * o.batchSize, Math.min(n, (step + 1) * o.batchSize));
        const size = idx.length;
        const { stats, grads } = tf.tidy(() => {
          const b = gatherBatch(o.train, tf.tensor1d(idx, 'int32'));
          // Per-head losses and scores leave the gradient's tape as kept tensors so one
          // forward pass serves both the update and the running metrics.
          const kept: tf.Tensor[] = [];
          const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
            const logits = headLogitsAll(m, ws, b);
            const losses = heads.map((h) => headLoss(h, logits.get(h)!, b));
            heads.forEach((h, i) => {
              kept.push(tf.keep(losses[i]!), tf.keep(headScore(h, logits.get(h)!, b)));
            });
            return tf.addN(losses) as tf.Scalar;
          })(weights);
          const s = tf.stack([value, ...kept]);
          tf.dispose(kept);
          return { stats: s, grads };
        });
        const v = await stats.data();
        stats.dispose();
        const l = v[0] ?? NaN;
        checkDiverged(l, grads, epoch, step + 1, o.lr);
        weights = sgd.step(weights, grads);
        for (let i = 0; i < sums.length; i++)
          sums[i]! += (v[i + 1] ?? NaN) * (i % 2 === 0 ? size : 1);
        await pace.step(step, l, size, o.onProgress);
      }
      const trainSeconds = pace.seconds();
      const test = await evaluateTask(m, weights, o.test);
      const trainLossByHead: PerHead = {};
      const trainScore: PerHead = {};
      heads.forEach((h, i) => {
        trainLossByHead[h] = sums[2 * i]! / pace.seen;
        trainScore[h] = sums[2 * i + 1]! / pace.seen;
      });
      const metrics: TaskEpochMetrics = {
        epoch,
        trainLoss: pace.meanLoss(),
        trainLossByHead,
        trainScore,
        testLoss: test.loss,
        testScore: test.score,
        seconds: pace.seconds(),
        examplesPerSec: pace.seen / trainSeconds,
      };
      const ckpt = await tensorsToSnapshot(m.names, weights);
      result.metrics.push(metrics);
      result.checkpoints.push(ckpt);
      await o.onEpoch?.(metrics, ckpt);
    }
    return result;
  } finally {
    weights.forEach((w) => w.dispose());
    sgd.dispose();
  }
}
