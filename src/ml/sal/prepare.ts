/**
 * What every SAL computation needs before its rounds: validated weights as tensors, the data
 * cut into fixed batches in stored order, the model split at the perturbed layer, and the
 * activations entering that layer (fixed, because only W_l changes: computed once per layer
 * instead of in every SGD step and evaluation).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSnapshot } from '../../core/weights';
import { forward, crossEntropy } from '../models/forward';
import { snapshotToTensors } from '../models/params';
import { layerTensorCount, paramInfos, weightLayerNames } from '../models/zoo';
import type { ModelSpec } from '../../core/model-spec';

/** Data SAL is measured on: x [N, H, W, C] float32 in [0, 1], y [N] int32 labels. */
export interface SalData {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
}

/** One fixed mini-batch: kept slices of x and y. */
export interface SalBatch {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  size: number;
}

/** Weights and batches ready for SAL; `dispose` frees what `prepareSal` made. */
export interface PreparedSal {
  spec: ModelSpec;
  /** Weights in `paramInfos(spec)` order. */
  weights: tf.Tensor[];
  batches: SalBatch[];
  /** Images used (sum of batch sizes). */
  n: number;
  dispose(): void;
}

/**
 * Checks the weights against the spec, turns a snapshot into tensors (freed by `dispose`;
 * given tensors are borrowed, never freed) and slices the first min(subsetSize, N) images of
 * `data` into batches of `batchSize` in stored order (the last batch may be smaller).
 */
export function prepareSal(
  spec: ModelSpec,
  weights: WeightSnapshot | readonly tf.Tensor[],
  data: SalData,
  subsetSize: number,
  batchSize: number,
): PreparedSal {
  const infos = paramInfos(spec);
  const isSnapshot = !Array.isArray(weights);
  const shapes = isSnapshot
    ? (weights as WeightSnapshot).shapes
    : (weights as readonly tf.Tensor[]).map((t) => t.shape);
  if (shapes.length !== infos.length)
    throw new Error(`SAL: ${spec.id} has ${infos.length} weight tensors, got ${shapes.length}`);
  infos.forEach((p, i) => {
    const got = shapes[i] ?? [];
    const name = isSnapshot ? (weights as WeightSnapshot).names[i] : p.name;
    if (name !== p.name || got.join('x') !== p.shape.join('x'))
      throw new Error(
        `SAL: weight ${i} should be ${p.name} [${p.shape.join(', ')}], got ${name ?? '?'} [${got.join(', ')}]`,
      );
  });
  const n = data.x.shape[0];
  if (data.y.shape[0] !== n) throw new Error(`SAL: ${n} images but ${data.y.shape[0]} labels`);
  if (n === 0) throw new Error('SAL: no images to measure on');
  const m = Math.min(n, subsetSize);
  const owned = isSnapshot ? snapshotToTensors(weights as WeightSnapshot) : null;
  const batches: SalBatch[] = [];
  for (let start = 0; start < m; start += batchSize) {
    const size = Math.min(batchSize, m - start);
    batches.push({
      x: tf.keep(tf.slice(data.x, [start, 0, 0, 0], [size, -1, -1, -1])),
      y: tf.keep(tf.slice(data.y, [start], [size])),
      size,
    });
  }
  return {
    spec,
    weights: owned ?? [...(weights as readonly tf.Tensor[])],
    batches,
    n: m,
    dispose() {
      owned?.forEach((t) => t.dispose());
      batches.forEach((b) => tf.dispose([b.x, b.y]));
    },
  };
}

/** The model cut just before a weight layer: the prefix runs once, the suffix every step. */
export interface LayerSplit {
  name: string;
  /** Index of the kernel `name/kernel` in the weights. */
  paramIndex: number;
  /** Index of the suffix's first weight (= paramIndex unless the layer is inside a block). */
  suffixStart: number;
  /** Layers before the perturbed one (may be empty). */
  prefix: ModelSpec;
  /** The perturbed layer (or the residual block holding it) and everything after it. */
  suffix: ModelSpec;
}

/**
 * Splits `spec` at weight layer `name`; throws naming the valid layers when there is none.
 * A conv inside a residual block splits before the whole block (its input also feeds the
 * shortcut), so the suffix starts at the block's first weight.
 */
export function splitAtLayer(spec: ModelSpec, name: string): LayerSplit {
  const paramIndex = paramInfos(spec).findIndex((p) => p.name === `${name}/kernel`);
  if (paramIndex < 0 || !weightLayerNames(spec).includes(name))
    throw new Error(
      `SAL: ${spec.id} has no weight layer "${name}"; its weight layers are ${weightLayerNames(spec).join(', ')}`,
    );
  let li = 0;
  let suffixStart = 0;
  while (suffixStart + layerTensorCount(spec.layers[li]!) <= paramIndex)
    suffixStart += layerTensorCount(spec.layers[li++]!);
  return {
    name,
    paramIndex,
    suffixStart,
    prefix: { ...spec, layers: spec.layers.slice(0, li) },
    suffix: { ...spec, layers: spec.layers.slice(li) },
  };
}

/**
 * Above this many bytes the activations entering a layer are recomputed per step instead of
 * cached (e.g. the paper's settings on a large training set: 60,000 images entering vgg-s conv2
 * would need 2.6 GB).
 */
export const SAL_CACHE_BYTES = 256 * 2 ** 20;

/** The activations entering the split layer, per batch; `dispose` frees any cache. */
export interface LayerInputs {
  /** Activations of batch i: kept (cached) or made in the caller's tidy scope. */
  get(i: number): tf.Tensor;
  /** True when the activations are held in memory. */
  cached: boolean;
  dispose(): void;
}

/**
 * Activations entering the split layer from the fused (inference) forward pass: the same ops
 * as the full forward pass, so suffix(prefix(x)) equals forward(x) bit for bit. Cached (one
 * prefix pass per layer instead of one per step) unless they would exceed `budgetBytes`.
 * `get` must be called inside a tf.tidy when not cached.
 */
export function layerInputs(
  p: PreparedSal,
  s: LayerSplit,
  budgetBytes = SAL_CACHE_BYTES,
): LayerInputs {
  const ws = p.weights.slice(0, s.suffixStart);
  const compute = (i: number): tf.Tensor => {
    const b = p.batches[i]!;
    return s.prefix.layers.length === 0 ? tf.clone(b.x) : forward(s.prefix, ws, b.x, true);
  };
  const first = tf.tidy(() => compute(0));
  const bytes = (first.size / p.batches[0]!.size) * p.n * 4;
  if (bytes > budgetBytes) {
    first.dispose();
    return { get: compute, cached: false, dispose: () => {} };
  }
  const cache = [first, ...p.batches.slice(1).map((_, i) => tf.tidy(() => compute(i + 1)))];
  return { get: (i) => cache[i]!, cached: true, dispose: () => tf.dispose(cache) };
}

/**
 * Logits of the suffix for activations `act` with `kernel` in place of the split layer's kernel
 * and all other weights fixed. `fused` for evaluation, plain ops for gradients.
 */
export function suffixLogits(
  p: PreparedSal,
  s: LayerSplit,
  kernel: tf.Tensor,
  act: tf.Tensor,
  fused: boolean,
): tf.Tensor2D {
  const ws = p.weights.slice(s.suffixStart);
  ws[s.paramIndex - s.suffixStart] = kernel;
  // A dense layer after flatten receives [N, F]; forward() handles rank 2 for dense layers.
  return forward(s.suffix, ws, act as tf.Tensor4D, fused);
}

/**
 * Mean cross-entropy over all batches, weighted by batch size, from a [copies, batches] tensor
 * of per-batch mean losses: one read-back, summed in float64 in the same order every time.
 */
export async function meanLosses(perBatch: tf.Tensor2D, batches: SalBatch[]): Promise<number[]> {
  const [copies] = perBatch.shape;
  const v = await perBatch.data();
  const n = batches.reduce((a, b) => a + b.size, 0);
  const out: number[] = [];
  for (let c = 0; c < copies; c++) {
    let s = 0;
    batches.forEach((b, i) => (s += (v[c * batches.length + i] ?? NaN) * b.size));
    out.push(s / n);
  }
  return out;
}

/** L0: the unperturbed model's mean cross-entropy on the batches, inference mode. */
export async function baseLoss(p: PreparedSal): Promise<number> {
  const perBatch = tf.tidy(
    () =>
      tf.stack([
        tf.stack(p.batches.map((b) => crossEntropy(forward(p.spec, p.weights, b.x, true), b.y))),
      ]) as tf.Tensor2D,
  );
  try {
    return (await meanLosses(perBatch, p.batches))[0]!;
  } finally {
    perBatch.dispose();
  }
}
