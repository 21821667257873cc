/**
 * The loss surface over the training-path plane: PCA of the checkpoints (core/pca.ts), then a
 * surface around the final weights along the two principal directions.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { PathPlane, SurfaceGrid } from '../../core/landscape-types';
import { planeRange, trajectoryPlane } from '../../core/pca';
import type { WeightSnapshot } from '../../core/weights';
import type { GridEvalOptions } from '../engine/grid-eval';
import type { ModelSpec } from '../../core/model-spec';
import { computeSurface, type SurfaceHooks } from './surface';

/**
 * Plane of `checkpoints` (epoch order, the last one is the centre) and the surface over it on a
 * `grid` x `grid` lattice covering the path with a margin (planeRange). The path coordinates in
 * `plane` are in the same units as the surface axes.
 */
export async function computePathSurface(
  spec: ModelSpec,
  checkpoints: WeightSnapshot[],
  data: { x: tf.Tensor4D; y: tf.Tensor1D },
  grid: number,
  hooks: SurfaceHooks = {},
  opts: GridEvalOptions & { margin?: number } = {},
): Promise<{ plane: PathPlane; surface: SurfaceGrid }> {
  const { dirs, plane } = trajectoryPlane(checkpoints);
  const centre = checkpoints[checkpoints.length - 1]!;
  const { margin, ...evalOpts } = opts;
  const axes = planeRange(plane, grid, margin);
  const surface = await computeSurface(spec, centre, dirs, data, axes, hooks, evalOpts);
  return { plane, surface };
}
