import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { Rng } from '../../src/core/rng';
import { Sgd, sgdUpdate, type SgdSettings } from '../../src/ml/train/sgd';

beforeAll(() => useBackend('wasm'));

/** PyTorch's SGD step written with TF.js tensor ops: the definition the arrays must match. */
function tensorStep(w: tf.Tensor, g: tf.Tensor, v: tf.Tensor | null, s: SgdSettings) {
  return tf.tidy(() => {
    const gd = s.weightDecay > 0 ? tf.add(g, tf.mul(w, s.weightDecay)) : g;
    const nv = v === null || s.momentum === 0 ? gd : tf.add(tf.mul(v, s.momentum), gd);
    return { w: tf.sub(w, tf.mul(nv, s.lr)), v: tf.clone(nv) };
  });
}

describe('SGD with momentum and weight decay', () => {
  const settings: SgdSettings[] = [
    { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 },
    { lr: 0.1, momentum: 0, weightDecay: 0 },
    { lr: 0.013, momentum: 0.5, weightDecay: 0 },
  ];
  for (const s of settings) {
    it(`lr ${s.lr}, momentum ${s.momentum}, decay ${s.weightDecay}: the array update equals the tensor ops bit for bit`, () => {
      const rng = new Rng(Math.round(s.lr * 1000));
      const n = 1001;
      let w = rng.fillNormal(new Float32Array(n));
      let v: Float32Array | null = null;
      let wt: tf.Tensor = tf.tensor1d(w);
      let vt: tf.Tensor | null = null;
      for (let step = 0; step < 4; step++) {
        const g = rng.fillNormal(new Float32Array(n), 3);
        ({ w, v } = sgdUpdate(w, g, v, s));
        const gt = tf.tensor1d(g);
        const next = tensorStep(wt, gt, vt, s);
        tf.dispose([wt, gt, ...(vt ? [vt] : [])]);
        [wt, vt] = [next.w, next.v];
        expect(Array.from(w)).toEqual(Array.from(wt.dataSync()));
        expect(Array.from(v)).toEqual(Array.from(vt.dataSync()));
      }
      tf.dispose([wt, ...(vt ? [vt] : [])]);
    });
  }

  it('matches a two-step trace worked out by hand (PyTorch formulation)', () => {
    // Loss L(w) = w1^2 + w2^2 / 2, so grad = [2 w1, w2]; lr 0.1, momentum 0.9, decay 5e-4.
    // PyTorch: d = g + decay * w; v = d on the first step, else momentum * v + d; w -= lr * v.
    // Step 1, w = [1, -2]: g = [2, -2]; d = [2.0005, -2.001]; v = d;
    //   w = [1 - 0.20005, -2 + 0.2001] = [0.79995, -1.7999].
    // Step 2: g = [1.5999, -1.7999]; d = g + 5e-4 w = [1.600299975, -1.80079995];
    //   v = 0.9 [2.0005, -2.001] + d = [3.400749975, -3.60169995];
    //   w = [0.79995 - 0.3400749975, -1.7999 + 0.360169995] = [0.4598750025, -1.439730005].
    const s = { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 };
    const trace = [
      { w: [0.79995, -1.7999], v: [2.0005, -2.001] },
      { w: [0.4598750025, -1.439730005], v: [3.400749975, -3.60169995] },
    ];
    const close = (got: ArrayLike<number>, want: number[]) =>
      want.forEach((x, i) => expect(Math.abs(got[i]! - x)).toBeLessThan(1e-6));
    // The array update, with gradients from the formula.
    let w: Float32Array = Float32Array.from([1, -2]);
    let v: Float32Array | null = null;
    for (const want of trace) {
      ({ w, v } = sgdUpdate(w, Float32Array.from([2 * w[0]!, w[1]!]), v, s));
      close(w, want.w);
      close(v, want.v);
    }
    // The tensor optimiser, with gradients from tf.grad of the loss.
    const before = tf.memory().numTensors;
    const sgd = new Sgd(s);
    const loss = (x: tf.Tensor) => tf.sum(tf.mul(tf.square(x), tf.tensor1d([1, 0.5])));
    let ws: tf.Tensor[] = [tf.tensor1d([1, -2])];
    for (const want of trace) {
      ws = sgd.step(ws, [tf.grad(loss)(ws[0]!)]);
      close(ws[0]!.dataSync(), want.w);
    }
    tf.dispose(ws);
    sgd.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Sgd.step on WASM follows sgdUpdate, keeps shapes and leaks no tensors', () => {
    const s = { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };
    const rng = new Rng(4);
    const shapes = [[3, 3, 1, 4], [4], [36, 10]];
    const init = shapes.map((sh) => rng.fillNormal(new Float32Array(sh.reduce((a, b) => a * b))));
    const sgd = new Sgd(s);
    const before = tf.memory().numTensors;
    let ws = init.map((d, i) => tf.tensor(d, shapes[i]));
    let ref = init.map((d) => ({ w: d, v: null as Float32Array | null }));
    for (let step = 0; step < 3; step++) {
      const gs = init.map((d) => rng.fillNormal(new Float32Array(d.length)));
      ref = ref.map((r, i) => sgdUpdate(r.w, gs[i]!, r.v, s));
      ws = sgd.step(
        ws,
        gs.map((g, i) => tf.tensor(g, shapes[i])),
      );
      ws.forEach((t, i) => {
        expect(t.shape).toEqual(shapes[i]);
        expect(Array.from(t.dataSync())).toEqual(Array.from(ref[i]!.w));
      });
    }
    tf.dispose(ws);
    sgd.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
