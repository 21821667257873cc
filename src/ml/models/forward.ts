/**
 * The functional forward pass of a zoo model: weights are plain tensors passed in, so the same
 * code trains (gradients w.r.t. the weight arguments), evaluates at perturbed weights
 * (landscapes, SAL) and never rebuilds a model.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../../core/model-spec';

/**
 * Logits [N, classes] for a batch x [N, H, W, C] given weights in `paramInfos` order.
 * `fused` uses fused conv/matmul kernels (faster for evaluation); training keeps it off so the
 * plain Conv2D gradient (registered in engine/conv-grad.ts) is the one that runs.
 * `fromLayer` > 0 starts at that layer index with `x` as its input (the output of layer
 * fromLayer - 1, activation applied); `weights` still holds every weight of the model.
 *
 * Unfused, a conv followed by a max pool runs as relu(maxPool(conv(x)) + b): the same values
 * bit for bit (rounding of v + b and relu are monotone, so they commute with max), but the
 * bias, ReLU and their gradients touch 4x fewer elements (npm run bench:engine: ~10% of a
 * training step). Gradients match the textbook order except where rounding v + b makes two
 * different values of a window equal, where either is a valid subgradient (tested to 1e-5 on
 * every zoo model in wasm-vs-cpu.test.ts).
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
  let pooled = -1; // index of a maxpool already applied inside the conv before it
  for (const [li, l] of spec.layers.entries()) {
    if (li === pooled) continue;
    if (li < fromLayer) {
      if (l.kind === 'conv' || l.kind === 'dense') wi += 2;
      continue;
    }
    switch (l.kind) {
      case 'conv': {
        const k = next() as tf.Tensor4D;
        const b = next() as tf.Tensor1D;
        const pool = spec.layers[li + 1];
        if (!fused && pool?.kind === 'maxpool') {
          const z = tf.maxPool(
            tf.conv2d(h as tf.Tensor4D, k, 1, l.padding),
            pool.size,
            pool.size,
            'valid',
          );
          h = tf.relu(tf.add(z, b));
          pooled = li + 1;
          break;
        }
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
