/**
 * A heatmap drawn with the Canvas 2D API: one filled rectangle per cell and thin rectangles
 * for the outlines, in CSS pixels scaled by the device pixel ratio. It redraws on demand
 * (after data or size changes), never in a loop.
 *
 * Why not three.js (as the rest of scene/ is): a page holds up to a dozen heatmaps (SAL per
 * run, per-filter drill-down, cross-task), and every WebGL canvas is its own context. On a
 * software GPU each new context costs 100-500 ms of main-thread wait (measured in a
 * Chromium trace of a demo link), and Chromium drops the oldest context past 16, which
 * would blank the 3D landscape. A few hundred flat rectangles need no GPU.
 */
import { context2d, fitCanvas } from './canvas-2d';
import type { ColorScale } from './colormap';
import { cellColors, cellRect, outlineRects, rgbCss, type GridLayout } from './heatmap-data';

/** What a heatmap shows: a rows x cols matrix (row-major, NaN = no value yet) and marks. */
export interface HeatmapInput {
  cols: number;
  rows: number;
  values: Float32Array;
  /** 1 where the cell gets the learnable outline; rows * cols entries. */
  mask: Uint8Array;
  scale: ColorScale;
}

/** Pixels between cells. */
const GAP = 2;

export class HeatmapCanvas {
  private readonly ctx: CanvasRenderingContext2D;
  private input: HeatmapInput | null = null;
  private colors: Float32Array = new Float32Array(0);
  private width = 1;
  private height = 1;

  /** Throws when the canvas has no 2D context; callers show a message instead. */
  constructor(private readonly canvas: HTMLCanvasElement) {
    this.ctx = context2d(canvas);
  }

  /** The current grid in pixels. */
  layout(): GridLayout | null {
    const d = this.input;
    return d
      ? { cols: d.cols, rows: d.rows, width: this.width, height: this.height, gap: GAP }
      : null;
  }

  /** Shows new data and draws. */
  setData(input: HeatmapInput): void {
    this.input = input;
    this.colors = cellColors(input.values, input.scale, this.colors);
    this.render();
  }

  /** Follows the canvas's CSS size (pixels) and draws. */
  resize(width: number, height: number): void {
    if (Math.floor(width) === this.width && Math.floor(height) === this.height) return;
    const { w, h } = fitCanvas(this.canvas, width, height);
    this.width = w;
    this.height = h;
    this.render();
  }

  /** Draws one frame. */
  render(): void {
    const g = this.layout();
    if (!g) return;
    const ctx = this.ctx;
    const ratio = this.canvas.width / this.width;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    for (let row = 0; row < g.rows; row++) {
      for (let col = 0; col < g.cols; col++) {
        const [x0, y0, x1, y1] = cellRect(g, col, row);
        ctx.fillStyle = rgbCss(this.colors, (row * g.cols + col) * 3);
        ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
      }
    }
    for (const r of outlineRects(g, this.input!.mask)) {
      ctx.fillStyle = rgbCss(r.ink);
      ctx.fillRect(r.x, r.y, r.w, r.h);
    }
  }

  /** Nothing to free: a 2D canvas goes with its element. */
  dispose(): void {
    this.input = null;
  }
}
