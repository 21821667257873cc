/**
 * The pure parts of a heatmap: cell rectangles in pixels, the colours of a matrix on a
 * scale, outline rectangles for marked cells, and the cell under a pointer. Plain typed
 * arrays in and out, no DOM, so Node tests cover them.
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
 * The colour (r, g, b in 0..1) of each cell of `values` (row-major, rows x cols) on `scale`
 * with viridis; NaN cells get {@link PENDING_RGB}. Values outside the scale are clamped to
 * its ends. Writes into `out` when it is large enough, else allocates.
 */
export function cellColors(
  values: Float32Array,
  scale: ColorScale,
  out?: Float32Array,
): Float32Array {
  const n = values.length * 3;
  const col = out && out.length >= n ? out : new Float32Array(n);
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (Number.isNaN(v)) col.set(PENDING_RGB, k * 3);
    else viridisInto(scaleT(scale, v), col, k * 3);
  }
  return col;
}

/** A CSS colour from r, g, b in 0..1 at `offset` of `rgb`. */
export function rgbCss(rgb: ArrayLike<number>, offset = 0): string {
  const b = (i: number) => Math.round(255 * Math.min(1, Math.max(0, rgb[offset + i]!)));
  return `rgb(${b(0)},${b(1)},${b(2)})`;
}

/** Ink of the learnable outline: a dark outer frame and a white inner frame, visible on any cell colour. */
export const OUTLINE_DARK: readonly [number, number, number] = [0.12, 0.16, 0.2];
export const OUTLINE_LIGHT: readonly [number, number, number] = [1, 1, 1];

/** One filled rectangle of an outline, in pixels, y down. */
export interface OutlineRect {
  x: number;
  y: number;
  w: number;
  h: number;
  ink: readonly [number, number, number];
}

/**
 * The outline of every marked cell (mask 1): a 2-px dark frame with a 1-px white frame
 * inside it, as 8 thin rectangles per cell (4 sides x 2 frames).
 */
export function outlineRects(g: GridLayout, mask: Uint8Array): OutlineRect[] {
  const out: OutlineRect[] = [];
  for (let k = 0; k < g.cols * g.rows; k++) {
    if (!mask[k]) continue;
    const [x0, y0, x1, y1] = cellRect(g, k % g.cols, Math.floor(k / g.cols));
    const frames: [number, number, readonly [number, number, number]][] = [
      [0, 2, OUTLINE_DARK],
      [2, 1, OUTLINE_LIGHT],
    ];
    for (const [inset, w, ink] of frames) {
      const a = x0 + inset;
      const b = x1 - inset;
      const c = y0 + inset;
      const d = y1 - inset;
      out.push(
        { x: a, y: c, w: b - a, h: w, ink },
        { x: a, y: d - w, w: b - a, h: w, ink },
        { x: a, y: c, w, h: d - c, ink },
        { x: b - w, y: c, w, h: d - c, ink },
      );
    }
  }
  return out;
}

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
