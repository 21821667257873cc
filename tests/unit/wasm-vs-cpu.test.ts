import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { useConvGradient } from '../../src/ml/engine/conv-grad';
import { useMatMulGradient } from '../../src/ml/engine/matmul-grad';
import { usePoolGradient } from '../../src/ml/engine/pool-grad';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import type { ImageSet } from '../../src/core/dataset';
import { defaultTrainConfig } from '../../src/core/train-config';
import { runTraining, selectRunData } from '../../src/ml/train/run-training';
import { toTensors } from '../../src/ml/data/tensors';
import { buildSpec, MODEL_IDS } from '../../src/ml/models/zoo';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { crossEntropy, forward } from '../../src/ml/models/forward';
import type { ModelSpec } from '../../src/core/model-spec';

let train: ImageSet;
let test: ImageSet;
beforeAll(async () => {
  [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
});
afterAll(async () => {
  useConvGradient('forward-conv');
  usePoolGradient('windows');
  useMatMulGradient('plain');
  await useBackend('wasm');
});

/** SALscape's engine (its Conv2D, MaxPool and MatMul gradients) or stock TF.js throughout. */
function useGradients(kind: 'salscape' | 'tfjs'): void {
  useConvGradient(kind === 'tfjs' ? 'tfjs' : 'forward-conv');
  usePoolGradient(kind === 'tfjs' ? 'tfjs' : 'windows');
  useMatMulGradient(kind === 'tfjs' ? 'tfjs' : 'plain');
}

/** The textbook layer order, conv -> +bias -> relu -> pool, in plain TF.js ops. */
function textbookForward(spec: ModelSpec, ws: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor2D {
  let h = x;
  let wi = 0;
  for (const l of spec.layers) {
    if (l.kind === 'conv')
      h = tf.relu(
        tf.add(tf.conv2d(h as tf.Tensor4D, ws[wi++] as tf.Tensor4D, 1, l.padding), ws[wi++]!),
      );
    else if (l.kind === 'maxpool') h = tf.maxPool(h as tf.Tensor4D, l.size, l.size, 'valid');
    else if (l.kind === 'flatten') h = tf.reshape(h, [h.shape[0]!, -1]);
    else {
      if (h.rank !== 2) h = tf.reshape(h, [h.shape[0]!, -1]);
      h = tf.add(tf.matMul(h as tf.Tensor2D, ws[wi++] as tf.Tensor2D), ws[wi++]!);
      if (l.relu) h = tf.relu(h);
    }
  }
  return h as tf.Tensor2D;
}

/** Gradients of the mean CE w.r.t. every weight, as plain arrays, on the current backend. */
function gradients(
  model: (typeof MODEL_IDS)[number],
  set: ImageSet,
  fwd: typeof textbookForward = forward,
): Float32Array[] {
  const spec = buildSpec(model);
  const ws = snapshotToTensors(initSnapshot(spec, 11));
  const { x, y } = toTensors(set);
  const g = tf.grads((...w: tf.Tensor[]) => crossEntropy(fwd(spec, w, x), y))(ws);
  const out = g.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...ws, ...g, x, y]);
  return out;
}

describe('WASM with SALscape gradients against the reference (cpu backend, TF.js autodiff, textbook layer order)', () => {
  for (const model of MODEL_IDS) {
    it(`${model}: every weight's gradient within 1e-5 relative`, async () => {
      const batch = selectRunData(
        { ...defaultTrainConfig(), trainSize: 16, testSize: 10 },
        train,
        test,
      ).train;
      await useBackend('cpu');
      useGradients('tfjs');
      const ref = gradients(model, batch, textbookForward);
      await useBackend('wasm');
      useGradients('salscape');
      const ours = gradients(model, batch);
      ref.forEach((r, i) => {
        let maxDiff = 0;
        let maxRef = 0;
        for (let j = 0; j < r.length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(r[j]! - ours[i]![j]!));
          maxRef = Math.max(maxRef, Math.abs(r[j]!));
        }
        expect(maxRef).toBeGreaterThan(0);
        expect(maxDiff / maxRef).toBeLessThan(1e-5);
      });
    });
  }

  it('a 2-epoch cnn-s run on WASM matches the cpu backend within 1 point of test accuracy', async () => {
    const config = { ...defaultTrainConfig(), trainSize: 600, testSize: 300, epochs: 2, seed: 3 };
    const data = selectRunData(config, train, test);
    await useBackend('cpu');
    useGradients('tfjs');
    const cpu = await runTraining(config, data);
    await useBackend('wasm');
    useGradients('salscape');
    const wasm = await runTraining(config, data);
    const a = cpu.metrics[1]!.testAcc;
    const b = wasm.metrics[1]!.testAcc;
    expect(a).toBeGreaterThan(0.6); // it learned: chance is 0.1
    expect(Math.abs(a - b)).toBeLessThanOrEqual(0.01);
  });
});
