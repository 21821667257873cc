/**
 * The functional forward pass of a zoo model: weights are plain tensors passed in, so the same
 * code trains (gradients w.r.t. the weight arguments), evaluates at perturbed weights
 * (landscapes, SAL) and never rebuilds a model.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BN_EPSILON, type ConvBnSpec, type ModelSpec } from '../../core/model-spec';
import { batchNormTrain } from '../engine/bn-train';
import { blockParts, layerTensorCount } from './zoo';

/**
 * One BatchNorm layer's batch statistics: kept tensors, over `count` values per channel.
 * A type, not an interface, so it fits tf.tidy's TensorContainer.
 */
export type BnBatchStats = {
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  count: number;
};

/**
 * BatchNorm in training mode: normalise with the batch's own mean and (biased) variance and
 * collect them, one entry per BatchNorm layer in weight order, kept (they outlive the
 * gradient's tidy), for the running statistics (train/train-step.ts). Without it, BatchNorm
 * runs in inference mode, on the running statistics.
 */
export interface BnTraining {
  stats: BnBatchStats[];
}

/** A conv-BN unit (conv without bias, 'same' padding, BatchNorm, optional ReLU). */
function convBn(
  u: ConvBnSpec,
  x: tf.Tensor4D,
  next: () => tf.Tensor,
  bn: BnTraining | undefined,
): tf.Tensor4D {
  const k = next() as tf.Tensor4D;
  const [gamma, beta, mean, variance] = [next(), next(), next(), next()] as tf.Tensor1D[];
  const z = tf.conv2d(x, k, u.stride, 'same');
  let h: tf.Tensor4D;
  if (bn) {
    const t = batchNormTrain(z, gamma!, beta!, BN_EPSILON);
    bn.stats.push({
      mean: tf.keep(t.mean),
      variance: tf.keep(t.variance),
      count: z.shape[0] * z.shape[1] * z.shape[2],
    });
    h = t.y;
  } else h = tf.batchNorm(z, mean!, variance!, beta, gamma, BN_EPSILON);
  return u.relu ? (tf.relu(h) as tf.Tensor4D) : h;
}

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
 *
 * BatchNorm (resnet-s) runs in inference mode unless `bn` is given (training, see BnTraining).
 */
export function forward(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor,
  fused = false,
  fromLayer = 0,
  bn?: BnTraining,
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
      wi += layerTensorCount(l);
      continue;
    }
    switch (l.kind) {
      case 'convbn':
        h = convBn(l, h as tf.Tensor4D, next, bn);
        break;
      case 'block': {
        const [c1, c2, sc] = blockParts(l);
        const main = convBn(c2!, convBn(c1!, h as tf.Tensor4D, next, bn), next, bn);
        const skip = sc ? convBn(sc, h as tf.Tensor4D, next, bn) : h;
        h = tf.relu(tf.add(main, skip));
        break;
      }
      case 'gap':
        h = tf.mean(h, [1, 2]);
        break;
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
