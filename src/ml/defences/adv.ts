/**
 * PGD adversarial training (Madry et al. 2018) as a loop defence: each batch is replaced by
 * its adversarial examples, found by `steps` signed-gradient ascent steps of `stepSize` on the
 * cross-entropy of the current weights, projected onto the L-inf ball of radius `eps` around the
 * batch and onto [0, 1]. No random start, so it is deterministic. Costly: `steps` extra forward
 * and backward passes per batch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, forward } from '../models/forward';
import type { ModelSpec } from '../../core/model-spec';
import type { BatchTransform } from '../train/train-loop';

export interface PgdSettings {
  eps: number;
  steps: number;
  stepSize: number;
}

/**
 * The PGD adversarial examples of x (labels y) against `weights`; `onStep` is called after each
 * ascent step with its 1-based index. Run it inside a tf.tidy: the intermediates are not freed.
 */
export function pgdAttack(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  s: PgdSettings,
  onStep?: (step: number) => void,
): tf.Tensor4D {
  const lossOf = (xa: tf.Tensor) => crossEntropy(forward(spec, weights, xa), y);
  const lo = tf.maximum(tf.sub(x, s.eps), 0);
  const hi = tf.minimum(tf.add(x, s.eps), 1);
  let adv: tf.Tensor4D = x;
  for (let k = 1; k <= s.steps; k++) {
    const g = tf.grad(lossOf)(adv);
    adv = tf.minimum(tf.maximum(tf.add(adv, tf.mul(s.stepSize, tf.sign(g))), lo), hi);
    onStep?.(k);
  }
  return adv;
}

/** The batch transform: train on the PGD examples of the current weights. */
export function advTransform(spec: ModelSpec, s: PgdSettings): BatchTransform {
  return (xb, yb, { weights }) => ({ x: pgdAttack(spec, weights, xb, yb, s) });
}
