/**
 * Grids of loss surfaces: axes, the coarse-to-fine evaluation order, a filled preview of a
 * partly evaluated grid, and the CSV / JSON exports. Pure; shared by the worker, app and CLI.
 */
import type { SurfaceGrid } from './landscape-types';

/** `n` evenly spaced points on [-range, range]; 0 is one of them when n is odd. */
export function gridAxis(n: number, range: number): Float32Array {
  if (!Number.isInteger(n) || n < 1) throw new Error(`grid axis needs n >= 1, got ${n}`);
  if (n === 1) return new Float32Array([0]);
  const mid = (n - 1) / 2;
  // Computed from the centre outwards so the middle point is exactly 0 and the axis symmetric.
  return Float32Array.from({ length: n }, (_, i) => (range * (i - mid)) / mid);
}

/** A surface over `xs` by `ys` with nothing evaluated yet (NaN loss and accuracy). */
export function emptySurface(xs: Float32Array, ys: Float32Array): SurfaceGrid {
  const size = xs.length * ys.length;
  return {
    xs,
    ys,
    loss: new Float32Array(size).fill(NaN),
    acc: new Float32Array(size).fill(NaN),
    done: new Uint8Array(size),
  };
}

/** A deep copy (fresh buffers, safe to transfer to another thread). */
export function cloneSurface(s: SurfaceGrid): SurfaceGrid {
  return {
    xs: s.xs.slice(),
    ys: s.ys.slice(),
    loss: s.loss.slice(),
    acc: s.acc.slice(),
    done: s.done.slice(),
  };
}

/** Largest power-of-two stride (at most 8) leaving at least 4 intervals on an axis of n. */
function coarseStride(n: number): number {
  let s = 1;
  while (s < 8 && (n - 1) / (s * 2) >= 4) s *= 2;
  return s;
}

/**
 * Flat indices (j * nx + i) per refinement level: level 0 is a lattice anchored at the centre
 * point with a stride of up to 8, plus the first and last row and column so a preview spans the
 * whole range; each next level halves the stride; the last holds the rest. Every index appears
 * exactly once over all levels.
 */
export function coarseToFineLevels(nx: number, ny: number): number[][] {
  const stride = Math.min(coarseStride(nx), coarseStride(ny));
  const cx = Math.floor(nx / 2);
  const cy = Math.floor(ny / 2);
  const seen = new Uint8Array(nx * ny);
  const levels: number[][] = [];
  for (let s = stride; s >= 1; s = s / 2) {
    const onX = (i: number) => (i - cx) % s === 0 || (s === stride && (i === 0 || i === nx - 1));
    const onY = (j: number) => (j - cy) % s === 0 || (s === stride && (j === 0 || j === ny - 1));
    const level: number[] = [];
    for (let j = 0; j < ny; j++) {
      if (!onY(j)) continue;
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (onX(i) && !seen[k]) {
          seen[k] = 1;
          level.push(k);
        }
      }
    }
    if (level.length > 0) levels.push(level);
  }
  return levels;
}

/**
 * The loss with every point not evaluated yet taken from the nearest evaluated one (chessboard
 * distance, by a breadth-first sweep: linear in the grid size), for drawing a rough surface while
 * it sharpens. All NaN when nothing is evaluated.
 */
export function fillPreview(s: SurfaceGrid): Float32Array {
  const nx = s.xs.length;
  const ny = s.ys.length;
  const out = new Float32Array(nx * ny).fill(NaN);
  const queue = new Int32Array(nx * ny);
  const filled = new Uint8Array(nx * ny);
  let head = 0;
  let tail = 0;
  for (let k = 0; k < nx * ny; k++) {
    if (s.done[k]) {
      out[k] = s.loss[k]!;
      filled[k] = 1;
      queue[tail++] = k;
    }
  }
  while (head < tail) {
    const k = queue[head++]!;
    const i = k % nx;
    const j = (k - i) / nx;
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) {
        const ii = i + di;
        const jj = j + dj;
        if (ii < 0 || jj < 0 || ii >= nx || jj >= ny) continue;
        const kk = jj * nx + ii;
        if (filled[kk]) continue;
        filled[kk] = 1;
        out[kk] = out[k]!;
        queue[tail++] = kk;
      }
    }
  }
  return out;
}

/** Shortest text that reads back as the same float32 value; NaN (not evaluated) as null. */
function num(v: number): number | null {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? null : v;
  for (let p = 1; p < 9; p++) {
    const short = Number(v.toPrecision(p));
    if (Math.fround(short) === v) return short;
  }
  return Number(v.toPrecision(9));
}

/** CSV with header `a,b,loss,acc`, one row per point, row-major (b outer, a inner); empty cells for points not evaluated. */
export function surfaceToCsv(s: SurfaceGrid): string {
  const nx = s.xs.length;
  const lines = ['a,b,loss,acc'];
  s.ys.forEach((b, j) => {
    s.xs.forEach((a, i) => {
      const k = j * nx + i;
      const cell = (v: number) => String(num(v) ?? '');
      lines.push(`${cell(a)},${cell(b)},${cell(s.loss[k]!)},${cell(s.acc[k]!)}`);
    });
  });
  return `${lines.join('\n')}\n`;
}

/** The plain-object form of a surface written by the CLI and the app's JSON export. */
export interface SurfaceJson {
  xs: number[];
  ys: number[];
  /** Row-major, ys by xs; null where not evaluated. */
  loss: (number | null)[];
  acc: (number | null)[];
}

/** `{"xs":[...],"ys":[...],"loss":[...],"acc":[...]}`, loss/acc row-major ys by xs. */
export function surfaceToJson(s: SurfaceGrid): string {
  const plain: SurfaceJson = {
    xs: Array.from(s.xs, (v) => num(v)!),
    ys: Array.from(s.ys, (v) => num(v)!),
    loss: Array.from(s.loss, num),
    acc: Array.from(s.acc, num),
  };
  return JSON.stringify(plain);
}
