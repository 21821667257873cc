import { describe, expect, it } from 'vitest';
import {
  scaleT,
  VIRIDIS_STOPS,
  viridisCss,
  viridisGradient,
  viridisInto,
} from '../../src/scene/colormap';
import {
  amplification,
  maxAbs,
  stripPixels,
  stripSize,
  TILE_GAP,
} from '../../src/scene/gallery-pixels';
import {
  cellAt,
  cellColors,
  cellRect,
  niceTicks,
  OUTLINE_DARK,
  OUTLINE_LIGHT,
  outlineRects,
  PENDING_RGB,
  rgbCss,
  type GridLayout,
} from '../../src/scene/heatmap-data';
import {
  filterGrid,
  fmtTick,
  salCellText,
  salHeatmap,
  sharedSalScale,
} from '../../src/store/derived/heatmap-model';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';

const rgbAt = (buf: Float32Array, cell: number) => Array.from(buf.subarray(cell * 3, cell * 3 + 3));
const expectRgb = (got: number[], want: readonly number[]) =>
  want.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));

describe('viridis', () => {
  it('starts at #440154, ends at #fde725, passes #21918c in the middle', () => {
    expect(viridisCss(0)).toBe('#440154');
    expect(viridisCss(1)).toBe('#fde725');
    expect(viridisCss(0.5)).toBe('#21918c');
    expect(VIRIDIS_STOPS).toHaveLength(33);
  });

  it('clamps out-of-range and non-finite t, and gets lighter monotonically', () => {
    expect(viridisCss(-3)).toBe(viridisCss(0));
    expect(viridisCss(7)).toBe(viridisCss(1));
    expect(viridisCss(Number.NaN)).toBe(viridisCss(0));
    const lum: number[] = [];
    const c = [0, 0, 0];
    for (let k = 0; k <= 20; k++) {
      viridisInto(k / 20, c);
      lum.push(0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!);
    }
    for (let k = 1; k < lum.length; k++) expect(lum[k]!).toBeGreaterThan(lum[k - 1]!);
    expect(viridisGradient()).toMatch(
      /^linear-gradient\(to right, #440154 0\.0%, .* #fde725 100\.0%\)$/,
    );
  });
});

describe('heatmap colour buffer', () => {
  it('colours each cell from the matrix on the scale, NaN as pending', () => {
    const values = Float32Array.from([0, 0.05, 0.1, Number.NaN]);
    const buf = cellColors(values, { min: 0, max: 0.1 });
    expect(buf).toHaveLength(4 * 3);
    const c0 = [0, 0, 0];
    viridisInto(0, c0);
    expectRgb(rgbAt(buf, 0), c0);
    const c1 = [0, 0, 0];
    viridisInto(0.5, c1);
    expectRgb(rgbAt(buf, 1), c1);
    expectRgb(rgbAt(buf, 3), PENDING_RGB);
    expect(rgbCss(buf, 0)).toBe('rgb(68,1,84)'); // viridis(0) = #440154
  });

  it('clamps values beyond the scale and writes into a given buffer in place', () => {
    const out = new Float32Array(2 * 3);
    const buf = cellColors(Float32Array.from([-1, 5]), { min: 0, max: 1 }, out);
    expect(buf).toBe(out);
    const hi = [0, 0, 0];
    viridisInto(1, hi);
    expectRgb(rgbAt(buf, 1), hi);
    expect(scaleT({ min: 0, max: 0 }, 3)).toBe(0);
    expect(rgbCss([2, -1, 0.5])).toBe('rgb(255,0,128)');
  });

  it('lays cells out row 0 on top with the gap between them', () => {
    const g: GridLayout = { cols: 2, rows: 2, width: 100, height: 50, gap: 2 };
    expect(cellRect(g, 0, 0)).toEqual([1, 1, 49, 24]);
    expect(cellRect(g, 1, 0)).toEqual([51, 1, 99, 24]);
    expect(cellRect(g, 0, 1)).toEqual([1, 26, 49, 49]);
  });

  it('outlines only the marked cells: a dark 2-px frame and a white 1-px frame inside', () => {
    const g: GridLayout = { cols: 3, rows: 2, width: 90, height: 40, gap: 2 };
    const rects = outlineRects(g, Uint8Array.from([0, 1, 0, 0, 0, 1]));
    expect(rects).toHaveLength(2 * 8);
    // Every rectangle of the first marked cell lies inside that cell.
    const [x0, y0, x1, y1] = cellRect(g, 1, 0);
    for (const r of rects.slice(0, 8)) {
      expect(r.x).toBeGreaterThanOrEqual(x0);
      expect(r.y).toBeGreaterThanOrEqual(y0);
      expect(r.x + r.w).toBeLessThanOrEqual(x1 + 1e-9);
      expect(r.y + r.h).toBeLessThanOrEqual(y1 + 1e-9);
    }
    const dark = rects.slice(0, 8).filter((r) => r.ink === OUTLINE_DARK);
    const light = rects.slice(0, 8).filter((r) => r.ink === OUTLINE_LIGHT);
    expect(dark).toHaveLength(4);
    expect(light).toHaveLength(4);
    // The top side of the dark frame starts at the cell corner and is 2 px thick.
    expect(dark[0]).toMatchObject({ x: x0, y: y0, w: x1 - x0, h: 2 });
    expect(light[0]).toMatchObject({ x: x0 + 2, y: y0 + 2, w: x1 - x0 - 4, h: 1 });
    expect(outlineRects(g, new Uint8Array(6))).toEqual([]);
  });

  it('finds the cell under a pointer and nothing outside the grid', () => {
    const g: GridLayout = { cols: 4, rows: 3, width: 200, height: 60, gap: 2 };
    expect(cellAt(g, 0, 0)).toEqual({ col: 0, row: 0 });
    expect(cellAt(g, 199.9, 59.9)).toEqual({ col: 3, row: 2 });
    expect(cellAt(g, 120, 30)).toEqual({ col: 2, row: 1 });
    expect(cellAt(g, 200, 10)).toBeNull();
    expect(cellAt(g, -1, 10)).toBeNull();
  });

  it('chooses round legend ticks', () => {
    expect(niceTicks(0, 0.1, 4)).toEqual([0, 0.025, 0.05, 0.075, 0.1]);
    expect(niceTicks(0, 0.13, 4)).toEqual([0, 0.05, 0.1]);
    expect(niceTicks(0, 0, 4)).toEqual([0]);
    expect(fmtTick(0.05)).toBe('0.05');
  });
});

describe('heatmap model (store side)', () => {
  const series = {
    layers: ['conv1', 'dense1'],
    epochs: [1, 2],
    values: [
      [0.2, 0.01],
      [0.3, 0.02],
    ],
    up: [
      [0.2, 0.01],
      [0.3, 0.02],
    ],
    down: [
      [0.1, 0.005],
      [0.1, 0.01],
    ],
    l0: [1, 0.8],
    seconds: [1, 1],
  };

  it('puts layers in rows and planned epochs in columns, pending as NaN, marks SAL > beta', () => {
    const m = salHeatmap(series, 3, 0.1);
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.values.slice(0, 3)).map((v) => Math.round(v * 100) / 100)).toEqual([
      0.2,
      0.3,
      Number.NaN,
    ]);
    expect(Array.from(m.mask)).toEqual([1, 1, 0, 0, 0, 0]);
    expect(m.epochs).toEqual([1, 2, 3]);
    expect(Array.from(salHeatmap(series, 2, null).mask)).toEqual([0, 0, 0, 0]);
  });

  it('shares one scale from 0 to the largest value of both runs', () => {
    expect(sharedSalScale([series, null])).toEqual({ min: 0, max: 0.3 });
    expect(sharedSalScale([null])).toEqual({ min: 0, max: 1e-3 });
  });

  it('writes the hover text with the value, its parts and the settings', () => {
    const text = salCellText(series, { ...APP_SAL_DEFAULTS }, 0, 2, 0.1);
    expect(text).toBe(
      'SAL 0.300 (up 0.300, down 0.100), eps 0.05, 3 rounds, 256 images, lr 0.1, batch 128, layer conv1, epoch 2 — above beta 0.100: learnable',
    );
    expect(salCellText(series, { ...APP_SAL_DEFAULTS }, 1, 3, 0.1)).toMatch(/not measured yet/);
  });

  it('lays filters out 16 to a row', () => {
    const filters = Array.from({ length: 20 }, (_, i) => ({ index: i, sal: i, up: i, down: 0 }));
    const g = filterGrid(filters);
    expect([g.cols, g.rows]).toEqual([16, 2]);
    expect(g.values[19]).toBe(19);
    expect(Number.isNaN(g.values[20]!)).toBe(true);
  });
});

describe('gallery pixels', () => {
  const g = {
    original: Uint8Array.from([0, 255, 100, 200]),
    poisoned: Uint8Array.from([25, 230, 100, 200]),
    perturbation: Float32Array.from([0.1, -0.1, 0, 0]),
    count: 2,
    height: 1,
    width: 2,
    channels: 1,
  };

  it('amplifies by a round factor that keeps grey ± change inside [0, 1]', () => {
    expect(amplification(0.1)).toBe(5);
    expect(amplification(0.3)).toBe(1);
    expect(amplification(0.01)).toBe(50);
    expect(amplification(0.03)).toBe(10);
    expect(amplification(1)).toBe(0.5);
    expect(amplification(0)).toBe(1);
    expect(maxAbs(g.perturbation)).toBeCloseTo(0.1);
  });

  it('draws original, perturbation (grey = 0, negative darker) and poisoned rows', () => {
    const { width, height } = stripSize(g);
    expect([width, height]).toEqual([2 * 2 + TILE_GAP, 3 + 2 * TILE_GAP]);
    const px = stripPixels(g, 5);
    const at = (x: number, y: number) => px[(y * width + x) * 4]!;
    expect(at(0, 0)).toBe(0);
    expect(at(1, 0)).toBe(255);
    const pert = 1 + TILE_GAP;
    expect(at(0, pert)).toBe(255); // 0.5 + 5 * 0.1 = 1
    expect(at(1, pert)).toBe(0); // 0.5 - 0.5
    expect(at(2 + TILE_GAP, pert)).toBe(128); // no change: grey
    expect(at(0, 2 * pert)).toBe(25);
    expect(px[(0 * width + 2) * 4 + 3]).toBe(0); // the gap stays transparent
  });
});
