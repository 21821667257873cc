/**
 * Mixup (Zhang et al. 2018) as a loop defence: every batch, lambda ~ Beta(alpha, alpha) and a
 * permutation are drawn from a seeded stream; the model sees lambda x + (1 - lambda) x[perm]
 * and the loss is lambda CE(y) + (1 - lambda) CE(y[perm]).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../core/rng';
import { crossEntropy } from '../models/forward';
import type { BatchTransform } from '../train/train-loop';

/** A Gamma(shape, 1) draw (Marsaglia-Tsang; shape < 1 through the boost u^(1/shape)). */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new Error(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rng.next();
    return sampleGamma(shape + 1, rng) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(alpha, alpha) draw in [0, 1]. */
export function sampleBeta(alpha: number, rng: Rng): number {
  const a = sampleGamma(alpha, rng);
  const b = sampleGamma(alpha, rng);
  return a + b > 0 ? a / (a + b) : 0.5;
}

/** lambda CE(logits, y) + (1 - lambda) CE(logits, yPerm). */
export function mixupLoss(
  logits: tf.Tensor2D,
  y: tf.Tensor1D,
  yPerm: tf.Tensor1D,
  lambda: number,
): tf.Scalar {
  return tf.add(
    tf.mul(lambda, crossEntropy(logits, y)),
    tf.mul(1 - lambda, crossEntropy(logits, yPerm)),
  ) as tf.Scalar;
}

/** The lambda and permutation of one batch (seeded by epoch and step). */
export function mixupDraw(
  alpha: number,
  batch: number,
  seed: number,
  epoch: number,
  step: number,
): { lambda: number; perm: Int32Array } {
  const rng = new Rng(deriveSeed(seed, `defence/mixup/${epoch}/${step}`));
  const lambda = sampleBeta(alpha, rng);
  return { lambda, perm: rng.permutation(batch) };
}

/** The batch transform. */
export function mixupTransform(alpha: number, seed: number): BatchTransform {
  return (xb, yb, { epoch, step }) => {
    const { lambda, perm } = mixupDraw(alpha, xb.shape[0], seed, epoch, step);
    const p = tf.tensor1d(perm, 'int32');
    const x = tf.add(tf.mul(lambda, xb), tf.mul(1 - lambda, tf.gather(xb, p))) as tf.Tensor4D;
    const yPerm = tf.gather(yb, p) as tf.Tensor1D;
    return { x, loss: (logits) => mixupLoss(logits, yb, yPerm, lambda) };
  };
}
