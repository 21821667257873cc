/**
 * The Unlearnable Distance (docs/science.md section 3; the paper's `analysis/get_ud.py`): how many
 * layers of a poisoned run stay learnable, relative to a clean run of the same model.
 */
import { kmeans2x1d } from './kmeans1d';

/** Options of {@link unlearnableDistance}. */
export interface UdOptions {
  /**
   * Use only the first `epochs` epochs of both runs: the live, running estimate while a run
   * trains. Both runs must have at least that many epochs. Default: all (the counts must match).
   */
  epochs?: number;
}

/** UD of a poisoned run against a clean run, with every intermediate the cards show. */
export interface UdResult {
  /** #LP(poisoned) / #LP(clean); null when undefined (see `undefinedReason`). */
  ud: number | null;
  /** Why `ud` is null, in words for the UI; absent when `ud` is a number. */
  undefinedReason?: string;
  /** Mean of the per-epoch thresholds: a SAL value above beta counts as learnable. */
  beta: number;
  /** Per-epoch 2-means threshold on the clean run's SAL values, [epochs]. */
  thresholds: number[];
  /** #LP of the clean run: mean number of layers per epoch with SAL > beta. */
  lpClean: number;
  /** #LP of the poisoned run. */
  lpPoisoned: number;
  /** Epochs T the result rests on (after truncation). */
  epochs: number;
  /** Layers per epoch. */
  layers: number;
  /** [epoch][layer]: SAL > beta for the clean run. */
  learnableClean: boolean[][];
  /** [epoch][layer]: SAL > beta for the poisoned run. */
  learnablePoisoned: boolean[][];
}

/** Sentence shown when the clean run has no learnable layer. */
export const UD_UNDEFINED_NO_CLEAN_LP =
  'the clean run has no learnable layer above beta, so UD is undefined';

/**
 * UD from two SAL matrices [epoch][layer] (same layers in the same order, same SAL settings):
 * per epoch t the threshold is the midpoint of the exact 2-means centres of the clean values
 * C[t][*]; beta = mean of those thresholds; #LP(run) = (1/T) * #{(t, l) : SAL > beta};
 * UD = #LP(poisoned) / #LP(clean), null with a reason when #LP(clean) = 0. Throws on empty,
 * ragged or mismatched matrices and on non-finite values, naming the offending cell.
 */
export function unlearnableDistance(
  clean: readonly (readonly number[])[],
  poisoned: readonly (readonly number[])[],
  opts: UdOptions = {},
): UdResult {
  const layers = checkMatrix('clean', clean);
  const layersP = checkMatrix('poisoned', poisoned);
  if (layers !== layersP)
    throw new Error(
      `UD: the clean run has ${layers} layers per epoch but the poisoned run has ${layersP}`,
    );
  let T: number;
  if (opts.epochs === undefined) {
    if (clean.length !== poisoned.length)
      throw new Error(
        `UD: the clean run has ${clean.length} epochs but the poisoned run has ${poisoned.length}; ` +
          'pass `epochs` to compare the first epochs of both',
      );
    T = clean.length;
  } else {
    T = opts.epochs;
    if (!Number.isInteger(T) || T < 1)
      throw new Error(`UD: epochs must be a positive integer, got ${T}`);
    if (T > clean.length || T > poisoned.length)
      throw new Error(
        `UD: cannot use ${T} epochs: the clean run has ${clean.length} and the poisoned run ${poisoned.length}`,
      );
  }
  const c = clean.slice(0, T);
  const p = poisoned.slice(0, T);
  const thresholds = c.map((row) => kmeans2x1d(row).threshold);
  const beta = thresholds.reduce((a, b) => a + b, 0) / T;
  const learnableClean = c.map((row) => row.map((v) => v > beta));
  const learnablePoisoned = p.map((row) => row.map((v) => v > beta));
  const lpClean = countTrue(learnableClean) / T;
  const lpPoisoned = countTrue(learnablePoisoned) / T;
  const base = { beta, thresholds, lpClean, lpPoisoned, epochs: T, layers };
  const masks = { learnableClean, learnablePoisoned };
  if (lpClean === 0)
    return { ud: null, undefinedReason: UD_UNDEFINED_NO_CLEAN_LP, ...base, ...masks };
  return { ud: lpPoisoned / lpClean, ...base, ...masks };
}

/** Spread of UD over several seeds: mean, min and max of the defined values. */
export interface UdSpread {
  /** Mean of the defined values; null when there is none. */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Number of defined values the figures rest on. */
  n: number;
  /** Number of null (undefined) UDs that were left out. */
  nUndefined: number;
}

/** Mean, min, max and count of UD values (e.g. one per seed); nulls are counted, not used. */
export function udSpread(values: readonly (number | null)[]): UdSpread {
  const defined: number[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    if (!Number.isFinite(v)) throw new Error(`udSpread: value ${i} is ${v}, not a finite number`);
    defined.push(v);
  });
  const nUndefined = values.length - defined.length;
  if (defined.length === 0) return { mean: null, min: null, max: null, n: 0, nUndefined };
  return {
    mean: defined.reduce((a, b) => a + b, 0) / defined.length,
    min: Math.min(...defined),
    max: Math.max(...defined),
    n: defined.length,
    nUndefined,
  };
}

/** Layers per row of a non-empty rectangular matrix of finite numbers; throws otherwise. */
function checkMatrix(which: string, m: readonly (readonly number[])[]): number {
  if (m.length === 0) throw new Error(`UD: the ${which} run has no epochs`);
  const layers = m[0]!.length;
  if (layers === 0) throw new Error(`UD: the ${which} run has no layers in epoch 1`);
  m.forEach((row, t) => {
    if (row.length !== layers)
      throw new Error(
        `UD: the ${which} run has ${row.length} layers in epoch ${t + 1} but ${layers} in epoch 1`,
      );
    row.forEach((v, l) => {
      if (!Number.isFinite(v))
        throw new Error(
          `UD: the ${which} run's SAL in epoch ${t + 1}, layer ${l + 1} is ${v}, not a finite number`,
        );
    });
  });
  return layers;
}

function countTrue(m: boolean[][]): number {
  let k = 0;
  for (const row of m) for (const b of row) if (b) k++;
  return k;
}
