/**
 * resnet-s, the residual model with BatchNorm: its running statistics (PyTorch's update), the
 * places that must treat BatchNorm as state (SAL layers, landscape directions, the path PCA),
 * the grid evaluator on a non-sequential model, and the export to a stock TF.js model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { useBackend } from './helpers/tf';
import { Rng } from '../../src/core/rng';
import { isRunningStat } from '../../src/core/model-spec';
import { directionPair } from '../../src/core/directions';
import { trajectoryPlane } from '../../src/core/pca';
import { defaultTrainConfig } from '../../src/core/train-config';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import type { WeightSnapshot } from '../../src/core/weights';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { toTensors } from '../../src/ml/data/tensors';
import { selectRunData } from '../../src/ml/train/run-training';
import { buildSpec, paramInfos, weightLayerNames } from '../../src/ml/models/zoo';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { crossEntropy, forward } from '../../src/ml/models/forward';
import { Sgd } from '../../src/ml/train/sgd';
import { applyStep, trainingGrads } from '../../src/ml/train/train-step';
import { trainModel } from '../../src/ml/train/train-loop';
import { recomputeBnStats } from '../../src/ml/train/bn-stats';
import { evaluate } from '../../src/ml/train/evaluate';
import { createGridEvaluator } from '../../src/ml/engine/grid-eval';
import { layerInputs, prepareSal, splitAtLayer, suffixLogits } from '../../src/ml/sal/prepare';
import { salAllLayers } from '../../src/ml/sal/sal';
import { writeModelDir, readModelDir } from '../../src/cli/model-dir';

const spec = buildSpec('resnet-s');
let data: { x: tf.Tensor4D; y: tf.Tensor1D };
let root: string;
beforeAll(async () => {
  await useBackend('wasm');
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
  data = toTensors(
    selectRunData({ ...defaultTrainConfig(), trainSize: 100, testSize: 96 }, train, test).test,
  );
  root = await mkdtemp(path.join(tmpdir(), 'salscape-resnet-'));
});
afterAll(async () => {
  tf.dispose([data.x, data.y]);
  await rm(root, { recursive: true, force: true });
});

/** The init with every BatchNorm tensor drawn at random (variances positive), so inference-mode
 * BatchNorm is not the identity it is at PyTorch's init. */
function withRandomBn(seed: number): WeightSnapshot {
  const s = initSnapshot(spec, seed);
  const rng = new Rng(seed + 100);
  const infos = paramInfos(spec);
  const data = s.data.map((d, i) => {
    const role = infos[i]!.role;
    if (role === 'movingVariance') return rng.fillUniform(new Float32Array(d.length), 0.5, 2);
    if (role === 'gamma') return rng.fillUniform(new Float32Array(d.length), 0.5, 1.5);
    if (role === 'beta' || role === 'movingMean')
      return rng.fillUniform(new Float32Array(d.length), -0.3, 0.3);
    return d;
  });
  return { ...s, data };
}

describe('resnet-s training state', () => {
  it('BatchNorm tensors: gamma/beta trainable, running statistics not; none is a SAL layer', () => {
    const infos = paramInfos(spec);
    const bn = infos.filter((p) => p.layer.endsWith('_bn'));
    expect(bn.length).toBe(9 * 4);
    expect(bn.filter((p) => p.trainable).map((p) => p.role)).toEqual(
      Array.from({ length: 9 }, () => ['gamma', 'beta']).flat(),
    );
    expect(infos.filter((p) => !p.trainable).every((p) => isRunningStat(p.name))).toBe(true);
    expect(weightLayerNames(spec).some((n) => n.includes('bn'))).toBe(false);
  });

  it("running statistics follow PyTorch's update: 0.9 old + 0.1 batch (variance unbiased)", async () => {
    const x = tf.slice(data.x, 0, 32);
    const y = tf.slice(data.y, 0, 32);
    const init = initSnapshot(spec, 2);
    let w = snapshotToTensors(init);
    // lr 0: the weights stay put, so every step sees the same batch statistics.
    const sgd = new Sgd({ lr: 0, momentum: 0, weightDecay: 0 });
    const steps = 3;
    for (let i = 0; i < steps; i++) {
      const g = tf.tidy(() => {
        const r = trainingGrads(spec, w, x, (l) => crossEntropy(l, y));
        return { grads: r.grads, stats: r.stats };
      });
      w = applyStep(spec, w, sgd, g);
    }
    // The stem's batch statistics, computed directly.
    const z = tf.conv2d(x, w[0] as tf.Tensor4D, 1, 'same');
    const m = tf.moments(z, [0, 1, 2]);
    const n = 32 * 28 * 28;
    const mean = await m.mean.data();
    const unbiased = (await m.variance.data()).map((v) => (v * n) / (n - 1));
    const keep = 0.9 ** steps;
    const [runMean, runVar] = [await w[3]!.data(), await w[4]!.data()];
    mean.forEach((v, c) => expect(runMean[c]).toBeCloseTo((1 - keep) * v, 5));
    unbiased.forEach((v, c) => expect(runVar[c]).toBeCloseTo(keep + (1 - keep) * v, 4));
    // Trainable weights did not move at lr 0.
    expect(Array.from(await w[0]!.data())).toEqual(Array.from(init.data[0]!));
    tf.dispose([x, y, z, m.mean, m.variance, ...w]);
    sgd.dispose();
  });

  it('at an epoch end the statistics are those of the whole training set (stem: exact); other models untouched', async () => {
    const before = tf.memory().numTensors;
    const w = snapshotToTensors(withRandomBn(4));
    const kernel = w[0]!;
    // Half digits, half blank images, in two batches: the batches' means differ, so the
    // between-batch part of the variance matters (the test fails without it).
    const x = tf.tidy(
      () => tf.concat([tf.slice(data.x, 0, 48), tf.zeros([48, 28, 28, 1])]) as tf.Tensor4D,
    );
    const out = recomputeBnStats(spec, w, x, 48);
    // The stem's input does not depend on any other BatchNorm: its population moments, directly.
    // Reference moments in float64; ours sum in float32 (measured 2.6e-4 relative; without the
    // between-batch term 7.6e-3).
    const z = tf.conv2d(x, kernel as tf.Tensor4D, 1, 'same');
    const zs = await z.data();
    const ch = z.shape[3];
    const n = zs.length / ch;
    const mean = Array.from({ length: ch }, (_, c) => {
      let sum = 0;
      for (let i = c; i < zs.length; i += ch) sum += zs[i]!;
      return sum / n;
    });
    const unbiased = mean.map((mu, c) => {
      let sum = 0;
      for (let i = c; i < zs.length; i += ch) sum += (zs[i]! - mu) ** 2;
      return sum / (n - 1);
    });
    const [runMean, runVar] = [await out[3]!.data(), await out[4]!.data()];
    mean.forEach((v, c) => expect(runMean[c]).toBeCloseTo(v, 4));
    unbiased.forEach((v, c) => expect(Math.abs(runVar[c]! / v - 1)).toBeLessThan(1e-3));
    // Every weight other than the running statistics is passed through as it was.
    paramInfos(spec).forEach((p, i) => {
      if (p.trainable) expect(out[i]).toBe(w[i]);
      else expect(out[i]).not.toBe(w[i]);
    });
    tf.dispose([x, z, ...out]);
    expect(tf.memory().numTensors).toBe(before);
    const cnn = buildSpec('cnn-s');
    const cw = snapshotToTensors(initSnapshot(cnn, 1));
    expect(recomputeBnStats(cnn, cw, data.x, 32)).toBe(cw);
    tf.dispose(cw);
  });

  it('trains (loss falls), updates the running statistics and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const init = initSnapshot(spec, 3);
    const r = await trainModel({
      spec,
      init,
      train: data,
      test: data,
      epochs: 2,
      batchSize: 24,
      seed: 1,
      lr: 0.05,
      momentum: 0.9,
      weightDecay: 5e-4,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.metrics[1]!.trainLoss).toBeLessThan(r.metrics[0]!.trainLoss);
    const last = r.checkpoints[2]!;
    const i = last.names.indexOf('conv1_bn/moving_variance');
    expect(Array.from(last.data[i]!)).not.toEqual(Array.from(init.data[i]!));
  });
});

describe('resnet-s SAL, directions and landscapes', () => {
  it('the split before a block gives the same logits as the whole model, for every layer', () => {
    const snap = withRandomBn(4);
    const p = prepareSal(spec, snap, data, 48, 48);
    for (const name of weightLayerNames(spec)) {
      const s = splitAtLayer(spec, name);
      const acts = layerInputs(p, s);
      const diff = tf.tidy(() => {
        const a = suffixLogits(p, s, p.weights[s.paramIndex]!, acts.get(0), true);
        const b = forward(spec, p.weights, p.batches[0]!.x, true);
        return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
      });
      acts.dispose();
      expect(diff, name).toBeLessThan(1e-5);
    }
    p.dispose();
  });

  it('SAL: one value per conv / dense kernel, none for BatchNorm', async () => {
    const r = await salAllLayers(spec, withRandomBn(5), data, {
      ...APP_SAL_DEFAULTS,
      rounds: 1,
      subsetSize: 48,
      batchSize: 48,
    });
    expect(r.layers.map((l) => l.name)).toEqual(weightLayerNames(spec));
    expect(r.layers.length).toBe(10);
    r.layers.forEach((l) => expect(Number.isFinite(l.sal)).toBe(true));
  });

  it('directions never move running statistics, even with biases included; nor does the path PCA', () => {
    const w = withRandomBn(6);
    for (const includeBiases of [false, true]) {
      const [d1] = directionPair(w, 1, { includeBiases });
      d1.names.forEach((n, i) => {
        const nonZero = d1.data[i]!.some((v) => v !== 0);
        if (isRunningStat(n)) expect(nonZero, n).toBe(false);
        else if (n.endsWith('/kernel')) expect(nonZero, n).toBe(true);
      });
    }
    const moved = withRandomBn(7);
    const { dirs } = trajectoryPlane([withRandomBn(8), moved, w]);
    dirs[0].names.forEach((n, i) => {
      if (isRunningStat(n)) expect(dirs[0].data[i]!.every((v) => v === 0)).toBe(true);
    });
  });

  it('the grid evaluator equals naive per-point evaluation', async () => {
    const c = withRandomBn(9);
    const [d1, d2] = directionPair(c, 3, { includeBiases: true });
    const ev = createGridEvaluator(spec, c, [d1, d2], data, { imageBatch: 40, pointsPerSync: 2 });
    expect(ev.firstLayer).toBe('direct');
    const points = [0, 0, 0.5, -0.25, -1, 1];
    const r = await ev.evaluate(points);
    ev.dispose();
    for (let k = 0; k < points.length / 2; k++) {
      const [a, b] = [points[2 * k]!, points[2 * k + 1]!];
      const ws = snapshotToTensors({
        ...c,
        data: c.data.map((v, i) => v.map((x, j) => x + a * d1.data[i]![j]! + b * d2.data[i]![j]!)),
      });
      const ref = await evaluate(spec, ws, data.x, data.y);
      tf.dispose(ws);
      expect(r.loss[k]).toBeCloseTo(ref.loss, 4);
      expect(r.acc[k]).toBeCloseTo(ref.acc, 6);
    }
  });
});

describe('resnet-s export', () => {
  it('stock tf.loadLayersModel reads the export and predicts like forward() in inference mode', async () => {
    const dir = path.join(root, 'resnet-s');
    const snap = withRandomBn(10);
    await writeModelDir(dir, spec, snap);
    const json = JSON.parse(
      await readFile(path.join(dir, 'model.json'), 'utf8'),
    ) as tf.io.ModelJSON;
    const bytes = await readFile(path.join(dir, 'weights.bin'));
    const model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      }),
    );
    const weights = snapshotToTensors(snap);
    const diff = tf.tidy(() => {
      const a = model.predict(data.x) as tf.Tensor;
      const b = forward(spec, weights, data.x, true);
      expect(a.shape).toEqual(b.shape);
      return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
    });
    model.dispose();
    tf.dispose(weights);
    expect(diff).toBeLessThan(1e-4);
    const back = await readModelDir(dir);
    expect(back.spec).toEqual(spec);
    back.snapshot.data.forEach((d, i) => expect(d).toEqual(snap.data[i]));
  });
});
