/**
 * Sharpness-Aware Learnability (docs/science.md section 2; the paper's `layer_sharpness` in
 * `poison_train_sharp.py`): how far the loss can move when only one layer's weights move
 * inside a ball of relative radius eps around their trained values.
 *
 * Per weight layer l (the kernel of a conv or dense layer; biases stay fixed):
 * 1. L0 = mean CE of the unperturbed model on D, inference mode. DEPARTURE from the official
 *    code, which passes the epoch's running training loss (measured in train mode while the
 *    weights moved) as L0; see {@link SAL_L0_DEPARTURE}, shown by the UI.
 * 2. A descent and an ascent copy of W_l; all other weights fixed (gradients are taken w.r.t.
 *    W_l alone). K rounds, each one full pass of plain SGD (lr, no momentum, no weight decay)
 *    over D in stored order with a fixed batch size (no shuffling, so results are
 *    reproducible; the official loader shuffles and drops the last partial batch, here the
 *    last batch may be smaller), minimising CE (descent) or maximising it (ascent). After
 *    each round: if ||W' - W_l||_F > eps * ||W_l||_F the difference is rescaled to exactly that
 *    length; then both copies' mean CE over D is evaluated in inference mode.
 * 3. S_up = max(L0, ascent losses) - L0, S_down = L0 - min(L0, descent losses), both >= 0.
 * 4. SAL = S_up if |S_up| > |S_down| else S_down.
 *
 * D is the first `subsetSize` images of the data passed in, in stored order. An all-zero
 * kernel has radius 0, so its copies cannot move and its SAL is 0 (as in the official code).
 * Since only W_l moves, the activations entering layer l are computed once per layer (see
 * prepare.ts) and every step runs only the layers from l on.
 */
import * as tf from '@tensorflow/tfjs-core';
import '../engine/tf-setup';
import {
  parseSalSettings,
  SAL_L0_DEPARTURE,
  type FilterSal,
  type LayerSal,
  type SalSettings,
} from '../../core/sal-types';
import type { WeightSnapshot } from '../../core/weights';
import { weightLayerNames } from '../models/zoo';
import { runCopies, type Progress, type RoundReport, type SalHooks } from './copies';
import {
  baseLoss,
  layerInputs,
  prepareSal,
  splitAtLayer,
  type PreparedSal,
  type SalData,
} from './prepare';
import type { ModelSpec } from '../../core/model-spec';

export { SAL_L0_DEPARTURE };
export type { RoundReport, RoundTensors, SalHooks } from './copies';
export type { SalData } from './prepare';

/** Weights as a snapshot (converted, then freed) or as tensors in paramInfos order (borrowed). */
export type SalWeights = WeightSnapshot | readonly tf.Tensor[];

/** SAL of one layer with its baseline and the per-round record. */
export interface LayerSalResult extends LayerSal {
  l0: number;
  rounds: RoundReport[];
}

/** SAL of every weight layer, in forward order. */
export interface AllLayersSal {
  l0: number;
  layers: LayerSal[];
}

/** Per-filter SAL of one layer. */
export interface PerFilterSal {
  layer: string;
  l0: number;
  filters: FilterSal[];
}

/** ||t||_F read back as a float64 number. */
async function frobenius(t: tf.Tensor): Promise<number> {
  const n = tf.tidy(() => tf.norm(t));
  try {
    return (await n.data())[0] ?? NaN;
  } finally {
    n.dispose();
  }
}

async function withPrepared<T>(
  spec: ModelSpec,
  weights: SalWeights,
  data: SalData,
  settings: SalSettings,
  body: (p: PreparedSal, s: SalSettings) => Promise<T>,
): Promise<T> {
  const s = parseSalSettings(settings);
  const p = prepareSal(spec, weights, data, s.subsetSize, s.batchSize);
  try {
    return await body(p, s);
  } finally {
    p.dispose();
  }
}

async function layerOnPrepared(
  p: PreparedSal,
  s: SalSettings,
  name: string,
  l0: number,
  hooks: SalHooks,
  progress: Progress,
): Promise<LayerSalResult> {
  const split = splitAtLayer(p.spec, name);
  const radius = s.eps * (await frobenius(p.weights[split.paramIndex]!));
  const acts = layerInputs(p, split);
  try {
    const r = await runCopies(p, split, acts, l0, s, radius, null, hooks, progress);
    return { name, sal: r.sal, up: r.up, down: r.down, l0, rounds: r.rounds };
  } finally {
    acts.dispose();
  }
}

/**
 * SAL of weight layer `layerName` (e.g. `conv2`) at `weights` on `data`. Progress counts
 * rounds (total = K); cancellation throws CancelledError after freeing every tensor.
 */
export async function salOfLayer(
  spec: ModelSpec,
  weights: SalWeights,
  layerName: string,
  data: SalData,
  settings: SalSettings,
  hooks: SalHooks = {},
): Promise<LayerSalResult> {
  splitAtLayer(spec, layerName); // fail fast on a bad name
  return withPrepared(spec, weights, data, settings, async (p, s) => {
    const l0 = await baseLoss(p);
    return layerOnPrepared(p, s, layerName, l0, hooks, { done: 0, total: s.rounds });
  });
}

/** SAL of every weight layer; progress counts rounds over all layers (layers x K). */
export async function salAllLayers(
  spec: ModelSpec,
  weights: SalWeights,
  data: SalData,
  settings: SalSettings,
  hooks: SalHooks = {},
): Promise<AllLayersSal> {
  const names = weightLayerNames(spec);
  return withPrepared(spec, weights, data, settings, async (p, s) => {
    const l0 = await baseLoss(p);
    const progress = { done: 0, total: names.length * s.rounds };
    const layers: LayerSal[] = [];
    for (const name of names) {
      const r = await layerOnPrepared(p, s, name, l0, hooks, progress);
      layers.push({ name: r.name, sal: r.sal, up: r.up, down: r.down });
    }
    return { l0, layers };
  });
}

/**
 * Per-filter SAL (beyond the paper): the same procedure once per output filter j of the layer,
 * where only the slice W[..., j] (last axis of the TF.js kernel) may move and the radius is
 * eps * ||W[..., j]||_F. Costs one layer's SAL per filter; progress counts filters x K rounds.
 */
export async function salPerFilter(
  spec: ModelSpec,
  weights: SalWeights,
  layerName: string,
  data: SalData,
  settings: SalSettings,
  hooks: SalHooks = {},
): Promise<PerFilterSal> {
  const split0 = splitAtLayer(spec, layerName);
  return withPrepared(spec, weights, data, settings, async (p, s) => {
    const l0 = await baseLoss(p);
    const w = p.weights[split0.paramIndex]!;
    const rank = w.rank;
    const count = w.shape[rank - 1]!;
    const normsT = tf.tidy(() =>
      tf.sqrt(
        tf.sum(
          tf.square(w),
          Array.from({ length: rank - 1 }, (_, i) => i),
        ),
      ),
    );
    const norms = await normsT.data();
    normsT.dispose();
    const acts = layerInputs(p, split0);
    const progress = { done: 0, total: count * s.rounds };
    const filters: FilterSal[] = [];
    try {
      for (let j = 0; j < count; j++) {
        const maskShape = [...Array<number>(rank - 1).fill(1), count];
        const onehot = new Float32Array(count);
        onehot[j] = 1;
        const mask = tf.tensor(onehot, maskShape, 'float32');
        try {
          const radius = s.eps * (norms[j] ?? NaN);
          const r = await runCopies(p, split0, acts, l0, s, radius, mask, hooks, progress);
          filters.push({ index: j, sal: r.sal, up: r.up, down: r.down });
        } finally {
          mask.dispose();
        }
      }
    } finally {
      acts.dispose();
    }
    return { layer: layerName, l0, filters };
  });
}
