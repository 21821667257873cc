/** Loss and accuracy of a model at given weights on a data set, in inference mode. */
import * as tf from '@tensorflow/tfjs-core';
import { forward, crossEntropy, correctCount } from '../models/forward';
import type { ModelSpec } from '../../core/model-spec';

/** Mean cross-entropy and accuracy (fraction) of a data set. */
export interface LossAcc {
  loss: number;
  acc: number;
}

/**
 * Evaluates in batches of `batchSize` (memory bound, not a numerical choice) and returns the
 * example-weighted mean loss and the accuracy. x: [N, H, W, C] float32, y: [N] int32.
 */
export async function evaluate(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  batchSize = 500,
): Promise<LossAcc> {
  const n = x.shape[0];
  if (n === 0) throw new Error('evaluate: empty data set');
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    parts.push(
      tf.tidy(() => {
        const xb = tf.slice(x, [start, 0, 0, 0], [size, -1, -1, -1]);
        const yb = tf.slice(y, [start], [size]);
        const logits = forward(spec, weights, xb, true);
        return tf.stack([
          tf.mul(crossEntropy(logits, yb), size),
          tf.cast(correctCount(logits, yb), 'float32'),
        ]);
      }),
    );
  }
  const total = tf.tidy(() => tf.addN(parts));
  const [lossSum, correct] = await total.data();
  total.dispose();
  parts.forEach((p) => p.dispose());
  return { loss: (lossSum ?? NaN) / n, acc: (correct ?? NaN) / n };
}
