import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { Rng } from '../../src/core/rng';
import { maxPoolWindowGradData, usePoolGradient } from '../../src/ml/engine/pool-grad';
import { forward } from '../../src/ml/models/forward';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { buildSpec, MODEL_IDS } from '../../src/ml/models/zoo';

type Shape = [number, number, number, number];

beforeAll(() => useBackend('wasm'));
afterAll(async () => {
  usePoolGradient('windows');
  await useBackend('wasm');
});

/**
 * Inputs full of ties: values drawn from a few levels, with ReLU-like runs of zeros and
 * whole windows of zeros, the cases where "first maximum" matters.
 */
function tiedInput(shape: Shape, seed: number): Float32Array {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniform(0, 1) < 0.5 ? 0 : rng.int(3);
  for (let i = 0; i < Math.min(n, 64); i++) x[i] = 0;
  return x;
}

/** d maxPool(x) / dx with TF.js's own MaxPoolGrad on `backend`, applied to dy. */
async function tfjsGrad(
  backend: 'cpu' | 'wasm',
  kind: 'tfjs' | 'windows',
  x: Float32Array,
  shape: Shape,
  dy: Float32Array,
  k: number,
  stride = k,
  pad: 'valid' | 'same' = 'valid',
): Promise<Float32Array> {
  await useBackend(backend);
  usePoolGradient(kind);
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, shape);
    const y = tf.maxPool(xt, k, stride, pad);
    const g = tf.grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, k, stride, pad))(
      xt,
      tf.tensor(dy, y.shape) as tf.Tensor4D,
    );
    return g.dataSync() as Float32Array;
  });
}

const outSize = (shape: Shape, k: number) =>
  shape[0] * Math.floor(shape[1] / k) * Math.floor(shape[2] / k) * shape[3];

describe('max-pool window gradient', () => {
  const cases: [Shape, number][] = [
    [[2, 8, 8, 3], 2],
    [[3, 13, 13, 8], 2], // odd: the last row and column belong to no window
    [[2, 11, 10, 16], 2],
    [[2, 10, 12, 6], 2], // SIMD kernel, 6 channels: its last 4-channel step overlaps
    [[1, 7, 6, 5], 2],
    [[2, 9, 9, 2], 3],
  ];
  for (const [shape, k] of cases) {
    it(`${shape.join('x')}, ${k}x${k}: equals the cpu backend's MaxPoolGrad exactly, ties included`, async () => {
      const x = tiedInput(shape, shape[1] * 31 + k);
      const dy = new Rng(7).fillUniform(new Float32Array(outSize(shape, k)), -1, 1);
      const ref = await tfjsGrad('cpu', 'tfjs', x, shape, dy, k);
      expect(Array.from(maxPoolWindowGradData(x, dy, shape, k))).toEqual(Array.from(ref));
      // Each window's gradient lands on exactly one input, so the mass is conserved.
      const sum = (a: Float32Array) => a.reduce((s, v) => s + Math.abs(v), 0);
      expect(sum(ref)).toBeCloseTo(sum(dy), 3);
      // And as the registered gradient, on WASM and on cpu.
      expect(Array.from(await tfjsGrad('wasm', 'windows', x, shape, dy, k))).toEqual(
        Array.from(ref),
      );
      expect(Array.from(await tfjsGrad('cpu', 'windows', x, shape, dy, k))).toEqual(
        Array.from(ref),
      );
    });
  }

  it('all-zero windows send their gradient to the window’s first element', () => {
    const shape: Shape = [1, 2, 2, 1];
    const g = maxPoolWindowGradData(new Float32Array(4), Float32Array.of(5), shape, 2);
    expect(Array.from(g)).toEqual([5, 0, 0, 0]);
    const tie = maxPoolWindowGradData(Float32Array.of(0, 1, 1, 1), Float32Array.of(5), shape, 2);
    expect(Array.from(tie)).toEqual([0, 5, 0, 0]);
  });

  it("overlapping or padded pools fall back to TF.js's gradient", async () => {
    const shape: Shape = [1, 6, 6, 2];
    const x = tiedInput(shape, 3);
    for (const [k, stride, pad] of [
      [3, 1, 'valid'],
      [2, 2, 'same'],
    ] as const) {
      const size = tf.tidy(() => tf.maxPool(tf.zeros(shape) as tf.Tensor4D, k, stride, pad).size);
      const dy = new Rng(k).fillUniform(new Float32Array(size), -1, 1);
      const ref = await tfjsGrad('wasm', 'tfjs', x, shape, dy, k, stride, pad);
      const ours = await tfjsGrad('wasm', 'windows', x, shape, dy, k, stride, pad);
      expect(Array.from(ours)).toEqual(Array.from(ref));
    }
  });

  it('leaves no tensors behind', async () => {
    await useBackend('wasm');
    usePoolGradient('windows');
    const shape: Shape = [4, 12, 12, 3];
    const x = tf.tensor4d(tiedInput(shape, 9), shape);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(x);
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('forward: conv then pool runs as relu(maxPool(conv) + b)', () => {
  for (const model of MODEL_IDS) {
    it(`${model}: the training forward pass equals the fused inference one bit for bit`, async () => {
      await useBackend('cpu');
      const spec = buildSpec(model);
      const ws = snapshotToTensors(initSnapshot(spec, 5));
      const x = tf.tensor4d(
        tiedInput([4, 28, 28, 1], 1).map((v) => v / 2),
        [4, 28, 28, 1],
      );
      const plain = forward(spec, ws, x, false);
      const fused = forward(spec, ws, x, true);
      expect(Array.from(plain.dataSync())).toEqual(Array.from(fused.dataSync()));
      tf.dispose([...ws, x, plain, fused]);
    });
  }
});
