/**
 * The measurement behind `npm run bench:landscape`, shared by Node and the Chromium bench
 * worker so both time exactly the same work: a cnn-s loss surface through computeSurface
 * (coarse to fine, grid evaluator) against the naive way (weights rebuilt in JS per point,
 * tensors made, full forward) on an evenly spread subset of the same grid's points.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from '../../src/core/dataset';
import { axpySnapshot, directionPair } from '../../src/core/directions';
import { gridAxis } from '../../src/core/surface-grid';
import { toTensors } from '../../src/ml/data/tensors';
import { computeSurface } from '../../src/ml/landscape/surface';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { buildSpec } from '../../src/ml/models/zoo';
import { evaluate } from '../../src/ml/train/evaluate';

/** Figures of one backend; rates are per grid point, so they compare across grid sizes. */
export interface LandscapeFigures {
  grid: number;
  points: number;
  images: number;
  surfaceSeconds: number;
  pointsPerSec: number;
  naivePoints: number;
  naivePointsPerSec: number;
  /** Surface points/s over naive points/s. */
  speedup: number;
  /** Largest |loss difference| between the surface and the naive way on the naive points. */
  maxLossDiff: number;
  tensorsBefore: number;
  tensorsAfter: number;
}

/**
 * Times a `grid` x `grid` cnn-s surface on `set` on the current backend, then the naive way on
 * `naivePoints` of its points. Seeds are fixed so every backend evaluates the same surface.
 */
export async function measureLandscape(
  set: ImageSet,
  grid: number,
  naivePointsWanted: number,
  log: (s: string) => void = () => {},
): Promise<LandscapeFigures> {
  const spec = buildSpec('cnn-s');
  const centre = initSnapshot(spec, 1);
  const dirs = directionPair(centre, 1, { includeBiases: false });
  const data = toTensors(set);
  try {
    const axis = gridAxis(grid, 1);
    const points = grid * grid;
    // Warm-up: kernels compiled / first allocations out of the timed part.
    await computeSurface(spec, centre, dirs, data, { xs: gridAxis(2, 1), ys: gridAxis(2, 1) });
    const tensorsBefore = tf.memory().numTensors;
    log(`surface ${grid} x ${grid} on ${set.count} images…`);
    let t = performance.now();
    const s = await computeSurface(spec, centre, dirs, data, { xs: axis, ys: axis });
    const surfaceSeconds = (performance.now() - t) / 1000;

    const naivePoints = Math.min(points, naivePointsWanted);
    log(`naive, ${naivePoints} points…`);
    let maxLossDiff = 0;
    t = performance.now();
    for (let p = 0; p < naivePoints; p++) {
      const k = Math.floor((p * points) / naivePoints);
      const a = axis[k % grid]!;
      const b = axis[Math.floor(k / grid)]!;
      const w = snapshotToTensors(axpySnapshot(axpySnapshot(centre, a, dirs[0]), b, dirs[1]));
      const r = await evaluate(spec, w, data.x, data.y);
      tf.dispose(w);
      maxLossDiff = Math.max(maxLossDiff, Math.abs(r.loss - s.loss[k]!));
    }
    const naiveSeconds = (performance.now() - t) / 1000;
    const pointsPerSec = points / surfaceSeconds;
    const naivePointsPerSec = naivePoints / naiveSeconds;
    return {
      grid,
      points,
      images: set.count,
      surfaceSeconds,
      pointsPerSec,
      naivePoints,
      naivePointsPerSec,
      speedup: pointsPerSec / naivePointsPerSec,
      maxLossDiff,
      tensorsBefore,
      tensorsAfter: tf.memory().numTensors,
    };
  } finally {
    tf.dispose([data.x, data.y]);
  }
}
