/**
 * A standard TensorFlow.js layers model on disk: `<dir>/model.json` + `<dir>/weights.bin`, the
 * layout `tf.io.browserFiles`, tfjs-node's `file://` and the converter produce.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightSnapshot } from '../core/weights';
import { artifactsToModelJSON, loadZooModel, snapshotToArtifacts } from '../ml/models/export';
import type { ModelSpec } from '../core/model-spec';

/** Writes `snapshot` as a layers model in `dir` (created if needed); returns the model.json path. */
export async function writeModelDir(
  dir: string,
  spec: ModelSpec,
  snapshot: WeightSnapshot,
): Promise<string> {
  const { modelJSON, weights } = artifactsToModelJSON(await snapshotToArtifacts(spec, snapshot));
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'model.json');
  await writeFile(path.join(dir, 'weights.bin'), new Uint8Array(weights));
  await writeFile(file, `${JSON.stringify(modelJSON)}\n`);
  return file;
}

/** An IOHandler whose `load` reads `<dir>/model.json` and the weight files its manifest names. */
export function modelDirHandler(dir: string): tf.io.IOHandler {
  const file = path.join(dir, 'model.json');
  return {
    load: async () => {
      let json: tf.io.ModelJSON;
      try {
        json = JSON.parse(await readFile(file, 'utf8')) as tf.io.ModelJSON;
      } catch (e) {
        throw new Error(`cannot read model.json: ${(e as Error).message}`, { cause: e });
      }
      if (
        !json ||
        typeof json !== 'object' ||
        !json.modelTopology ||
        !Array.isArray(json.weightsManifest)
      ) {
        throw new Error('not a TensorFlow.js layers model (no modelTopology or weightsManifest)');
      }
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const rel = path.normalize(p);
            if (path.isAbsolute(rel) || rel.startsWith('..')) {
              throw new Error(`weight path "${p}" leaves the model folder`);
            }
            const b = await readFile(path.join(dir, rel));
            buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
          }
        }
        return [manifest.flatMap((g) => g.weights), tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/**
 * Loads `<dir>/model.json` with stock `tf.loadLayersModel` and maps it back to its zoo spec and
 * weights; throws for a model that is not one of the zoo's architectures.
 */
export async function readModelDir(
  dir: string,
): Promise<{ spec: ModelSpec; snapshot: WeightSnapshot }> {
  try {
    return await loadZooModel(modelDirHandler(dir));
  } catch (e) {
    throw new Error(`${path.join(dir, 'model.json')}: ${(e as Error).message}`, { cause: e });
  }
}
