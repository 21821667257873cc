import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { Rng } from '../../src/core/rng';
import type { WeightSnapshot } from '../../src/core/weights';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { toTensors } from '../../src/ml/data/tensors';
import { defaultTrainConfig } from '../../src/core/train-config';
import { selectRunData } from '../../src/ml/train/run-training';
import { buildSpec, type ModelId } from '../../src/ml/models/zoo';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { evaluate } from '../../src/ml/train/evaluate';
import { createGridEvaluator } from '../../src/ml/engine/grid-eval';
import { CancelledError } from '../../src/ml/train/train-loop';

let data: { x: tf.Tensor4D; y: tf.Tensor1D };
beforeAll(async () => {
  await useBackend('wasm');
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
  data = toTensors(
    selectRunData({ ...defaultTrainConfig(), trainSize: 100, testSize: 150 }, train, test).test,
  );
});

function randomDir(s: WeightSnapshot, seed: number, scale: number): WeightSnapshot {
  const rng = new Rng(seed);
  return {
    names: s.names,
    shapes: s.shapes,
    data: s.data.map((d) => rng.fillNormal(new Float32Array(d.length), scale)),
  };
}

/** The naive way: build the weights in JavaScript and evaluate them, one point at a time. */
async function naive(
  model: ModelId,
  c: WeightSnapshot,
  d1: WeightSnapshot,
  d2: WeightSnapshot,
  a: number,
  b: number,
) {
  const w: WeightSnapshot = {
    ...c,
    data: c.data.map((v, i) => v.map((x, j) => x + a * d1.data[i]![j]! + b * d2.data[i]![j]!)),
  };
  const ts = snapshotToTensors(w);
  const r = await evaluate(buildSpec(model), ts, data.x, data.y);
  tf.dispose(ts);
  return r;
}

describe('grid evaluator', () => {
  const points = [0, 0, 0.5, -0.25, -1, 1, 0.1, 0.9, 1, 1];
  for (const model of ['cnn-s', 'lenet5', 'mlp', 'vgg-s'] as const) {
    for (const mode of ['parts', 'direct', 'patches', 'simd', 'auto'] as const) {
      it(`${model}, first layer ${mode}: equals the naive per-point evaluation`, async () => {
        const spec = buildSpec(model);
        const c = initSnapshot(spec, 4);
        const d1 = randomDir(c, 1, 0.05);
        const d2 = randomDir(c, 2, 0.05);
        const ev = createGridEvaluator(spec, c, [d1, d2], data, {
          firstLayer: mode,
          imageBatch: 64,
          pointsPerSync: 3,
        });
        // On WASM every explicit mode runs as asked ('patches' needs a conv first layer).
        const expected = mode === 'patches' && model === 'mlp' ? 'direct' : mode;
        if (mode !== 'auto') expect(ev.firstLayer).toBe(expected);
        const r = await ev.evaluate(points);
        ev.dispose();
        for (let p = 0; p < points.length / 2; p++) {
          const ref = await naive(model, c, d1, d2, points[2 * p]!, points[2 * p + 1]!);
          expect(r.loss[p]).toBeCloseTo(ref.loss, 4);
          expect(r.acc[p]).toBeCloseTo(ref.acc, 6);
        }
      });
    }
  }

  it("'auto' picks the SIMD kernel on WASM for a conv + pool or a dense first layer", () => {
    const picked = (model: ModelId) => {
      const spec = buildSpec(model);
      const c = initSnapshot(spec, 1);
      const ev = createGridEvaluator(spec, c, [c, c], data);
      ev.dispose();
      return ev.firstLayer;
    };
    expect(picked('cnn-s')).toBe('simd');
    expect(picked('lenet5')).toBe('simd');
    expect(picked('mlp')).toBe('simd');
    expect(picked('vgg-s')).toBe('patches'); // conv1 is followed by conv2, not a pool
  });

  it('L(0, 0) is the loss at the centre, and repeated surfaces leak no tensors', async () => {
    const spec = buildSpec('cnn-s');
    const c = initSnapshot(spec, 9);
    const ws = snapshotToTensors(c);
    const centre = await evaluate(spec, ws, data.x, data.y);
    tf.dispose(ws);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const ev = createGridEvaluator(
        spec,
        c,
        [randomDir(c, i, 0.1), randomDir(c, i + 10, 0.1)],
        data,
      );
      const r = await ev.evaluate([0, 0, 0.3, 0.3]);
      ev.dispose();
      expect(r.loss[0]).toBeCloseTo(centre.loss, 5);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports progress per block and can be cancelled', async () => {
    const spec = buildSpec('mlp');
    const c = initSnapshot(spec, 1);
    const ev = createGridEvaluator(spec, c, [randomDir(c, 1, 0.1), randomDir(c, 2, 0.1)], data, {
      pointsPerSync: 2,
    });
    const seen: number[] = [];
    await ev.evaluate(points, { onBlock: (done) => seen.push(done) });
    expect(seen).toEqual([2, 4, 5]);
    await expect(ev.evaluate(points, { shouldStop: () => true })).rejects.toBeInstanceOf(
      CancelledError,
    );
    ev.dispose();
  });
});
