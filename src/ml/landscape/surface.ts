/**
 * Loss surfaces L(a, b) = L(centre + a * d1 + b * d2) on a grid, coarse to fine, through the fast
 * grid evaluator (engine/grid-eval.ts): a rough surface appears after the first level and
 * sharpens level by level.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SurfaceGrid } from '../../core/landscape-types';
import { cloneSurface, coarseToFineLevels, emptySurface } from '../../core/surface-grid';
import type { WeightSnapshot } from '../../core/weights';
import { createGridEvaluator, type GridEvalOptions } from '../engine/grid-eval';
import type { ModelSpec } from '../../core/model-spec';
import { CancelledError } from '../train/train-loop';

/** Progress and cancellation of a surface. */
export interface SurfaceHooks {
  /**
   * A copy of the grid so far (free to transfer), the points done and the total; called after
   * every level and in between at most every `partialMs`.
   */
  onPartial?: (s: SurfaceGrid, done: number, total: number) => void;
  /** Polled between blocks of points; true stops the surface with a CancelledError. */
  shouldStop?: () => boolean;
  /** Least time between two in-level partials (default 200 ms: at most ~5 per second). */
  partialMs?: number;
}

/** Points handed to the evaluator per call, so results land in the grid while a level runs. */
const CHUNK = 32;

/**
 * Evaluates the surface over `axes` (xs along d1, ys along d2) on the given data in inference
 * mode; loss is mean cross-entropy, acc the fraction correct. Throws CancelledError when
 * `shouldStop` says so; the evaluator's tensors are freed either way.
 */
export async function computeSurface(
  spec: ModelSpec,
  centre: WeightSnapshot,
  dirs: [WeightSnapshot, WeightSnapshot],
  data: { x: tf.Tensor4D; y: tf.Tensor1D },
  axes: { xs: Float32Array; ys: Float32Array },
  hooks: SurfaceHooks = {},
  opts: GridEvalOptions = {},
): Promise<SurfaceGrid> {
  const s = emptySurface(axes.xs, axes.ys);
  const nx = axes.xs.length;
  const total = nx * axes.ys.length;
  const levels = coarseToFineLevels(nx, axes.ys.length);
  const partialMs = hooks.partialMs ?? 200;
  const ev = createGridEvaluator(spec, centre, dirs, data, opts);
  let done = 0;
  let last = performance.now();
  const emit = () => {
    last = performance.now();
    hooks.onPartial?.(cloneSurface(s), done, total);
  };
  try {
    for (const level of levels) {
      for (let start = 0; start < level.length; start += CHUNK) {
        if (hooks.shouldStop?.()) throw new CancelledError();
        const idx = level.slice(start, start + CHUNK);
        const points = new Float32Array(2 * idx.length);
        idx.forEach((k, p) => {
          const i = k % nx;
          points[2 * p] = axes.xs[i]!;
          points[2 * p + 1] = axes.ys[(k - i) / nx]!;
        });
        const r = await ev.evaluate(points, { shouldStop: hooks.shouldStop });
        idx.forEach((k, p) => {
          s.loss[k] = r.loss[p]!;
          s.acc[k] = r.acc[p]!;
          s.done[k] = 1;
        });
        done += idx.length;
        const lastChunk = start + CHUNK >= level.length;
        if (!lastChunk && performance.now() - last >= partialMs) emit();
      }
      emit();
    }
  } finally {
    ev.dispose();
  }
  return s;
}
