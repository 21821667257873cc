/**
 * The heavy half of `salscape landscape` (loaded only once the flags are valid): backend, the
 * saved model, the IDX data, the directions and the surface, with progress on stderr.
 */
import '../ml/engine/tf-setup';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { directionPair } from '../core/directions';
import { gridAxis, surfaceToJson } from '../core/surface-grid';
import type { WeightSnapshot } from '../core/weights';
import { toTensors } from '../ml/data/tensors';
import { firstImages } from '../ml/experiment/run-experiment';
import { computeSurface } from '../ml/landscape/surface';
import type { CliIO } from './command';
import { stageProgress } from './progress';
import { loadModelAndImages } from './sal-run';

/** What `salscape landscape --json` prints. */
export interface LandscapeOutput {
  /** Absolute path of the surface JSON. */
  out: string;
  /** Absolute path of the directions JSON, when asked for. */
  directions?: string;
  model: string;
  modelDir: string;
  /** Number of images the loss is measured on. */
  images: number;
  grid: number;
  range: number;
  seed: number;
  includeBiases: boolean;
  /** Mean CE and accuracy at (0, 0) (odd grids) or the point nearest to it. */
  centreLoss: number;
  centreAcc: number;
  minLoss: number;
  maxLoss: number;
  seconds: number;
  pointsPerSec: number;
  backend: string;
}

/** A flat row-major array as nested arrays of `shape`. */
export function nested(data: Float32Array, shape: readonly number[]): unknown {
  if (shape.length === 0) return data[0] ?? 0;
  const [head, ...rest] = shape as [number, ...number[]];
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: head }, (_, i) =>
    rest.length === 0 ? data[i] : nested(data.subarray(i * size, (i + 1) * size), rest),
  );
}

/** {"layer/kernel": [d1, d2], ...}, each direction as nested arrays in the weight's own shape. */
export function directionsToJson(dirs: [WeightSnapshot, WeightSnapshot]): string {
  const [d1, d2] = dirs;
  const obj: Record<string, unknown> = {};
  d1.names.forEach((name, i) => {
    const shape = d1.shapes[i]!;
    obj[name] = [nested(d1.data[i]!, shape), nested(d2.data[i]!, shape)];
  });
  return JSON.stringify(obj);
}

async function writeOut(file: string, text: string): Promise<string> {
  const abs = path.resolve(file);
  await mkdir(path.dirname(abs), { recursive: true });
  await writeFile(abs, text);
  return abs;
}

/** The surface of the model in `modelDir` on the first `limit` images of the IDX pair. */
export async function landscapeRun(o: {
  modelDir: string;
  images: string;
  labels: string;
  limit: number;
  grid: number;
  range: number;
  seed: number;
  includeBiases: boolean;
  out: string;
  directionsOut?: string;
  backend: 'wasm' | 'cpu';
  io: CliIO;
}): Promise<LandscapeOutput> {
  const { io } = o;
  const { report, dir, spec, snapshot, set } = await loadModelAndImages(o);
  const images = Math.min(o.limit, set.count);
  const dirs = directionPair(snapshot, o.seed, { includeBiases: o.includeBiases });
  const directions = o.directionsOut
    ? await writeOut(o.directionsOut, directionsToJson(dirs))
    : undefined;
  io.stderr(
    `loss surface of ${spec.id} (${dir}) on the first ${images} of ${set.count} images: ${o.grid} x ${o.grid} points, range ${o.range}, seed ${o.seed}\n`,
  );
  const data = toTensors(firstImages(set, images));
  const progress = stageProgress(io, 'landscape');
  const t0 = performance.now();
  try {
    const axis = gridAxis(o.grid, o.range);
    const s = await computeSurface(
      spec,
      snapshot,
      dirs,
      data,
      { xs: axis, ys: axis },
      {
        onPartial: (_, done, total) => progress.update(done / total, `${done}/${total} points`),
      },
    );
    progress.end();
    const seconds = (performance.now() - t0) / 1000;
    const out = await writeOut(o.out, `${surfaceToJson(s)}\n`);
    const mid = Math.floor(o.grid / 2);
    const k0 = mid * o.grid + mid;
    let minLoss = Infinity;
    let maxLoss = -Infinity;
    for (const v of s.loss) {
      minLoss = Math.min(minLoss, v);
      maxLoss = Math.max(maxLoss, v);
    }
    return {
      out,
      ...(directions ? { directions } : {}),
      model: spec.id,
      modelDir: dir,
      images,
      grid: o.grid,
      range: o.range,
      seed: o.seed,
      includeBiases: o.includeBiases,
      centreLoss: s.loss[k0]!,
      centreAcc: s.acc[k0]!,
      minLoss,
      maxLoss,
      seconds,
      pointsPerSec: s.loss.length / seconds,
      backend: report.chosen,
    };
  } finally {
    tf.dispose([data.x, data.y]);
  }
}
