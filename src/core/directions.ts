/**
 * Filter-normalised random directions in weight space (Li et al. 2018, docs/science.md section 4)
 * and plain weight-vector arithmetic on snapshots. No tensors: runs anywhere, tested in Node.
 */
import { Rng, deriveSeed } from './rng';
import { assertSameLayout, type WeightSnapshot } from './weights';
import { isRunningStat } from './model-spec';

/** Options of a random direction. */
export interface DirectionOptions {
  /**
   * Give rank <= 1 tensors (biases) a direction too. Off (default) = zero there, the
   * reference's "ignore biasbn".
   */
  includeBiases: boolean;
}

/** Added to a direction filter's norm before dividing, as in the reference (net_plotter.py). */
const NORM_EPS = 1e-10;

/**
 * Euclidean norms of the filters of a flat row-major tensor whose LAST axis has `out` entries:
 * filter f holds the elements e with e % out === f (TF.js kernels are [kh, kw, in, out] and
 * [in, out], so one output unit is a last-axis slice, not a first-axis one as in PyTorch).
 */
export function lastAxisFilterNorms(data: Float32Array, out: number): Float64Array {
  const sq = new Float64Array(out);
  for (let e = 0; e < data.length; e++) {
    const v = data[e]!;
    const f = e % out;
    sq[f] = sq[f]! + v * v;
  }
  for (let f = 0; f < out; f++) sq[f] = Math.sqrt(sq[f]!);
  return sq;
}

/**
 * A Gaussian direction with the layout of `weights`, each filter rescaled to the Frobenius norm
 * of the matching weight filter (a zero weight filter gets a zero direction filter).
 * The raw draw of a tensor comes from its own stream, seeded by `seed` and the tensor's name,
 * so it depends only on the seed, names and shapes: two models of one architecture get the
 * same draw, each normalised against its own weights.
 * Rank <= 1 tensors: zero by default; with `includeBiases` the direction is a copy of the
 * weights themselves, as the reference does (net_plotter.normalize_directions_for_weights:
 * `d.copy_(w)`), rather than a rescaled random draw. BatchNorm's running mean and variance
 * are always zero: state, not parameters (a moved variance can even turn negative).
 */
export function filterNormalisedDirection(
  weights: WeightSnapshot,
  seed: number,
  opts: DirectionOptions,
): WeightSnapshot {
  const data = weights.data.map((w, i) => {
    const shape = weights.shapes[i] ?? [];
    const name = weights.names[i] ?? String(i);
    if (isRunningStat(name)) return new Float32Array(w.length);
    if (shape.length <= 1) return opts.includeBiases ? w.slice() : new Float32Array(w.length);
    const d = new Rng(deriveSeed(seed, `direction/${name}`)).fillNormal(new Float32Array(w.length));
    const out = shape[shape.length - 1]!;
    const wn = lastAxisFilterNorms(w, out);
    const dn = lastAxisFilterNorms(d, out);
    const scale = new Float64Array(out);
    for (let f = 0; f < out; f++) scale[f] = wn[f]! / (dn[f]! + NORM_EPS);
    for (let e = 0; e < d.length; e++) d[e] = d[e]! * scale[e % out]!;
    return d;
  });
  return { names: [...weights.names], shapes: weights.shapes.map((s) => [...s]), data };
}

/**
 * The two directions of a surface: independent draws from the seeds derived as 'd1' and 'd2'.
 * Same (seed, architecture) -> same raw draws for every model.
 */
export function directionPair(
  weights: WeightSnapshot,
  seed: number,
  opts: DirectionOptions,
): [WeightSnapshot, WeightSnapshot] {
  return [
    filterNormalisedDirection(weights, deriveSeed(seed, 'd1'), opts),
    filterNormalisedDirection(weights, deriveSeed(seed, 'd2'), opts),
  ];
}

/**
 * `s` with BatchNorm's running statistics set to zero (the same object when it has none), so
 * weight-space geometry built from differences (the training-path PCA) never moves them.
 */
export function zeroRunningStats(s: WeightSnapshot): WeightSnapshot {
  if (!s.names.some(isRunningStat)) return s;
  return {
    names: [...s.names],
    shapes: s.shapes.map((sh) => [...sh]),
    data: s.data.map((d, i) => (isRunningStat(s.names[i]!) ? new Float32Array(d.length) : d)),
  };
}

/** Element-wise combination of two snapshots of one layout. */
function combine(
  a: WeightSnapshot,
  b: WeightSnapshot,
  f: (x: number, y: number) => number,
): WeightSnapshot {
  assertSameLayout(a, b);
  return {
    names: [...a.names],
    shapes: a.shapes.map((s) => [...s]),
    data: a.data.map((da, i) => {
      const db = b.data[i]!;
      const out = new Float32Array(da.length);
      for (let e = 0; e < da.length; e++) out[e] = f(da[e]!, db[e]!);
      return out;
    }),
  };
}

/** b - a, per weight (the direction from a to b). */
export function differenceSnapshot(a: WeightSnapshot, b: WeightSnapshot): WeightSnapshot {
  return combine(a, b, (x, y) => y - x);
}

/** a + s * d, per weight. */
export function axpySnapshot(a: WeightSnapshot, s: number, d: WeightSnapshot): WeightSnapshot {
  return combine(a, d, (x, y) => x + s * y);
}

/** A snapshot of the same layout filled with zeros. */
export function zerosLike(s: WeightSnapshot): WeightSnapshot {
  return {
    names: [...s.names],
    shapes: s.shapes.map((sh) => [...sh]),
    data: s.data.map((d) => new Float32Array(d.length)),
  };
}

/** Dot product of two snapshots seen as flat vectors (float64 accumulation). */
export function dotSnapshot(a: WeightSnapshot, b: WeightSnapshot): number {
  assertSameLayout(a, b);
  let s = 0;
  a.data.forEach((da, i) => {
    const db = b.data[i]!;
    for (let e = 0; e < da.length; e++) s += da[e]! * db[e]!;
  });
  return s;
}

/** Euclidean norm of a snapshot seen as one flat vector. */
export function normSnapshot(a: WeightSnapshot): number {
  return Math.sqrt(dotSnapshot(a, a));
}

/** All weights concatenated in snapshot order (float64, for accurate linear algebra). */
export function flattenSnapshot(s: WeightSnapshot): Float64Array {
  const out = new Float64Array(s.data.reduce((n, d) => n + d.length, 0));
  let o = 0;
  for (const d of s.data) {
    out.set(d, o);
    o += d.length;
  }
  return out;
}

/** The inverse of flattenSnapshot: a flat vector cut into the layout of `like`. */
export function unflattenLike(v: ArrayLike<number>, like: WeightSnapshot): WeightSnapshot {
  let o = 0;
  const data = like.data.map((d) => {
    const out = new Float32Array(d.length);
    for (let e = 0; e < d.length; e++) out[e] = v[o + e]!;
    o += d.length;
    return out;
  });
  if (o !== v.length) throw new Error(`vector has ${v.length} entries, the layout ${o}`);
  return { names: [...like.names], shapes: like.shapes.map((s) => [...s]), data };
}
