/**
 * The heavy half of `salscape sal` (loaded only once the flags are valid): backend, the saved
 * model, the IDX data, and SAL of every weight layer with progress on stderr.
 */
import '../ml/engine/tf-setup';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from '../core/dataset';
import type { LayerSal, SalSettings } from '../core/sal-types';
import { selectBackendNode } from '../ml/engine/backend';
import { loadIdxPairNode } from '../ml/data/load-node';
import { toTensors } from '../ml/data/tensors';
import { firstImages } from '../ml/experiment/run-experiment';
import { salAllLayers } from '../ml/sal/sal';
import { UsageError } from './args';
import type { CliIO } from './command';
import { readModelDir } from './model-dir';
import { stageProgress } from './progress';
import { describeSal } from './sal-flags';

/** What `salscape sal --json` prints. */
export interface SalOutput {
  /** Mean CE of the unperturbed model on the images, inference mode. */
  l0: number;
  layers: LayerSal[];
  /** The settings used; subsetSize is the number of images actually used. */
  settings: SalSettings;
  /** Zoo id of the model. */
  model: string;
  /** Absolute folder of model.json. */
  modelDir: string;
  seconds: number;
  backend: string;
}

const isFile = async (f: string) => (await stat(f).catch(() => null))?.isFile() ?? false;

/** The folder holding model.json: DIR itself, or DIR/model for a run folder of salscape train. */
export async function resolveModelDir(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  if (await isFile(path.join(abs, 'model.json'))) return abs;
  if (await isFile(path.join(abs, 'model', 'model.json'))) return path.join(abs, 'model');
  throw new UsageError(
    `--model ${abs} has no model.json (give a model folder, or a run folder of salscape train)`,
  );
}

/**
 * What `sal` and `landscape` start from: the backend (falling back with a note), a model
 * directory and an IDX image / label pair it can read; each problem is a UsageError naming
 * its flag.
 */
export async function loadModelAndImages(o: {
  modelDir: string;
  images: string;
  labels: string;
  backend: 'wasm' | 'cpu';
  io: CliIO;
}) {
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
  return { report, dir, spec, snapshot, set };
}

/** SAL of every weight layer of the model in `modelDir` on the first images of the IDX pair. */
export async function salRun(o: {
  modelDir: string;
  images: string;
  labels: string;
  settings: SalSettings;
  backend: 'wasm' | 'cpu';
  io: CliIO;
}): Promise<SalOutput> {
  const { io } = o;
  const { report, dir, spec, snapshot, set } = await loadModelAndImages(o);
  const settings: SalSettings = {
    ...o.settings,
    subsetSize: Math.min(o.settings.subsetSize, set.count),
  };
  io.stderr(
    `SAL of ${spec.id} (${dir}) on the first ${settings.subsetSize} of ${set.count} images: ${describeSal(settings)}\n`,
  );
  const data = toTensors(firstImages(set, settings.subsetSize));
  const progress = stageProgress(io, 'SAL');
  const t0 = performance.now();
  try {
    const r = await salAllLayers(spec, snapshot, data, settings, {
      onProgress: (done, total) => progress.update(done / total, `${done}/${total} rounds`),
    });
    progress.end();
    return {
      l0: r.l0,
      layers: r.layers,
      settings,
      model: spec.id,
      modelDir: dir,
      seconds: (performance.now() - t0) / 1000,
      backend: report.chosen,
    };
  } finally {
    tf.dispose([data.x, data.y]);
  }
}
