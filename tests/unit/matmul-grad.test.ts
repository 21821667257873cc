import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { relErr } from './helpers/numeric';
import { Rng } from '../../src/core/rng';
import { useMatMulGradient } from '../../src/ml/engine/matmul-grad';

afterAll(async () => {
  useMatMulGradient('plain');
  await useBackend('wasm');
});

/** d/da and d/db of sum(op(a) op(b) * dy) on the current backend and gradient. */
function grads(
  a: Float32Array,
  as: number[],
  b: Float32Array,
  bs: number[],
  ta: boolean,
  tb: boolean,
  dy: Float32Array,
) {
  return tf.tidy(() => {
    const at = tf.tensor2d(a, as as [number, number]);
    const bt = tf.tensor2d(b, bs as [number, number]);
    const y = tf.matMul(at, bt, ta, tb);
    const dyt = tf.tensor2d(dy, y.shape as [number, number]);
    const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, ta, tb), dyt)),
    )([at, bt]);
    return [ga!.dataSync() as Float32Array, gb!.dataSync() as Float32Array] as const;
  });
}

describe('MatMul gradient with explicit transposes', () => {
  const [m, k, n] = [7, 5, 3];
  for (const ta of [false, true])
    for (const tb of [false, true])
      it(`transposeA ${ta}, transposeB ${tb}: equals TF.js's gradient on the cpu backend`, async () => {
        const rng = new Rng(Number(ta) * 2 + Number(tb) + 1);
        const as = ta ? [k, m] : [m, k];
        const bs = tb ? [n, k] : [k, n];
        const a = rng.fillNormal(new Float32Array(m * k));
        const b = rng.fillNormal(new Float32Array(k * n));
        const dy = rng.fillNormal(new Float32Array(m * n));
        await useBackend('cpu');
        useMatMulGradient('tfjs');
        const [refA, refB] = grads(a, as, b, bs, ta, tb, dy);
        await useBackend('wasm');
        useMatMulGradient('plain');
        const [gA, gB] = grads(a, as, b, bs, ta, tb, dy);
        expect(gA.length).toBe(m * k);
        expect(relErr(gA, refA)).toBeLessThan(1e-6);
        expect(relErr(gB, refB)).toBeLessThan(1e-6);
      });
});
