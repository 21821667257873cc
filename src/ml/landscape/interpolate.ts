/**
 * 1-D linear interpolation L((1 - a) * from + a * to), e.g. clean -> poisoned weights or
 * init -> final (docs/science.md section 4), through the grid evaluator along one direction.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { differenceSnapshot, zerosLike } from '../../core/directions';
import type { InterpolationCurve } from '../../core/landscape-types';
import type { WeightSnapshot } from '../../core/weights';
import { createGridEvaluator, type GridEvalOptions } from '../engine/grid-eval';
import type { ModelSpec } from '../../core/model-spec';

/** Progress and cancellation of an interpolation. */
export interface InterpolationHooks {
  onProgress?: (done: number, total: number) => void;
  /** Polled between blocks of points; true stops with a CancelledError. */
  shouldStop?: () => boolean;
}

/**
 * Loss (mean CE) and accuracy at each alpha, inference mode: centre `from`, d1 = to - from,
 * d2 = 0, points (a, 0). Alphas outside [0, 1] extrapolate.
 */
export async function interpolate(
  spec: ModelSpec,
  from: WeightSnapshot,
  to: WeightSnapshot,
  data: { x: tf.Tensor4D; y: tf.Tensor1D },
  alphas: Float32Array,
  hooks: InterpolationHooks = {},
  opts: GridEvalOptions = {},
): Promise<InterpolationCurve> {
  const ev = createGridEvaluator(
    spec,
    from,
    [differenceSnapshot(from, to), zerosLike(from)],
    data,
    opts,
  );
  try {
    const points = new Float32Array(2 * alphas.length);
    alphas.forEach((a, p) => (points[2 * p] = a));
    const r = await ev.evaluate(points, {
      onBlock: hooks.onProgress,
      shouldStop: hooks.shouldStop,
    });
    return { alphas: alphas.slice(), loss: r.loss, acc: r.acc };
  } finally {
    ev.dispose();
  }
}
