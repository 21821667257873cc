/** What the landscape tabs draw (store/derived/landscape-view.ts). */
import { describe, expect, it } from 'vitest';
import { LANDSCAPE_VIEWS, type SurfaceGrid } from '../../src/core/landscape-types';
import { emptySurface, gridAxis } from '../../src/core/surface-grid';
import type { LandscapeResult } from '../../src/workers/protocol';
import {
  evaluatedShare,
  jobsForView,
  LEVELS,
  pathOnGrid,
  sharedScale,
  surfaceDifference,
  surfacePanel,
  untransform,
} from '../../src/store/derived/landscape-view';
import { job, surface, surfaceResult } from './helpers/landscape-fixture';

describe('surfacePanel', () => {
  const withResult = (result: LandscapeResult | null, centre = { loss: 1, acc: 0.9 }) =>
    job({ status: 'running', result, centre });

  it('is null before the first result, for interpolations and for an all-NaN grid', () => {
    expect(surfacePanel(undefined, false)).toBeNull();
    expect(surfacePanel(job(), false)).toBeNull();
    const curve = {
      alphas: Float32Array.of(0, 1),
      loss: Float32Array.of(1, 2),
      acc: Float32Array.of(1, 1),
    };
    expect(surfacePanel(withResult({ kind: 'interpolation', curve }), false)).toBeNull();
    const empty = emptySurface(gridAxis(5, 1), gridAxis(5, 1));
    expect(surfacePanel(withResult(surfaceResult(empty)), false)).toBeNull();
  });

  it('fills a partial grid without NaN, keeps evaluated points and reports the share done', () => {
    const g = surface(5, 1, (a, b) => 1 + a + 2 * b);
    const done = new Set([0, 2, 4, 10, 12, 14, 20, 22, 24]); // every other row and column
    for (let k = 0; k < 25; k++)
      if (!done.has(k)) {
        g.loss[k] = NaN;
        g.done[k] = 0;
      }
    const p = surfacePanel(withResult(surfaceResult(g)), false)!;
    expect(p).not.toBeNull();
    expect(p.loss.every(Number.isFinite)).toBe(true);
    for (const k of done) expect(p.loss[k]).toBe(g.loss[k]);
    // Every filled value is one of the evaluated ones (taken from a neighbour).
    const known = new Set([...done].map((k) => g.loss[k]));
    for (const v of p.loss) expect(known.has(v)).toBe(true);
    expect(p.fraction).toBeCloseTo(9 / 25, 12);
    expect(evaluatedShare(g)).toBeCloseTo(9 / 25, 12);
    expect(Array.from(p.values)).toEqual(Array.from(p.loss));
    expect(p.marker.i).toBeCloseTo(2, 6);
    expect(p.marker.j).toBeCloseTo(2, 6);
    expect(p.centre).toEqual({ loss: 1, acc: 0.9 });
  });

  it('transforms values with log10 on a log scale, keeping loss in loss units', () => {
    const g = surface(3, 1, (a) => 10 ** (a + 1)); // 1, 10, 100 along a
    const p = surfacePanel(withResult(surfaceResult(g)), true)!;
    expect(p.loss[2]).toBeCloseTo(100, 3);
    expect(p.values[0]).toBeCloseTo(0, 5);
    expect(p.values[1]).toBeCloseTo(1, 5);
    expect(p.values[2]).toBeCloseTo(2, 5);
    expect(untransform(p.values[2]!, true)).toBeCloseTo(100, 3);
    expect(untransform(3, false)).toBe(3);
  });

  it('draws the surface of a path result with the marker at the origin of its (asymmetric) axes', () => {
    const g = surface(5, 1, () => 1);
    g.xs = Float32Array.of(-3, -2, -1, 0, 1);
    const plane = {
      pathA: Float32Array.of(-2.5, -1, 0),
      pathB: Float32Array.of(0.5, -0.5, 0),
      explained: [0.8, 0.15] as [number, number],
      offPlane: new Float32Array(3),
    };
    const p = surfacePanel(withResult({ kind: 'path', surface: g, plane }), false)!;
    expect(p.marker.i).toBeCloseTo(3, 6);
    expect(p.marker.j).toBeCloseTo(2, 6);
  });
});

describe('sharedScale and surfaceDifference', () => {
  const panel = (s: SurfaceGrid) =>
    surfacePanel(job({ status: 'done', result: surfaceResult(s), fraction: 1 }), false);
  const clean = panel(surface(5, 1, (a, b) => 1 + a * a + b * b))!; // 1 .. 3
  const poisoned = panel(surface(5, 1, (a, b) => 2 + a + b * b))!; // 1 .. 4

  it('one domain and one set of levels covers both panels', () => {
    const { domain, levels } = sharedScale([clean, poisoned, null], false);
    expect(domain[0]).toBeCloseTo(1, 6);
    expect(domain[1]).toBeCloseTo(4, 6);
    expect(levels).toHaveLength(LEVELS);
    for (let k = 0; k < levels.length; k++) {
      expect(levels[k]!).toBeGreaterThan(domain[0]);
      expect(levels[k]!).toBeLessThan(domain[1]);
      if (k > 0) expect(levels[k]!).toBeGreaterThan(levels[k - 1]!);
    }
    const alone = sharedScale([clean], false).domain;
    expect(alone[1]).toBeCloseTo(3, 6);
    const log = sharedScale([clean, poisoned], true).domain;
    expect(log[0]).toBeCloseTo(0, 6);
    expect(log[1]).toBeCloseTo(Math.log10(4), 6);
  });

  it('difference is poisoned - clean per point with the largest magnitude as scale', () => {
    const d = surfaceDifference(clean, poisoned)!;
    expect(d).not.toBeNull();
    let maxAbs = 0;
    for (let k = 0; k < 25; k++) {
      const want = poisoned.loss[k]! - clean.loss[k]!;
      expect(d.values[k]).toBeCloseTo(want, 6);
      maxAbs = Math.max(maxAbs, Math.abs(want));
    }
    expect(d.maxAbs).toBeCloseTo(maxAbs, 6);
    expect(maxAbs).toBeGreaterThan(0);
  });

  it('an identical pair has zero difference on a unit scale (no division by zero)', () => {
    const d = surfaceDifference(clean, clean)!;
    expect(d.values.every((v) => v === 0)).toBe(true);
    expect(d.maxAbs).toBe(1);
  });

  it('is null without both panels or when the axes differ', () => {
    expect(surfaceDifference(clean, null)).toBeNull();
    expect(surfaceDifference(null, poisoned)).toBeNull();
    const wider = panel(surface(5, 2, () => 1))!;
    expect(surfaceDifference(clean, wider)).toBeNull();
    const finer = panel(surface(7, 1, () => 1))!;
    expect(surfaceDifference(clean, finer)).toBeNull();
  });
});

describe('pathOnGrid', () => {
  it('maps the path to fractional grid coordinates of its plane surface', () => {
    const g = surface(5, 1, () => 1);
    g.xs = Float32Array.of(-4, -3, -2, -1, 0);
    g.ys = Float32Array.of(-1, -0.5, 0, 0.5, 1);
    const plane = {
      pathA: Float32Array.of(-4, -2.5, 0),
      pathB: Float32Array.of(1, -0.25, 0),
      explained: [0.7, 0.2] as [number, number],
      offPlane: new Float32Array(3),
    };
    const p = pathOnGrid(job({ result: { kind: 'path', surface: g, plane } }))!;
    expect(Array.from(p.i)).toEqual([0, 1.5, 4]);
    expect(Array.from(p.j)).toEqual([4, 1.5, 2]);
  });

  it('is null for no job and for other kinds', () => {
    expect(pathOnGrid(undefined)).toBeNull();
    expect(pathOnGrid(job({ result: surfaceResult(surface(3, 1, () => 1)) }))).toBeNull();
  });
});

describe('jobsForView', () => {
  const clean = { id: 'c', label: 'Clean' };
  const poisoned = { id: 'p', label: 'Random' };

  it('surface, contour and difference need one surface per run', () => {
    for (const view of ['surface', 'contour', 'difference'] as const) {
      expect(jobsForView(view, clean, poisoned)).toEqual([
        { kind: 'surface', source: 'c', target: null, role: 'Clean surface' },
        { kind: 'surface', source: 'p', target: null, role: 'Random surface' },
      ]);
      expect(jobsForView(view, clean, null)).toEqual([
        { kind: 'surface', source: 'c', target: null, role: 'Clean surface' },
      ]);
    }
  });

  it('interpolation needs clean -> poisoned and each run from init to final', () => {
    expect(jobsForView('interpolation', clean, poisoned)).toEqual([
      { kind: 'interpolation', source: 'c', target: 'p', role: 'Clean → Random' },
      { kind: 'interpolation', source: 'c', target: null, role: 'Clean: initial → final' },
      { kind: 'interpolation', source: 'p', target: null, role: 'Random: initial → final' },
    ]);
    expect(jobsForView('interpolation', clean, null)).toEqual([
      { kind: 'interpolation', source: 'c', target: null, role: 'Clean: initial → final' },
    ]);
  });

  it('path needs one path plane per run', () => {
    expect(jobsForView('path', clean, poisoned).map((j) => [j.kind, j.source, j.target])).toEqual([
      ['path', 'c', null],
      ['path', 'p', null],
    ]);
    expect(jobsForView('path', clean, null)).toHaveLength(1);
  });

  it('covers every view', () => {
    for (const view of LANDSCAPE_VIEWS) {
      const jobs = jobsForView(view, clean, null);
      expect(jobs.length).toBeGreaterThan(0);
      expect(jobs.every((j) => j.source === 'c')).toBe(true);
    }
  });
});
