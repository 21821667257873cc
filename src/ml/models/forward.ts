/**
 * The functional forward pass of a zoo model: weights are plain tensors passed in, so the same
 * code trains (gradients w.r.t. the weight arguments), evaluates at perturbed weights
 * (landscapes, SAL) and never rebuilds a model.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from './zoo';

/**
 * Logits [N, classes] for a batch x [N, H, W, C] given weights in `paramInfos` order.
 * `fused` uses fused conv/matmul kernels (faster for evaluation); training keeps it off so the
 * plain Conv2D gradient (registered in engine/conv-grad.ts) is the one that runs.
 * `fromLayer` > 0 starts at that layer index with `x` as its input (the output of layer
 * fromLayer - 1, activation applied); `weights` still holds every weight of the model.
 */
export function forward(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor,
  fused = false,
  fromLayer = 0,
): tf.Tensor2D {
  let h: tf.Tensor = x;
  let wi = 0;
  const next = () => {
    const t = weights[wi++];
    if (!t) throw new Error(`${spec.id}: weight ${wi - 1} missing`);
    return t;
  };
  for (const [li, l] of spec.layers.entries()) {
    if (li < fromLayer) {
      if (l.kind === 'conv' || l.kind === 'dense') wi += 2;
      continue;
    }
    switch (l.kind) {
      case 'conv': {
        const k = next() as tf.Tensor4D;
        const b = next() as tf.Tensor1D;
        h = fused
          ? tf.fused.conv2d({
              x: h as tf.Tensor4D,
              filter: k,
              strides: 1,
              pad: l.padding,
              bias: b,
              activation: 'relu',
            })
          : tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, k, 1, l.padding), b));
        break;
      }
      case 'maxpool':
        h = tf.maxPool(h as tf.Tensor4D, l.size, l.size, 'valid');
        break;
      case 'flatten':
        h = tf.reshape(h, [h.shape[0] ?? -1, -1]);
        break;
      case 'dense': {
        const k = next() as tf.Tensor2D;
        const b = next() as tf.Tensor1D;
        if (h.rank !== 2) h = tf.reshape(h, [h.shape[0] ?? -1, -1]);
        if (fused) {
          h = tf.fused.matMul({
            a: h as tf.Tensor2D,
            b: k,
            bias: b,
            activation: l.relu ? 'relu' : 'linear',
          });
        } else {
          h = tf.add(tf.matMul(h as tf.Tensor2D, k), b);
          if (l.relu) h = tf.relu(h);
        }
        break;
      }
      default: {
        const never: never = l;
        throw new Error(`unknown layer ${JSON.stringify(never)}`);
      }
    }
  }
  return h as tf.Tensor2D;
}

/** Mean softmax cross-entropy of logits [N, K] against int32 labels [N]. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const k = logits.shape[1];
  const logp = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logp, tf.oneHot(labels, k)), 1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/** Number of rows whose arg-max equals the label, as an int32 scalar. */
export function correctCount(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32'));
}
