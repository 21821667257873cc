/**
 * Settings and results of loss landscapes (docs/science.md section 4): filter-normalised surfaces,
 * 1-D interpolations and the training-path plane. Plain data, shared by the worker, the app,
 * the CLI and the URL codec.
 */
import { z } from 'zod';

/**
 * Which images a landscape is measured on: the clean test subset, the run's own training set
 * (poisoned for a poisoned run, after its defence) or the clean version of that training set.
 */
export const LANDSCAPE_DATA = ['test', 'train', 'train-clean'] as const;
export type LandscapeData = (typeof LANDSCAPE_DATA)[number];

export const LANDSCAPE_DATA_LABELS: Record<LandscapeData, string> = {
  test: 'clean test set',
  train: "the run's own training set",
  'train-clean': 'clean version of the training set',
};

/** Grid resolution bounds (points per axis). */
export const GRID_MIN = 5;
export const GRID_MAX = 101;

export const LandscapeSettingsSchema = z.object({
  /** Points per axis; the surface has grid x grid points. */
  grid: z.number().int().min(GRID_MIN).max(GRID_MAX),
  /** The grid spans [-range, range]^2 in direction units. */
  range: z.number().positive().max(10),
  /** Seed of the random directions. */
  seed: z.number().int().min(0).max(0xffffffff),
  /** Random directions for rank <= 1 tensors (biases) too; off = zero ("ignore biasbn"). */
  includeBiases: z.boolean(),
  data: z.enum(LANDSCAPE_DATA),
  /** Images the loss is measured on (the first `limit` of the chosen set). */
  limit: z.number().int().min(16).max(10000),
});
export type LandscapeSettings = z.infer<typeof LandscapeSettingsSchema>;

export const LANDSCAPE_DEFAULTS: LandscapeSettings = {
  grid: 25,
  range: 1,
  seed: 1,
  includeBiases: false,
  data: 'test',
  limit: 1000,
};

/**
 * A surface L(a, b) on a grid. Row-major, ys by xs: value (a = xs[i], b = ys[j]) sits at
 * index j * xs.length + i. Points not evaluated yet (coarse-to-fine) hold NaN in `loss`/`acc`
 * and 0 in `done`.
 */
export interface SurfaceGrid {
  xs: Float32Array;
  ys: Float32Array;
  loss: Float32Array;
  acc: Float32Array;
  /** 1 where the point has been evaluated. */
  done: Uint8Array;
}

/** A 1-D interpolation L((1 - a) * A + a * B) at the given alphas. */
export interface InterpolationCurve {
  alphas: Float32Array;
  loss: Float32Array;
  acc: Float32Array;
}

/** The training-path plane: PCA of checkpoints theta_t - theta_T. */
export interface PathPlane {
  /** Coordinates (a, b) of every checkpoint in the plane, epoch order (the final one is 0, 0). */
  pathA: Float32Array;
  pathB: Float32Array;
  /** Fraction of the path's variance explained by the first and second component. */
  explained: [number, number];
  /** Euclidean distance of each checkpoint from the plane (weights space). */
  offPlane: Float32Array;
}

/** Tabs of the landscape view. */
export const LANDSCAPE_VIEWS = [
  'surface',
  'contour',
  'difference',
  'interpolation',
  'path',
] as const;
export type LandscapeView = (typeof LANDSCAPE_VIEWS)[number];
