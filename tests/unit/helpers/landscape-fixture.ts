/** Shared by the landscape store tests: evaluated surfaces, the test's settings, and jobs. */
import {
  LANDSCAPE_DEFAULTS,
  type LandscapeSettings,
  type SurfaceGrid,
} from '../../../src/core/landscape-types';
import { emptySurface, gridAxis } from '../../../src/core/surface-grid';
import type { LandscapeResult } from '../../../src/workers/protocol';
import type { LandscapeJob } from '../../../src/store/reducers/landscape-jobs';

/** A fully evaluated surface over [-range, range]^2 with loss f(a, b). */
export function surface(
  n: number,
  range: number,
  f: (a: number, b: number) => number,
): SurfaceGrid {
  const xs = gridAxis(n, range);
  const ys = gridAxis(n, range);
  const s = emptySurface(xs, ys);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      s.loss[j * n + i] = f(xs[i]!, ys[j]!);
      s.acc[j * n + i] = 0.5;
      s.done[j * n + i] = 1;
    }
  return s;
}

export const settings: LandscapeSettings = { ...LANDSCAPE_DEFAULTS, grid: 5, limit: 64 };

/** A job as the slice creates it, ready for the reducer. */
export function job(patch: Partial<LandscapeJob> = {}): LandscapeJob {
  return {
    jobId: 'j1',
    kind: 'surface',
    sourceRunId: 'r1',
    targetRunId: null,
    settings,
    status: 'queued',
    detail: 'waiting for the worker',
    fraction: 0,
    result: null,
    centre: null,
    error: null,
    ...patch,
  };
}

export const surfaceResult = (s: SurfaceGrid): LandscapeResult => ({ kind: 'surface', surface: s });
