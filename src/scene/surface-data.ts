/**
 * Plain-array geometry of a loss surface: the value transform (linear or log), a shared
 * colour domain, the mesh (positions, colours, triangle indices) and contour lines from
 * d3-contour's marching squares. No three.js and no DOM here, so it is tested in Node.
 */
import { contours } from 'd3-contour';
import { viridisInto } from './colormap';

/** The value drawn for a loss: log10 on a log scale (losses are positive). */
export function transformValue(v: number, log: boolean): number {
  return log ? Math.log10(Math.max(v, 1e-6)) : v;
}

/** [min, max] of the finite transformed values of several grids (a shared colour scale). */
export function sharedDomain(grids: readonly Float32Array[], log: boolean): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const g of grids)
    for (const v of g) {
      if (!Number.isFinite(v)) continue;
      const t = transformValue(v, log);
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  if (!Number.isFinite(lo)) return [0, 1];
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** Evenly spaced contour levels strictly inside the domain. */
export function contourLevels(domain: readonly [number, number], count: number): number[] {
  const [lo, hi] = domain;
  return Array.from({ length: count }, (_, k) => lo + ((k + 1) * (hi - lo)) / (count + 1));
}

/** A surface ready to draw: axes, transformed values (no NaN) and the colour domain. */
export interface SurfaceDrawInput {
  xs: Float32Array;
  ys: Float32Array;
  /** Row-major ys by xs, already transformed (see `transformValue`), finite. */
  values: Float32Array;
  domain: [number, number];
}

/** Height of the surface box relative to its width. */
export const HEIGHT_RATIO = 0.6;

/**
 * Mesh of the surface in a unit box: x = a and z = b mapped to [-0.5, 0.5], y = value mapped
 * to [0, HEIGHT_RATIO]. Colours are viridis of the value on the shared domain.
 */
export function surfaceMesh(s: SurfaceDrawInput): {
  positions: Float32Array;
  colors: Float32Array;
  indices: Uint32Array;
} {
  const nx = s.xs.length;
  const ny = s.ys.length;
  const positions = new Float32Array(nx * ny * 3);
  const colors = new Float32Array(nx * ny * 3);
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const p = toBox(s, i, j, s.values[k]!);
      positions.set(p, k * 3);
      viridisInto(unit(s.domain, s.values[k]!), colors, k * 3);
    }
  const indices = new Uint32Array((nx - 1) * (ny - 1) * 6);
  let o = 0;
  for (let j = 0; j < ny - 1; j++)
    for (let i = 0; i < nx - 1; i++) {
      const a = j * nx + i;
      const b = a + 1;
      const c = a + nx;
      const d = c + 1;
      indices.set([a, c, b, b, c, d], o);
      o += 6;
    }
  return { positions, colors, indices };
}

/** t in [0, 1] of a value on a domain. */
export function unit(domain: readonly [number, number], v: number): number {
  const span = domain[1] - domain[0];
  return span > 0 ? Math.min(1, Math.max(0, (v - domain[0]) / span)) : 0;
}

/** Box coordinates of grid point (i, j) (fractional allowed) at value v. */
export function toBox(
  s: SurfaceDrawInput,
  i: number,
  j: number,
  v: number,
): [number, number, number] {
  const nx = s.xs.length;
  const ny = s.ys.length;
  return [
    nx > 1 ? i / (nx - 1) - 0.5 : 0,
    unit(s.domain, v) * HEIGHT_RATIO,
    ny > 1 ? 0.5 - j / (ny - 1) : 0,
  ];
}

/**
 * Contour lines as segments in fractional grid coordinates: [i0, j0, i1, j1, ...] per level.
 * d3-contour traces the boundary of the region above each level; the edges it adds along the
 * grid's border are not contour lines and are dropped.
 */
export function contourSegments(
  values: Float32Array,
  nx: number,
  ny: number,
  levels: readonly number[],
): { level: number; segments: Float32Array }[] {
  const gen = contours()
    .size([nx, ny])
    .thresholds([...levels]);
  return gen(Array.from(values)).map((mp) => {
    const out: number[] = [];
    // d3-contour puts the value of point i at coordinate i + 0.5.
    const gi = (c: number) => Math.min(nx - 1, Math.max(0, c - 0.5));
    const gj = (c: number) => Math.min(ny - 1, Math.max(0, c - 0.5));
    const onBorder = (x: number, y: number) =>
      x <= 0.5 || x >= nx - 0.5 || y <= 0.5 || y >= ny - 0.5;
    for (const polygon of mp.coordinates)
      for (const ring of polygon)
        for (let k = 0; k + 1 < ring.length; k++) {
          const [x0, y0] = ring[k]!;
          const [x1, y1] = ring[k + 1]!;
          if (onBorder(x0!, y0!) && onBorder(x1!, y1!)) continue;
          out.push(gi(x0!), gj(y0!), gi(x1!), gj(y1!));
        }
    return { level: mp.value, segments: Float32Array.from(out) };
  });
}

/** Value at fractional grid coordinates by bilinear interpolation (for markers and paths). */
export function sampleGrid(
  values: Float32Array,
  nx: number,
  ny: number,
  i: number,
  j: number,
): number {
  const ci = Math.min(nx - 1, Math.max(0, i));
  const cj = Math.min(ny - 1, Math.max(0, j));
  const i0 = Math.min(nx - 2, Math.floor(ci));
  const j0 = Math.min(ny - 2, Math.floor(cj));
  if (nx < 2 || ny < 2) return values[0] ?? 0;
  const fi = ci - i0;
  const fj = cj - j0;
  const v = (a: number, b: number) => values[b * nx + a]!;
  return (
    v(i0, j0) * (1 - fi) * (1 - fj) +
    v(i0 + 1, j0) * fi * (1 - fj) +
    v(i0, j0 + 1) * (1 - fi) * fj +
    v(i0 + 1, j0 + 1) * fi * fj
  );
}

/** Fractional grid index of coordinate `a` on an increasing axis. */
export function axisIndex(axis: Float32Array, a: number): number {
  const n = axis.length;
  if (n < 2) return 0;
  const step = (axis[n - 1]! - axis[0]!) / (n - 1);
  return step !== 0 ? (a - axis[0]!) / step : 0;
}
