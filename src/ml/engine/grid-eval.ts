/**
 * Landscape-grade evaluation: loss and accuracy of one fixed data set at many weight settings
 * theta(a, b) = centre + a * d1 + b * d2, fast.
 *
 * - Data, centre and directions stay resident as tensors; no model is rebuilt and no weights
 *   are copied through JavaScript per point.
 * - The first weight layer is linear in its weights, so its pre-activation at (a, b) is
 *   z0 + a * z1 + b * z2 with z0 = layer(x; centre), z1 = layer(x; d1), z2 = layer(x; d2),
 *   computed once per surface (`firstLayerPrecompute`): each point then skips that layer
 *   (worth it when that layer costs more than the two multiply-adds that replace it).
 * - Points are read back in blocks, so a GPU backend is not stalled by one sync per point.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSnapshot } from '../../core/weights';
import { assertSameLayout } from '../../core/weights';
import { correctCount, crossEntropy, forward } from '../models/forward';
import { snapshotToTensors } from '../models/params';
import type { LayerSpec, ModelSpec } from '../models/zoo';
import { CancelledError } from '../train/train-loop';

/** Options of a grid evaluator. */
export interface GridEvalOptions {
  /**
   * Precompute the first layer's three linear parts. 'auto' (default) does so when each output
   * of that layer costs at least 16 multiply-adds: for a 3x3 conv on one channel (cnn-s) the
   * conv itself is cheaper than the linear combination (npm run bench:engine).
   */
  firstLayerPrecompute?: boolean | 'auto';
  /** Images per forward pass; bounds memory (default: all). */
  imageBatch?: number;
  /** Points evaluated between read-backs (default 8). */
  pointsPerSync?: number;
}

/** Evaluates loss/accuracy at (a, b) points around a centre along two directions. */
export interface GridEvaluator {
  /**
   * points: [a0, b0, a1, b1, ...]. Returns mean CE and accuracy per point (same order).
   * `onBlock(done, total)` is called after each block; `shouldStop()` aborts between blocks.
   */
  evaluate(
    points: ArrayLike<number>,
    hooks?: { onBlock?: (done: number, total: number) => void; shouldStop?: () => boolean },
  ): Promise<{ loss: Float32Array; acc: Float32Array }>;
  dispose(): void;
}

/** Pre-activation of the first weight layer (conv or flatten+dense) for weights k, b. */
function firstLayer(l: LayerSpec, x: tf.Tensor4D, k: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (l.kind === 'conv') return tf.add(tf.conv2d(x, k as tf.Tensor4D, 1, l.padding), b);
  return tf.add(tf.matMul(tf.reshape(x, [x.shape[0], -1]), k as tf.Tensor2D), b);
}

/** Creates an evaluator; `dispose()` frees everything it holds. */
export function createGridEvaluator(
  spec: ModelSpec,
  centre: WeightSnapshot,
  dirs: [WeightSnapshot, WeightSnapshot],
  data: { x: tf.Tensor4D; y: tf.Tensor1D },
  opts: GridEvalOptions = {},
): GridEvaluator {
  assertSameLayout(centre, dirs[0]);
  assertSameLayout(centre, dirs[1]);
  const c = snapshotToTensors(centre);
  const d1 = snapshotToTensors(dirs[0]);
  const d2 = snapshotToTensors(dirs[1]);
  const n = data.x.shape[0];
  const batch = Math.max(1, Math.min(n, opts.imageBatch ?? n));
  const pointsPerSync = Math.max(1, opts.pointsPerSync ?? 8);
  // The first weight layer: a conv at index 0, or a dense right after a leading flatten.
  const li = spec.layers.findIndex((l) => l.kind === 'conv' || l.kind === 'dense');
  const first = spec.layers[li];
  const onlyFlattenBefore = spec.layers.slice(0, li).every((l) => l.kind === 'flatten');
  const precompute =
    (opts.firstLayerPrecompute ?? true) && first !== undefined && onlyFlattenBefore;
  const relu = first?.kind === 'conv' || (first?.kind === 'dense' && first.relu);
  const chunks: { x: tf.Tensor4D; y: tf.Tensor1D; z: [tf.Tensor, tf.Tensor, tf.Tensor] | null }[] =
    [];
  for (let s = 0; s < n; s += batch) {
    const size = Math.min(batch, n - s);
    const x = tf.keep(tf.slice(data.x, [s, 0, 0, 0], [size, -1, -1, -1]));
    const y = tf.keep(tf.slice(data.y, [s], [size]));
    const z =
      precompute && first
        ? (tf.tidy(() => [c, d1, d2].map((w) => tf.keep(firstLayer(first, x, w[0]!, w[1]!)))) as [
            tf.Tensor,
            tf.Tensor,
            tf.Tensor,
          ])
        : null;
    chunks.push({ x, y, z });
  }

  /** Summed loss and correct count at (a, b) as a [2] tensor. */
  const point = (a: number, b: number): tf.Tensor1D =>
    tf.tidy(() => {
      const w = c.map((t, i) => tf.add(t, tf.add(tf.mul(d1[i]!, a), tf.mul(d2[i]!, b))));
      const parts = chunks.map(({ x, y, z }) => {
        let logits: tf.Tensor2D;
        if (z) {
          const pre = tf.add(z[0], tf.add(tf.mul(z[1], a), tf.mul(z[2], b)));
          logits = forward(spec, w, relu ? tf.relu(pre) : pre, true, li + 1);
        } else logits = forward(spec, w, x, true);
        const size = x.shape[0];
        return tf.stack([
          tf.mul(crossEntropy(logits, y), size),
          tf.cast(correctCount(logits, y), 'float32'),
        ]);
      });
      return tf.addN(parts) as tf.Tensor1D;
    });

  return {
    async evaluate(points, hooks = {}) {
      const count = Math.floor(points.length / 2);
      const loss = new Float32Array(count);
      const acc = new Float32Array(count);
      for (let start = 0; start < count; start += pointsPerSync) {
        if (hooks.shouldStop?.()) throw new CancelledError();
        const end = Math.min(count, start + pointsPerSync);
        const block: tf.Tensor1D[] = [];
        for (let p = start; p < end; p++) block.push(point(points[2 * p]!, points[2 * p + 1]!));
        const stacked = tf.stack(block);
        const vals = await stacked.data();
        tf.dispose([stacked, ...block]);
        for (let p = start; p < end; p++) {
          loss[p] = vals[2 * (p - start)]! / n;
          acc[p] = vals[2 * (p - start) + 1]! / n;
        }
        hooks.onBlock?.(end, count);
      }
      return { loss, acc };
    },
    dispose() {
      tf.dispose([...c, ...d1, ...d2]);
      for (const ch of chunks) tf.dispose([ch.x, ch.y, ...(ch.z ?? [])]);
      chunks.length = 0;
    },
  };
}
