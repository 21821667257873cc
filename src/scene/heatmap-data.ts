/**
 * The pure parts of a heatmap: cell rectangles in pixels, the colour buffer of a matrix on a
 * scale, outline rectangles for marked cells, and the cell under a pointer. Plain typed
 * arrays in and out, no three.js, so Node tests cover them.
 */
import { scaleT, viridisInto, type ColorScale } from './colormap';

/** A grid of `cols` x `rows` cells filling a `width` x `height` pixel box (row 0 at the top). */
export interface GridLayout {
  cols: number;
  rows: number;
  width: number;
  height: number;
  /** Pixels between cells. */
  gap: number;
}

/** Colour of a cell without a value yet (NaN): a light grey. */
export const PENDING_RGB: readonly [number, number, number] = [0.925, 0.937, 0.953];

/** The pixel rectangle [x0, y0, x1, y1] of cell (col, row), y growing downwards. */
export function cellRect(
  g: GridLayout,
  col: number,
  row: number,
): [number, number, number, number] {
  const cw = g.width / g.cols;
  const ch = g.height / g.rows;
  const half = g.gap / 2;
  return [col * cw + half, row * ch + half, (col + 1) * cw - half, (row + 1) * ch - half];
}

/**
 * Vertex positions (x, y, 0) of two triangles per cell, cell k = row * cols + col, in pixels
 * with y up (three.js orthographic camera over [0, width] x [0, height]). Writes into `out`
 * when it is large enough (in-place updates), else allocates.
 */
export function cellPositions(g: GridLayout, out?: Float32Array): Float32Array {
  const n = g.cols * g.rows * 18;
  const pos = out && out.length >= n ? out : new Float32Array(n);
  for (let row = 0; row < g.rows; row++) {
    for (let col = 0; col < g.cols; col++) {
      const [x0, y0d, x1, y1d] = cellRect(g, col, row);
      writeQuad(pos, (row * g.cols + col) * 18, x0, g.height - y1d, x1, g.height - y0d);
    }
  }
  return pos;
}

/** Writes one axis-aligned quad (two triangles) with corners (x0, y0)-(x1, y1) at `o`. */
export function writeQuad(
  p: Float32Array,
  o: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
) {
  const v = [x0, y0, x1, y0, x1, y1, x0, y0, x1, y1, x0, y1];
  for (let i = 0; i < 6; i++) {
    p[o + i * 3] = v[i * 2]!;
    p[o + i * 3 + 1] = v[i * 2 + 1]!;
    p[o + i * 3 + 2] = 0;
  }
}

/**
 * Per-vertex colours (r, g, b, 6 vertices per cell) of `values` (row-major, rows x cols) on
 * `scale` with viridis; NaN cells get {@link PENDING_RGB}. Values outside the scale are
 * clamped to its ends.
 */
export function cellColors(
  values: Float32Array,
  scale: ColorScale,
  out?: Float32Array,
): Float32Array {
  const n = values.length * 18;
  const col = out && out.length >= n ? out : new Float32Array(n);
  const rgb = [0, 0, 0];
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (Number.isNaN(v)) {
      rgb[0] = PENDING_RGB[0];
      rgb[1] = PENDING_RGB[1];
      rgb[2] = PENDING_RGB[2];
    } else viridisInto(scaleT(scale, v), rgb);
    for (let i = 0; i < 6; i++) col.set(rgb, k * 18 + i * 3);
  }
  return col;
}

/** Ink of the learnable outline: a dark outer frame and a white inner frame, visible on any cell colour. */
export const OUTLINE_DARK: readonly [number, number, number] = [0.12, 0.16, 0.2];
export const OUTLINE_LIGHT: readonly [number, number, number] = [1, 1, 1];

/**
 * Positions and colours of the outline of every marked cell (mask 1): a 2-px dark frame
 * with a 1-px white frame inside it, as 8 thin quads per cell. Returns the vertex count used.
 */
export function outlineGeometry(
  g: GridLayout,
  mask: Uint8Array,
  pos: Float32Array,
  color: Float32Array,
): number {
  let q = 0;
  for (let k = 0; k < g.cols * g.rows; k++) {
    if (!mask[k]) continue;
    const [x0, y0d, x1, y1d] = cellRect(g, k % g.cols, Math.floor(k / g.cols));
    const y0 = g.height - y1d;
    const y1 = g.height - y0d;
    const frames: [number, readonly number[]][] = [
      [0, OUTLINE_DARK],
      [2, OUTLINE_LIGHT],
    ];
    for (const [inset, ink] of frames) {
      const w = inset === 0 ? 2 : 1;
      const a = x0 + inset;
      const b = x1 - inset;
      const c = y0 + inset;
      const d = y1 - inset;
      const quads = [
        [a, c, b, c + w],
        [a, d - w, b, d],
        [a, c, a + w, d],
        [b - w, c, b, d],
      ];
      for (const [qx0, qy0, qx1, qy1] of quads) {
        if ((q + 1) * 18 > pos.length) return q * 6;
        writeQuad(pos, q * 18, qx0!, qy0!, qx1!, qy1!);
        for (let i = 0; i < 6; i++) color.set(ink, q * 18 + i * 3);
        q++;
      }
    }
  }
  return q * 6;
}

/** The floats an outline buffer needs for a grid (8 quads per cell, 18 floats per quad). */
export const outlineCapacity = (cols: number, rows: number): number => cols * rows * 8 * 18;

/** The cell under pixel (x, y) (y down, relative to the grid box), or null outside any cell. */
export function cellAt(g: GridLayout, x: number, y: number): { col: number; row: number } | null {
  if (!(x >= 0 && y >= 0 && x < g.width && y < g.height)) return null;
  const col = Math.min(g.cols - 1, Math.floor((x / g.width) * g.cols));
  const row = Math.min(g.rows - 1, Math.floor((y / g.height) * g.rows));
  return { col, row };
}

/** Up to `count` round tick values covering [min, max] (for legends). */
export function niceTicks(min: number, max: number, count = 4): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}
