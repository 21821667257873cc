/**
 * What the landscape tabs draw, from landscape jobs: surfaces on one shared colour scale,
 * their difference, interpolation curves and the path plane. Pure (no DOM, no React): tested
 * in Node.
 */
import type { LandscapeView, SurfaceGrid } from '../../core/landscape-types';
import { fillPreview } from '../../core/surface-grid';
import { axisIndex, contourLevels, sharedDomain, transformValue } from '../../scene/surface-data';
import type { LandscapeJob } from '../reducers/landscape-jobs';

/** Contour levels per surface view. */
export const LEVELS = 10;

/** One surface ready to draw. */
export interface SurfacePanel {
  xs: Float32Array;
  ys: Float32Array;
  /** Loss with points not evaluated yet filled from their neighbours. */
  loss: Float32Array;
  /** `loss` through the scale's transform (log10 on a log scale). */
  values: Float32Array;
  /** Share of the points evaluated. */
  fraction: number;
  /** The model's own point in fractional grid coordinates. */
  marker: { i: number; j: number };
  centre: { loss: number; acc: number } | null;
}

/** A surface's panel, or null before its first result. */
export function surfacePanel(job: LandscapeJob | undefined, log: boolean): SurfacePanel | null {
  const r = job?.result;
  if (!r || (r.kind !== 'surface' && r.kind !== 'path')) return null;
  const g = r.surface;
  const loss = fillPreview(g);
  if (!loss.some(Number.isFinite)) return null;
  return {
    xs: g.xs,
    ys: g.ys,
    loss,
    values: loss.map((v) => transformValue(v, log)),
    fraction: evaluatedShare(g),
    marker: { i: axisIndex(g.xs, 0), j: axisIndex(g.ys, 0) },
    centre: job?.centre ?? null,
  };
}

/** Share of a grid's points evaluated so far. */
export function evaluatedShare(g: SurfaceGrid): number {
  let n = 0;
  for (const d of g.done) n += d;
  return g.done.length > 0 ? n / g.done.length : 0;
}

/** The colour domain and contour levels shared by several panels (transformed units). */
export function sharedScale(
  panels: readonly (SurfacePanel | null)[],
  log: boolean,
): { domain: [number, number]; levels: number[] } {
  const present = panels.filter((p): p is SurfacePanel => p !== null);
  const domain = sharedDomain(
    present.map((p) => p.loss),
    log,
  );
  return { domain, levels: contourLevels(domain, LEVELS) };
}

/**
 * poisoned - clean per grid point (loss units, never log), when both surfaces share their
 * axes; null otherwise. `maxAbs` sets the symmetric diverging scale.
 */
export function surfaceDifference(
  clean: SurfacePanel | null,
  poisoned: SurfacePanel | null,
): { values: Float32Array; maxAbs: number } | null {
  if (!clean || !poisoned) return null;
  if (!sameAxis(clean.xs, poisoned.xs) || !sameAxis(clean.ys, poisoned.ys)) return null;
  const values = poisoned.loss.map((v, k) => v - clean.loss[k]!);
  let maxAbs = 0;
  for (const v of values) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  return { values, maxAbs: maxAbs || 1 };
}

function sameAxis(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) < 1e-6);
}

/** The training path in fractional grid coordinates of its plane surface. */
export function pathOnGrid(
  job: LandscapeJob | undefined,
): { i: Float32Array; j: Float32Array } | null {
  const r = job?.result;
  if (!r || r.kind !== 'path') return null;
  return {
    i: r.plane.pathA.map((a) => axisIndex(r.surface.xs, a)),
    j: r.plane.pathB.map((b) => axisIndex(r.surface.ys, b)),
  };
}

/** Readable value of a loss on a log or linear scale (legend ticks). */
export function untransform(v: number, log: boolean): number {
  return log ? 10 ** v : v;
}

/** A landscape job a tab needs: its kind, run and interpolation target. */
export interface NeededJob {
  kind: 'surface' | 'interpolation' | 'path';
  source: string;
  target: string | null;
  /** What it shows, for status lines. */
  role: string;
}

/** The jobs a tab needs for the clean run and the compared poisoned run (if any). */
export function jobsForView(
  view: LandscapeView,
  clean: { id: string; label: string },
  poisoned: { id: string; label: string } | null,
): NeededJob[] {
  const runs = poisoned ? [clean, poisoned] : [clean];
  switch (view) {
    case 'surface':
    case 'contour':
    case 'difference':
      return runs.map((r) => ({
        kind: 'surface',
        source: r.id,
        target: null,
        role: `${r.label} surface`,
      }));
    case 'interpolation':
      return [
        ...(poisoned
          ? [
              {
                kind: 'interpolation' as const,
                source: clean.id,
                target: poisoned.id,
                role: `${clean.label} → ${poisoned.label}`,
              },
            ]
          : []),
        ...runs.map((r) => ({
          kind: 'interpolation' as const,
          source: r.id,
          target: null,
          role: `${r.label}: initial → final`,
        })),
      ];
    case 'path':
      return runs.map((r) => ({
        kind: 'path',
        source: r.id,
        target: null,
        role: `${r.label} training path`,
      }));
    default: {
      const never: never = view;
      throw new Error(`unknown view ${String(never)}`);
    }
  }
}
