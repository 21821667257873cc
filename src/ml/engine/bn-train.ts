/**
 * BatchNorm in training mode with its closed-form gradient. Built from tf.moments and
 * tf.batchNorm, autodiff goes through FusedBatchNorm's gradient (which tiles its rsqrt to the
 * whole input: ~150 ms of a 600 ms resnet-s step on WASM) and through the gradients of the
 * moments; the closed form needs three reductions and a few broadcast products:
 *   xhat = (x - mean) * r,  r = 1 / sqrt(var + eps),  y = gamma * xhat + beta,
 *   dbeta = sum(dy),  dgamma = sum(dy * xhat),
 *   dx = gamma * r * (dy - dbeta / n - xhat * dgamma / n)      (sums over batch and space).
 * Tested against TF.js autodiff of the textbook form on the cpu backend (wasm-vs-cpu.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

/** Output, batch mean and (biased) batch variance of one BatchNorm layer in training mode. */
export interface BnTrainResult {
  y: tf.Tensor4D;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Normalises x [N, H, W, C] per channel with its own batch statistics, then scales by `gamma`
 * and shifts by `beta`. Gradients flow to x, gamma and beta through `y` alone (the closed form
 * includes the statistics' dependence on x); the mean and variance are for the running
 * statistics and must not enter a loss.
 */
export function batchNormTrain(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): BnTrainResult {
  const { mean, variance } = tf.moments(x, [0, 1, 2]) as {
    mean: tf.Tensor1D;
    variance: tf.Tensor1D;
  };
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  // customGrad passes the inputs, then its save function, as one rest list.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const r = tf.rsqrt(tf.add(variance, eps));
    const xhat = tf.mul(tf.sub(xi, mean), r);
    save([xhat, r, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, rs, gm] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const dbeta = tf.sum(dy, [0, 1, 2]);
        const dgamma = tf.sum(tf.mul(dy, xh), [0, 1, 2]);
        const centred = tf.sub(tf.sub(dy, tf.div(dbeta, n)), tf.mul(xh, tf.div(dgamma, n)));
        return [tf.mul(centred, tf.mul(gm, rs)), dgamma, dbeta];
      },
    };
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, mean, variance };
}
