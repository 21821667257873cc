/**
 * Landscape-grade evaluation: loss and accuracy of one fixed data set at many weight settings
 * theta(a, b) = centre + a * d1 + b * d2, fast.
 *
 * - Data, centre and directions stay resident as tensors; no model is rebuilt and no weights
 *   are copied through JavaScript per point.
 * - The first weight layer is linear in its weights, so its pre-activation at (a, b) is
 *   z0 + a * z1 + b * z2 with z0 = layer(x; centre), z1 = layer(x; d1), z2 = layer(x; d2),
 *   computed once per surface (`firstLayerPrecompute`): each point then replaces that layer by
 *   a cheap combination (worth it when the layer costs 16 or more multiply-adds per output).
 * - WASM runs one point at a time at full efficiency: stacking points into one kernel call
 *   would only save launch overhead, measured at ~6% of a cnn-s point, while forcing channel
 *   slices that WASM copies slowly.
 * - Points are read back in blocks, so a GPU backend is not stalled by one sync per point.
 * - The images are cropped once to the rows and columns the logits depend on (cnn-s: 26 x 26).
 * - On backends whose tensors live in CPU memory, a first layer followed by a max pool (or by
 *   nothing) runs as one WebAssembly SIMD pass over its parts (simd/simd-kernels.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSnapshot } from '../../core/weights';
import { assertSameLayout } from '../../core/weights';
import { forward } from '../models/forward';
import { usedInputSize } from '../models/used-input';
import { snapshotToTensors } from '../models/params';
import type { LayerSpec, ModelSpec } from '../../core/model-spec';
import { CancelledError } from '../train/train-loop';
import { onCpuMemoryBackend } from './cpu-memory';
import { PooledParts, simdKernelsAvailable } from './simd/simd-kernels';

/** Options of a grid evaluator. */
export interface GridEvalOptions {
  /**
   * How the first weight layer runs per point (see {@link FirstLayerMode}); 'auto' (default)
   * picks by that layer's shape (npm run bench:engine).
   */
  firstLayer?: FirstLayerMode | 'auto';
  /** Images per forward pass; bounds memory (default: all, the fastest on WASM). */
  imageBatch?: number;
  /** Points evaluated between read-backs (default 8). */
  pointsPerSync?: number;
}

/**
 * - 'direct': the layer as in the model.
 * - 'parts': its three linear parts z0, z1, z2 precomputed, combined per point.
 * - 'patches' (conv only): the input's k x k patches extracted once per surface, so each point
 *   is one matMul [n*H*W, k*k*C] x [k*k*C, F] with fused bias and ReLU. On WASM a conv on one
 *   input channel runs far below the speed of a convolution with many input channels; the
 *   matMul does the same multiply-adds ~1.5x faster (cnn-s conv1: 2.2 ms -> 1.5 ms per 256
 *   images).
 * - 'simd' (wasm and cpu backends): the parts kept in a SIMD kernel's memory, window by window;
 *   each point combines them, max-pools (when a pool follows) and applies ReLU in one pass
 *   (lenet5: ~0.8 ms per 256 images where the 'parts' matMul and the MaxPool kernel took
 *   ~5.5 ms). Falls back to 'parts' where WebAssembly SIMD is missing.
 */
export type FirstLayerMode = 'direct' | 'parts' | 'patches' | 'simd';

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
  /** How the first weight layer runs (after 'auto' and fallbacks). */
  readonly firstLayer: FirstLayerMode;
  dispose(): void;
}

/** Pre-activation of the first weight layer (conv or flatten+dense) for weights k, b. */
function firstLayer(l: LayerSpec, x: tf.Tensor4D, k: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (l.kind === 'conv') return tf.add(tf.conv2d(x, k as tf.Tensor4D, 1, l.padding), b);
  return tf.add(tf.matMul(tf.reshape(x, [x.shape[0], -1]), k as tf.Tensor2D), b);
}

/** Patches or SIMD parts of a chunk above this size fall back to 'parts' (memory). */
const MAX_BYTES = 64 * 2 ** 20;

/** Values per image the first weight layer outputs. */
function firstOutputsPerImage(l: LayerSpec, h: number, w: number): number {
  if (l.kind === 'dense') return l.units;
  if (l.kind !== 'conv') return h * w;
  const out = (d: number) => (l.padding === 'same' ? d : d - l.kernel + 1);
  return out(h) * out(w) * l.filters;
}

/** The first layer's mode for 'auto'; `next` is the layer after it. */
function autoMode(l: LayerSpec, next: LayerSpec | undefined, channels: number): FirstLayerMode {
  const simd = onCpuMemoryBackend() && simdKernelsAvailable();
  if (l.kind === 'dense') return simd ? 'simd' : 'parts';
  if (l.kind !== 'conv') return 'direct';
  if (simd && next?.kind === 'maxpool') return 'simd';
  // Patches pay where the conv has few multiply-adds per output (one input channel); a 5x5
  // kernel is served better by the precomputed parts.
  return l.kernel * l.kernel * channels >= 16 ? 'parts' : 'patches';
}

/**
 * The k x k patches of x for a conv layer, [n*Ho*Wo, k*k*C] in the kernel's (row, col, channel)
 * order: a conv with a one-hot kernel, exact (one product by 1 per output).
 */
function patchesOf(l: LayerSpec & { kind: 'conv' }, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const c = x.shape[3];
    const size = l.kernel * l.kernel * c;
    const eye = tf.reshape(tf.eye(size), [l.kernel, l.kernel, c, size]) as tf.Tensor4D;
    const p = tf.conv2d(x, eye, 1, l.padding);
    return tf.reshape(p, [-1, size]) as tf.Tensor2D;
  });
}

/**
 * One chunk of images. For 'parts' the three parts of the first layer's output are stacked
 * [3, n*H*W*C] and combined per point by one [1, 3] x [3, M] matMul with fused ReLU: one pass
 * over the parts. On WASM (lenet5, 256 images) that takes ~1.5 ms where a 1x1 conv over the
 * parts concatenated on the channel axis took ~3.3 ms and separate multiply/add kernels more.
 */
interface Chunk {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  parts: { t: tf.Tensor2D; shape: number[] } | null;
  /** For 'patches': the patches and the conv's output shape [n, Ho, Wo, F]. */
  patches: { p: tf.Tensor2D; shape: [number, number, number, number] } | null;
  /** For 'simd': the parts in kernel memory. */
  simd: PooledParts | null;
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
  const want = opts.firstLayer ?? 'auto';
  let mode: FirstLayerMode =
    first === undefined || !onlyFlattenBefore
      ? 'direct'
      : want === 'auto'
        ? autoMode(first, spec.layers[li + 1], data.x.shape[3])
        : want;
  // Only the rows and columns the logits depend on (used-input.ts): cnn-s drops 2 of 28.
  const [usedH, usedW] = usedInputSize(spec);
  if (mode === 'simd') {
    const fits =
      first !== undefined && batch * firstOutputsPerImage(first, usedH, usedW) * 12 <= MAX_BYTES;
    if (!(onCpuMemoryBackend() && simdKernelsAvailable() && (fits || want !== 'auto')))
      mode = 'parts';
  } else if (mode === 'patches' && first?.kind === 'conv') {
    const k2c = first.kernel * first.kernel * data.x.shape[3];
    if (want === 'auto' && batch * usedH * usedW * k2c * 4 > MAX_BYTES) mode = 'parts';
  } else if (mode === 'patches') mode = 'direct';
  // With 'simd', a max pool right after the first layer is done by the kernel too.
  const pool = spec.layers[li + 1];
  const poolSize = mode === 'simd' && pool?.kind === 'maxpool' ? pool.size : 1;
  const relu = first?.kind === 'conv' || (first?.kind === 'dense' && first.relu);
  const chunks: Chunk[] = [];
  for (let s = 0; s < n; s += batch) {
    const size = Math.min(batch, n - s);
    const x = tf.keep(tf.slice(data.x, [s, 0, 0, 0], [size, usedH, usedW, -1]));
    const y = tf.keep(tf.slice(data.y, [s], [size]));
    const chunk: Chunk = { x, y, parts: null, patches: null, simd: null };
    if (mode === 'simd' && first) {
      const zs = tf.tidy(() => [c, d1, d2].map((w) => firstLayer(first, x, w[0]!, w[1]!)));
      const shape = zs[0]!.shape;
      const nhwc = (shape.length === 4 ? shape : [shape[0], 1, 1, shape[1]]) as [
        number,
        number,
        number,
        number,
      ];
      const values = zs.map((z) => z.dataSync() as Float32Array) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      tf.dispose(zs);
      chunk.simd = new PooledParts(values, nhwc, poolSize, relu);
    } else if (mode === 'parts' && first) {
      chunk.parts = tf.tidy(() => {
        const zs = [c, d1, d2].map((w) => firstLayer(first, x, w[0]!, w[1]!));
        const t = tf.keep(tf.reshape(tf.stack(zs), [3, -1]) as tf.Tensor2D);
        return { t, shape: zs[0]!.shape };
      });
    } else if (mode === 'patches' && first?.kind === 'conv') {
      const p = tf.keep(patchesOf(first, x));
      const out = (d: number) => (first.padding === 'same' ? d : d - first.kernel + 1);
      chunk.patches = { p, shape: [size, out(x.shape[1]), out(x.shape[2]), first.filters] };
    }
    chunks.push(chunk);
  }

  const labels = tf.keep(tf.concat(chunks.map((ch) => ch.y)));

  // Each weight's centre and directions stacked: its value at (a, b) is two kernels, not the
  // four of c + a*d1 + b*d2. Kernels: [1, 3] x [3, size] matMul. Biases: [size, 3] times
  // [1, 3] summed over the last axis, because WASM's fused kernels check a bias against the
  // shape its buffer was made with, and a matMul makes [1, 1, size].
  // With 'parts' or 'simd' the first weight layer (weights 0 and 1) runs from its precomputed
  // parts, so its weights at (a, b) are never built: the centre stands in, unread by forward().
  const fromParts = mode === 'parts' || mode === 'simd';
  const stacked = c.map((t, i) =>
    fromParts && i < 2
      ? null
      : tf.keep(
          tf.tidy(() => {
            const s = tf.stack([t, d1[i]!, d2[i]!], t.rank === 1 ? 1 : 0);
            return t.rank === 1 ? s : tf.reshape(s, [3, t.size]);
          }),
        ),
  );
  const weightsAt = (coef: tf.Tensor2D): tf.Tensor[] =>
    stacked.map((s, i) =>
      s === null
        ? c[i]!
        : c[i]!.rank === 1
          ? tf.sum(tf.mul(s, coef), 1)
          : tf.reshape(tf.matMul(coef, s as tf.Tensor2D), c[i]!.shape),
    );

  /** Logits [n, K] of all images at (a, b). */
  const point = (a: number, b: number): tf.Tensor2D =>
    tf.tidy(() => {
      const coef = tf.tensor2d([[1, a, b]]);
      // Per weight, not one matMul for all split into layers: WASM's SplitV and the reshapes
      // after it cost ~10x more than these small kernels (measured on lenet5).
      const w = weightsAt(coef);
      const logitsOf = chunks.map(({ x, parts, patches, simd }) => {
        let logits: tf.Tensor2D;
        if (simd) {
          const h = tf.tensor4d(simd.at(a, b), simd.outShape);
          logits = forward(spec, w, h, true, li + (poolSize > 1 ? 2 : 1));
        } else if (patches) {
          const kernel = w[0]!;
          const h = tf.fused.matMul({
            a: patches.p,
            b: tf.reshape(kernel, [-1, kernel.shape[3]!]) as tf.Tensor2D,
            bias: w[1]!,
            activation: 'relu',
          });
          logits = forward(spec, w, tf.reshape(h, patches.shape), true, li + 1);
        } else if (parts) {
          const h = tf.fused.matMul({ a: coef, b: parts.t, activation: relu ? 'relu' : 'linear' });
          logits = forward(spec, w, tf.reshape(h, parts.shape), true, li + 1);
        } else logits = forward(spec, w, x, true);
        return logits;
      });
      return logitsOf.length === 1 ? logitsOf[0]! : (tf.concat(logitsOf) as tf.Tensor2D);
    });

  /**
   * [P, 2]: summed cross-entropy and correct count of each of P points' logits, stacked
   * [P*n, K]. One softmax over the whole block instead of ~20 small kernels per point.
   */
  const lossAndCorrect = (logits: tf.Tensor2D, p: number): tf.Tensor2D =>
    tf.tidy(() => {
      const k = logits.shape[1];
      const y = p === 1 ? labels : tf.tile(labels, [p]);
      // int32 one-hot: WASM's OneHot writes int32 bits whatever dtype is asked for.
      const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(y, k)), 1);
      const hit = tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32');
      return tf.stack(
        [tf.neg(tf.sum(tf.reshape(picked, [p, n]), 1)), tf.sum(tf.reshape(hit, [p, n]), 1)],
        1,
      ) as tf.Tensor2D;
    });

  return {
    firstLayer: mode,
    async evaluate(points, hooks = {}) {
      const count = Math.floor(points.length / 2);
      const loss = new Float32Array(count);
      const acc = new Float32Array(count);
      for (let start = 0; start < count; start += pointsPerSync) {
        if (hooks.shouldStop?.()) throw new CancelledError();
        const end = Math.min(count, start + pointsPerSync);
        const block: tf.Tensor2D[] = [];
        for (let p = start; p < end; p++) block.push(point(points[2 * p]!, points[2 * p + 1]!));
        const sums = tf.tidy(() => lossAndCorrect(tf.concat(block) as tf.Tensor2D, block.length));
        tf.dispose(block);
        const vals = await sums.data();
        sums.dispose();
        for (let p = start; p < end; p++) {
          loss[p] = vals[2 * (p - start)]! / n;
          acc[p] = vals[2 * (p - start) + 1]! / n;
        }
        hooks.onBlock?.(end, count);
      }
      return { loss, acc };
    },
    dispose() {
      tf.dispose([...c, ...d1, ...d2, ...stacked.filter((t) => t !== null), labels]);
      for (const ch of chunks)
        tf.dispose([
          ch.x,
          ch.y,
          ...(ch.parts ? [ch.parts.t] : []),
          ...(ch.patches ? [ch.patches.p] : []),
        ]);
      chunks.length = 0;
    },
  };
}
