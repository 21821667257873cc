import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import type { ImageSet } from '../../src/core/dataset';
import { defaultTrainConfig, type TrainConfig } from '../../src/core/train-config';
import { runTraining, selectRunData } from '../../src/ml/train/run-training';
import { CancelledError, DivergedError, trainModel } from '../../src/ml/train/train-loop';
import { evaluate } from '../../src/ml/train/evaluate';
import { toTensors } from '../../src/ml/data/tensors';
import { buildSpec } from '../../src/ml/models/zoo';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { forward, crossEntropy } from '../../src/ml/models/forward';

let train: ImageSet;
let test: ImageSet;
beforeAll(async () => {
  await useBackend('wasm');
  [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
});

const cfg = (over: Partial<TrainConfig>): TrainConfig => ({ ...defaultTrainConfig(), ...over });

describe('training', () => {
  it('cnn-s, 2 epochs, batch 32 on 2,000 MNIST images reaches > 85% clean test accuracy', async () => {
    const config = cfg({
      model: 'cnn-s',
      trainSize: 2000,
      testSize: 1000,
      epochs: 2,
      batchSize: 32,
      seed: 1,
    });
    const r = await runTraining(config, selectRunData(config, train, test));
    expect(r.metrics).toHaveLength(2);
    expect(r.checkpoints).toHaveLength(3);
    expect(r.metrics[1]!.testAcc).toBeGreaterThan(0.85);
    expect(r.metrics[1]!.trainLoss).toBeLessThan(r.metrics[0]!.trainLoss);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const a = cfg({ trainSize: 300, testSize: 100, epochs: 1, seed: 5 });
    const r1 = await runTraining(a, selectRunData(a, train, test));
    const r2 = await runTraining(a, selectRunData(a, train, test));
    const b = { ...a, seed: 6 };
    const r3 = await runTraining(b, selectRunData(b, train, test));
    expect(r2.metrics[0]!.trainLoss).toBe(r1.metrics[0]!.trainLoss);
    expect(Array.from(r2.checkpoints[1]!.data[0]!)).toEqual(
      Array.from(r1.checkpoints[1]!.data[0]!),
    );
    expect(r3.metrics[0]!.trainLoss).not.toBe(r1.metrics[0]!.trainLoss);
  });

  it('does not grow the tensor count across repeated runs, evaluations and steps', async () => {
    const config = cfg({ trainSize: 200, testSize: 100, epochs: 2, batchSize: 16 });
    const data = selectRunData(config, train, test);
    await runTraining(config, data); // warm-up: backends allocate lazily
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await runTraining({ ...config, seed: i + 2 }, data);
    const spec = buildSpec('cnn-s');
    const ws = snapshotToTensors(initSnapshot(spec, 1));
    const t = toTensors(data.test);
    for (let i = 0; i < 5; i++) await evaluate(spec, ws, t.x, t.y);
    tf.dispose([...ws, t.x, t.y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('evaluate() matches a direct forward pass', async () => {
    const spec = buildSpec('lenet5');
    const ws = snapshotToTensors(initSnapshot(spec, 2));
    const config = cfg({ trainSize: 100, testSize: 130 });
    const t = toTensors(selectRunData(config, train, test).test);
    const direct = tf.tidy(() => crossEntropy(forward(spec, ws, t.x), t.y).dataSync()[0]!);
    const r = await evaluate(spec, ws, t.x, t.y, 50); // uneven batches: 50, 50, 30
    expect(r.loss).toBeCloseTo(direct, 5);
    expect(r.acc).toBeGreaterThanOrEqual(0);
    tf.dispose([...ws, t.x, t.y]);
  });

  it('stops with a clear message when the loss diverges', async () => {
    // A rate far outside the app's range (max 10) is the reliable way to overflow the weights.
    const spec = buildSpec('cnn-s');
    const data = selectRunData(cfg({ trainSize: 200, testSize: 50 }), train, test);
    const tr = toTensors(data.train);
    const te = toTensors(data.test);
    const before = tf.memory().numTensors;
    const run = trainModel({
      spec,
      init: initSnapshot(spec, 1),
      train: tr,
      test: te,
      epochs: 1,
      batchSize: 32,
      seed: 1,
      lr: 1e30,
      momentum: 0.9,
      weightDecay: 0,
    });
    await expect(run).rejects.toBeInstanceOf(DivergedError);
    await expect(run).rejects.toThrow(
      /diverged in epoch 1, step 2: the loss became NaN or exploded.*lower learning rate \(now 1e\+30\)/,
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([tr.x, tr.y, te.x, te.y]);
  });

  it('can be cancelled between steps and frees its tensors', async () => {
    const config = cfg({ trainSize: 500, testSize: 50, epochs: 3 });
    const data = selectRunData(config, train, test);
    const before = tf.memory().numTensors;
    let steps = 0;
    const run = runTraining(config, data, {
      onProgress: () => steps++,
      shouldStop: () => steps >= 2,
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports progress with running means and an epoch callback per epoch', async () => {
    const spec = buildSpec('mlp');
    const config = cfg({ model: 'mlp', trainSize: 320, testSize: 50, epochs: 2, batchSize: 32 });
    const data = selectRunData(config, train, test);
    const tr = toTensors(data.train);
    const te = toTensors(data.test);
    const progress: number[] = [];
    const epochs: number[] = [];
    await trainModel({
      spec,
      init: initSnapshot(spec, 1),
      train: tr,
      test: te,
      epochs: 2,
      batchSize: 32,
      seed: 1,
      lr: 0.05,
      momentum: 0.9,
      weightDecay: 5e-4,
      progressMs: 0,
      onProgress: (p) => progress.push(p.step),
      onEpoch: (m, ck) => {
        epochs.push(m.epoch);
        expect(ck.names).toContain('dense1/kernel');
      },
    });
    tf.dispose([tr.x, tr.y, te.x, te.y]);
    expect(epochs).toEqual([1, 2]);
    expect(progress.filter((s) => s === 10)).toHaveLength(2); // last step of each epoch
    expect(progress.length).toBe(20);
  });
});
