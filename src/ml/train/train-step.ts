/**
 * One SGD step of a zoo model, BatchNorm included: gradients of the trainable weights only, with
 * BatchNorm in training mode (batch statistics), then the optimiser on those weights and
 * PyTorch's running-statistics update on the others. Shared by the training loop and the
 * surrogates of the min-min poisons, so a BatchNorm model trains the same way everywhere.
 * For models without BatchNorm this is exactly valueAndGrads over all weights plus Sgd.step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BN_MOMENTUM, type ModelSpec } from '../../core/model-spec';
import { forward, type BnBatchStats, type BnTraining } from '../models/forward';
import { paramInfos } from '../models/zoo';
import type { Sgd } from './sgd';

/** What a step's backward pass produced; `stats` are kept and freed by `applyStep`. */
export interface StepGrads {
  value: tf.Scalar;
  /** One gradient per trainable weight, in weight order. */
  grads: tf.Tensor[];
  /** Batch statistics per BatchNorm layer (empty without BatchNorm). */
  stats: BnBatchStats[];
}

/** Indices (in weight order) of the weights gradient descent moves. */
export function trainableIndices(spec: ModelSpec): number[] {
  return paramInfos(spec).flatMap((p, i) => (p.trainable ? [i] : []));
}

/**
 * Loss and gradients of the trainable weights for inputs `x`; `loss` maps the logits to the
 * scalar to minimise (called inside the gradient's scope, so it may tf.keep side results).
 */
export function trainingGrads(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor4D,
  loss: (logits: tf.Tensor2D) => tf.Scalar,
): StepGrads {
  const idx = trainableIndices(spec);
  if (idx.length === weights.length) {
    const { value, grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => loss(forward(spec, ws, x)))([
      ...weights,
    ]);
    return { value, grads, stats: [] };
  }
  const bn: BnTraining = { stats: [] };
  const { value, grads } = tf.valueAndGrads((...tw: tf.Tensor[]) => {
    const ws = [...weights];
    idx.forEach((wi, j) => (ws[wi] = tw[j]!));
    return loss(forward(spec, ws, x, false, 0, bn));
  })(idx.map((i) => weights[i]!));
  return { value, grads, stats: bn.stats };
}

/** Frees the batch statistics of a step that is not applied (a diverged or cancelled one). */
export function disposeStats(step: Pick<StepGrads, 'stats'>): void {
  step.stats.forEach((s) => tf.dispose([s.mean, s.variance]));
}

/**
 * Applies a step: `sgd` on the trainable weights, and running mean / variance updated as
 * PyTorch's BatchNorm2d does (momentum 0.1 in its sense; the variance unbiased, n / (n - 1)).
 * Returns the new weight list; disposes the replaced weights, the gradients and the statistics.
 */
export function applyStep(
  spec: ModelSpec,
  weights: tf.Tensor[],
  sgd: Sgd,
  step: Pick<StepGrads, 'grads' | 'stats'>,
): tf.Tensor[] {
  const idx = trainableIndices(spec);
  const trained = sgd.step(
    idx.map((i) => weights[i]!),
    step.grads,
  );
  const out = [...weights];
  idx.forEach((wi, j) => (out[wi] = trained[j]!));
  if (step.stats.length === 0) return out;
  const replaced = replaceRunningStats(spec, out, (layer, role, old) => {
    const { mean, variance, count } = step.stats[layer]!;
    return tf.tidy(() => {
      const batch = role === 'movingMean' ? mean : tf.mul(variance, count / Math.max(1, count - 1));
      return tf.keep(tf.add(tf.mul(old, BN_MOMENTUM), tf.mul(batch, 1 - BN_MOMENTUM)));
    });
  });
  disposeStats(step);
  return replaced;
}

/**
 * Replaces every BatchNorm running mean and variance of `weights` (in weight order) by
 * `make(layer, role, old)`, layer counting BatchNorm layers from 0; disposes the old tensors.
 * The one walk over the running statistics, for the per-step update and the epoch-end recompute.
 */
export function replaceRunningStats(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  make: (layer: number, role: 'movingMean' | 'movingVariance', old: tf.Tensor) => tf.Tensor,
): tf.Tensor[] {
  const out = [...weights];
  let layer = 0;
  paramInfos(spec).forEach((p, i) => {
    if (p.role !== 'movingMean' && p.role !== 'movingVariance') return;
    const old = out[i]!;
    out[i] = make(layer, p.role, old);
    old.dispose();
    if (p.role === 'movingVariance') layer++;
  });
  return out;
}
