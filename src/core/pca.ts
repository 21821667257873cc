/**
 * The training-path plane (docs/science.md section 4): PCA of checkpoints theta_t - theta_T, as in
 * the reference's projection.setup_PCA_directions + project_trajectory (tomgoldstein/
 * loss-landscape).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { PathPlane } from './landscape-types';
import { flattenSnapshot, unflattenLike, zeroRunningStats } from './directions';
import { assertSameLayout, type WeightSnapshot } from './weights';

/** Eigenvalues below this fraction of the total variance count as zero (rank deficiency). */
const RANK_TOL = 1e-9;

/**
 * The two principal directions of a training path and each checkpoint's place on that plane.
 * Rows are theta_t - theta_T (T = the last checkpoint, which is kept as a zero row, as the
 * reference does when the final model is in its list). Like the reference (sklearn PCA) the rows
 * are centred for the decomposition, while the coordinates are plain projections of
 * theta_t - theta_T onto the unit directions (its 'cos' projection), so the final checkpoint
 * sits at (0, 0). Every weight tensor counts, biases included (the reference's default,
 * `--ignore ''`). With n checkpoints and P weights, the n x n Gram matrix is decomposed, not
 * P x P. A path of rank < 2 (fewer than 3 checkpoints, a straight line) gets a zero direction
 * and a zero explained ratio for each missing component. BatchNorm's running statistics are
 * left out (zero in both directions): the plane moves parameters only.
 */
export function trajectoryPlane(path: WeightSnapshot[]): {
  dirs: [WeightSnapshot, WeightSnapshot];
  plane: PathPlane;
} {
  const checkpoints = path.map(zeroRunningStats);
  const final = checkpoints[checkpoints.length - 1];
  if (!final) throw new Error('trajectoryPlane needs at least one checkpoint');
  checkpoints.forEach((c) => assertSameLayout(final, c));
  const n = checkpoints.length;
  const end = flattenSnapshot(final);
  const p = end.length;
  const rows = checkpoints.map((c) => {
    const v = flattenSnapshot(c);
    for (let e = 0; e < p; e++) v[e] = v[e]! - end[e]!;
    return v;
  });
  const mean = new Float64Array(p);
  for (const v of rows) for (let e = 0; e < p; e++) mean[e] = mean[e]! + v[e]! / n;
  const centred = rows.map((v) => v.map((x, e) => x - mean[e]!));
  const gram = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const a = centred[i]!;
      const b = centred[j]!;
      let s = 0;
      for (let e = 0; e < p; e++) s += a[e]! * b[e]!;
      gram.set(i, j, s);
      gram.set(j, i, s);
    }
  }
  const total = gram.trace();
  const evd = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const order = evd.realEigenvalues
    .map((value, index) => ({ value, index }))
    .sort((x, y) => y.value - x.value);
  const explained: [number, number] = [0, 0];
  const units: [Float64Array, Float64Array] = [new Float64Array(p), new Float64Array(p)];
  for (let k = 0; k < 2; k++) {
    const ev = order[k];
    if (!ev || !(total > 0) || ev.value <= RANK_TOL * total) continue;
    explained[k] = ev.value / total;
    // Principal axis = centred rows combined by the Gram eigenvector, over sqrt(lambda).
    const u = units[k]!;
    const w = evd.eigenvectorMatrix.getColumn(ev.index);
    for (let t = 0; t < n; t++) {
      const c = centred[t]!;
      const wt = w[t]! / Math.sqrt(ev.value);
      for (let e = 0; e < p; e++) u[e] = u[e]! + wt * c[e]!;
    }
    normalise(u);
  }
  const coords = units.map((u) => rows.map((v) => dot(v, u)));
  units.forEach((u, k) => {
    // An eigenvector's sign is arbitrary: fix it so the checkpoint farthest along the axis
    // has a positive coordinate, making the plane reproducible.
    const c = coords[k]!;
    const far = c.reduce((best, x, t) => (Math.abs(x) > Math.abs(c[best]!) ? t : best), 0);
    if ((c[far] ?? 0) < 0) {
      for (let e = 0; e < p; e++) u[e] = -u[e]!;
      for (let t = 0; t < n; t++) c[t] = 0 - c[t]!; // keeps the origin +0
    }
  });
  const [ca, cb] = coords as [number[], number[]];
  const offPlane = new Float32Array(
    rows.map((v, t) => {
      let s = 0;
      for (let e = 0; e < p; e++) {
        const r = v[e]! - ca[t]! * units[0][e]! - cb[t]! * units[1][e]!;
        s += r * r;
      }
      return Math.sqrt(s);
    }),
  );
  return {
    dirs: [unflattenLike(units[0], final), unflattenLike(units[1], final)],
    plane: {
      pathA: Float32Array.from(ca),
      pathB: Float32Array.from(cb),
      explained,
      offPlane,
    },
  };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let e = 0; e < a.length; e++) s += a[e]! * b[e]!;
  return s;
}

function normalise(u: Float64Array): void {
  const len = Math.sqrt(dot(u, u));
  if (len > 0) for (let e = 0; e < u.length; e++) u[e] = u[e]! / len;
}

/** `n` evenly spaced values from lo to hi inclusive (just lo when n is 1). */
function linspace(lo: number, hi: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) =>
    n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1),
  );
}

/**
 * Grid axes (`grid` points each) covering the path's coordinates, 0 included, widened by
 * `margin` times the span on both sides. An axis the path does not move along (a zero second
 * direction) borrows the other axis's half-width, and [-1, 1] is the fallback when neither moves.
 */
export function planeRange(
  plane: PathPlane,
  grid: number,
  margin = 0.2,
): { xs: Float32Array; ys: Float32Array } {
  if (!Number.isInteger(grid) || grid < 1) throw new Error(`grid must be a positive integer`);
  const bounds = (v: Float32Array) => {
    let lo = 0;
    let hi = 0;
    for (const x of v) {
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
    return [lo, hi] as const;
  };
  const [a0, a1] = bounds(plane.pathA);
  const [b0, b1] = bounds(plane.pathB);
  const fallback = Math.max(a1 - a0, b1 - b0) / 2 || 1;
  const axis = (lo: number, hi: number) => {
    const span = hi - lo;
    if (span === 0) return linspace(-fallback * (1 + margin), fallback * (1 + margin), grid);
    return linspace(lo - margin * span, hi + margin * span, grid);
  };
  return { xs: axis(a0, a1), ys: axis(b0, b1) };
}
