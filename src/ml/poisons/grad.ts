/** Input gradients of a zoo model's loss, the building block of every model-based poison. */
import * as tf from '@tensorflow/tfjs-core';
import { forward } from '../models/forward';
import type { ModelSpec } from '../../core/model-spec';

/**
 * d/dx of the SUMMED softmax cross-entropy of forward(spec, weights, x) against int32 labels
 * `y` [N]: x [N, H, W, C] -> [N, H, W, C]. Summed (not mean) so each image's gradient does not
 * depend on the batch size. Weights are constants here; only input gradients are computed.
 */
export function inputGrad(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor4D,
  y: tf.Tensor1D,
): tf.Tensor4D {
  return tf.tidy(() => {
    const g = tf.grad((xx: tf.Tensor) => {
      const logits = forward(spec, weights, xx as tf.Tensor4D);
      const logp = tf.logSoftmax(logits);
      return tf.neg(tf.sum(tf.mul(logp, tf.oneHot(y, logits.shape[1]))));
    });
    return g(x) as tf.Tensor4D;
  });
}

/**
 * Untargeted L-inf PGD from x (no random start, so it is deterministic): `steps` signed ascent
 * steps of 2.5*eps/steps on the loss, each projected to the eps ball around x and to [0, 1].
 * Returns the adversarial batch; call inside tf.tidy.
 */
export function pgdAttack(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  eps: number,
  steps: number,
): tf.Tensor4D {
  if (eps <= 0 || steps <= 0) return x;
  const step = (2.5 * eps) / steps;
  let xa = x;
  for (let k = 0; k < steps; k++) {
    const g = inputGrad(spec, weights, xa, y);
    const moved = tf.add(xa, tf.mul(tf.sign(g), step));
    const d = tf.clipByValue(tf.sub(moved, x), -eps, eps);
    xa = tf.clipByValue(tf.add(x, d), 0, 1) as tf.Tensor4D;
  }
  return xa;
}
