/**
 * The heavy half of `salscape landscape` (loaded only once the flags are valid): backend, the
 * saved model, the IDX data, the directions and the surface, with progress on stderr.
 */
import '../ml/engine/tf-setup';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from '../core/dataset';
import { directionPair } from '../core/directions';
import { gridAxis, surfaceToJson } from '../core/surface-grid';
import type { WeightSnapshot } from '../core/weights';
import { selectBackendNode } from '../ml/engine/backend';
import { loadIdxPairNode } from '../ml/data/load-node';
import { toTensors } from '../ml/data/tensors';
import { firstImages } from '../ml/experiment/run-experiment';
import { computeSurface } from '../ml/landscape/surface';
import { UsageError } from './args';
import type { CliIO } from './command';
import { readModelDir } from './model-dir';
import { stageProgress } from './progress';
import { resolveModelDir } from './sal-run';

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

const isFile = async (f: string) => (await stat(f).catch(() => null))?.isFile() ?? false;

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
  const report = await selectBackendNode(o.backend);
  if (report.chosen !== o.backend) {
    const why = report.notes.find((n) => n.backend === o.backend)?.why ?? 'it did not start';
    io.stderr(`salscape: backend ${o.backend} unavailable (${why}); using ${report.chosen}\n`);
  }
  const dir = await resolveModelDir(o.modelDir);
  let model;
  try {
    model = await readModelDir(dir);
  } catch (e) {
    throw new UsageError(`--model: ${(e as Error).message}`);
  }
  const { spec, snapshot } = model;
  for (const [flag, file] of [
    ['images', o.images],
    ['labels', o.labels],
  ] as const) {
    if (!(await isFile(file)))
      throw new UsageError(`--${flag} ${path.resolve(file)} is not a file`);
  }
  let set: ImageSet;
  try {
    set = await loadIdxPairNode(
      o.images,
      o.labels,
      Array.from({ length: spec.numClasses }, (_, i) => String(i)),
    );
  } catch (e) {
    throw new UsageError(`--images / --labels: ${(e as Error).message}`);
  }
  const [h, w, c] = spec.inputShape;
  if (set.height !== h || set.width !== w || set.channels !== c) {
    throw new UsageError(
      `--images holds ${set.height}x${set.width}x${set.channels} images; the model takes ${h}x${w}x${c}`,
    );
  }
  if (set.count === 0) throw new UsageError('--images holds no images');
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
