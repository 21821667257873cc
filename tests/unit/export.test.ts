import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from './helpers/tf';
import { buildSpec, type ModelId } from '../../src/ml/models/zoo';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { forward } from '../../src/ml/models/forward';
import { artifactsToModelJSON, snapshotToArtifacts } from '../../src/ml/models/export';
import { readModelDir, writeModelDir } from '../../src/cli/model-dir';

let root: string;
beforeAll(async () => {
  await useBackend('wasm');
  root = await mkdtemp(path.join(tmpdir(), 'salscape-export-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A plain IOHandler over model.json + the files of its manifest, independent of model-dir.ts. */
function filesHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(
        await readFile(path.join(dir, 'model.json'), 'utf8'),
      ) as tf.io.ModelJSON;
      const specs = json.weightsManifest.flatMap((g) => g.weights);
      const bufs = await Promise.all(
        json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(path.join(dir, p))),
      );
      const all = Buffer.concat(bufs);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

describe.each(['cnn-s', 'lenet5'] as ModelId[])('%s as a standard layers model', (id) => {
  const spec = buildSpec(id);
  const snap = initSnapshot(spec, 7);
  let dir: string;

  beforeAll(async () => {
    dir = path.join(root, id);
    await writeModelDir(dir, spec, snap);
  });

  it('writes model.json with a standard manifest and layer names of the spec', async () => {
    const json = JSON.parse(
      await readFile(path.join(dir, 'model.json'), 'utf8'),
    ) as tf.io.ModelJSON;
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(json.weightsManifest[0]!.weights.map((w) => w.name)).toEqual(snap.names);
    const topo = json.modelTopology as {
      class_name: string;
      config: { layers: { config: { name: string } }[] };
    };
    expect(topo.class_name).toBe('Sequential');
    expect(topo.config.layers.map((l) => l.config.name)).toEqual(spec.layers.map((l) => l.name));
    const bytes = await readFile(path.join(dir, 'weights.bin'));
    expect(bytes.length).toBe(snap.data.reduce((s, d) => s + d.length * 4, 0));
  });

  it('stock tf.loadLayersModel predicts like forward() (max abs diff < 1e-5)', async () => {
    const model = await tfl.loadLayersModel(filesHandler(dir));
    const weights = snapshotToTensors(snap);
    const x = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const diff = tf.tidy(() => {
      const a = model.predict(x) as tf.Tensor;
      const b = forward(spec, weights, x);
      expect(a.shape).toEqual(b.shape);
      return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    });
    model.dispose();
    tf.dispose([x, ...weights]);
    expect(diff).toBeLessThan(1e-5);
  });

  it('readModelDir round-trips the snapshot exactly and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const back = await readModelDir(dir);
    expect(tf.memory().numTensors).toBe(before);
    expect(back.spec).toEqual(spec);
    expect(back.snapshot.names).toEqual(snap.names);
    expect(back.snapshot.shapes).toEqual(snap.shapes);
    back.snapshot.data.forEach((d, i) => expect(d).toEqual(snap.data[i]));
  });
});

describe('export errors', () => {
  it('rejects a snapshot of another model', async () => {
    const other = initSnapshot(buildSpec('mlp'), 1);
    await expect(snapshotToArtifacts(buildSpec('cnn-s'), other)).rejects.toThrow(
      /does not fit cnn-s/,
    );
  });

  it('readModelDir names a model that is not from the zoo', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          name: 'conv1',
          inputShape: [28, 28, 1],
          filters: 5,
          kernelSize: 3,
          activation: 'relu',
        }),
        tfl.layers.flatten({ name: 'flatten' }),
        tfl.layers.dense({ name: 'dense1', units: 10 }),
      ],
    });
    let artifacts: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
      }),
    );
    model.dispose();
    const { modelJSON, weights } = artifactsToModelJSON(artifacts!);
    const dir = path.join(root, 'foreign');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJSON));
    await writeFile(path.join(dir, 'weights.bin'), new Uint8Array(weights));
    const before = tf.memory().numTensors;
    await expect(readModelDir(dir)).rejects.toThrow(
      /not a SALscape zoo model.*conv1: Conv2D 5 3x3/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('readModelDir says which file is missing', async () => {
    await expect(readModelDir(path.join(root, 'nowhere'))).rejects.toThrow(/nowhere.*model\.json/);
  });
});
