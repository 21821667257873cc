import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { relErr } from './helpers/numeric';
import { Rng } from '../../src/core/rng';
import { conv2dFilterGrad, conv2dInputGrad, useConvGradient } from '../../src/ml/engine/conv-grad';

beforeAll(() => useBackend('wasm'));

/** Direct definition of a stride-1 NHWC convolution's gradients, as loops. */
function reference(
  x: Float32Array,
  xs: number[],
  w: Float32Array,
  ws: number[],
  dy: Float32Array,
  pad: 'valid' | 'same',
) {
  const [n, h, wd, ci] = xs as [number, number, number, number];
  const [kh, kw, , co] = ws as [number, number, number, number];
  const top = pad === 'same' ? Math.floor((kh - 1) / 2) : 0;
  const left = pad === 'same' ? Math.floor((kw - 1) / 2) : 0;
  const ho = pad === 'same' ? h : h - kh + 1;
  const wo = pad === 'same' ? wd : wd - kw + 1;
  const dW = new Float64Array(kh * kw * ci * co);
  const dX = new Float64Array(n * h * wd * ci);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < ho; y++)
      for (let xx = 0; xx < wo; xx++)
        for (let a = 0; a < kh; a++)
          for (let c = 0; c < kw; c++) {
            const iy = y + a - top;
            const ix = xx + c - left;
            if (iy < 0 || ix < 0 || iy >= h || ix >= wd) continue;
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++) {
                const g = dy[((b * ho + y) * wo + xx) * co + o]!;
                dW[((a * kw + c) * ci + i) * co + o]! += x[((b * h + iy) * wd + ix) * ci + i]! * g;
                dX[((b * h + iy) * wd + ix) * ci + i]! += w[((a * kw + c) * ci + i) * co + o]! * g;
              }
          }
  return { dW, dX, ho, wo };
}

describe('forward-conv gradients of Conv2D', () => {
  const cases = [
    { xs: [3, 9, 8, 2], ws: [3, 3, 2, 4], pad: 'valid' as const },
    { xs: [2, 10, 10, 3], ws: [5, 5, 3, 2], pad: 'same' as const },
    { xs: [2, 7, 9, 1], ws: [4, 2, 1, 3], pad: 'same' as const },
    { xs: [4, 12, 12, 6], ws: [5, 5, 6, 16], pad: 'valid' as const },
    // One input channel, 4+ filters: autodiff runs the SIMD kernel (6: overlapping last step).
    { xs: [3, 12, 11, 1], ws: [3, 3, 1, 8], pad: 'valid' as const },
    { xs: [2, 10, 10, 1], ws: [5, 5, 1, 6], pad: 'same' as const },
    { xs: [2, 9, 8, 1], ws: [4, 2, 1, 5], pad: 'same' as const },
    // Channels that tile by 4 x 8: the register-blocked SIMD kernel.
    { xs: [2, 9, 8, 4], ws: [3, 3, 4, 8], pad: 'valid' as const },
    { xs: [3, 7, 6, 8], ws: [5, 5, 8, 16], pad: 'same' as const },
  ];
  for (const { xs, ws, pad } of cases) {
    it(`x ${xs.join('x')}, kernel ${ws.join('x')}, ${pad}: equals the direct definition`, () => {
      const rng = new Rng(xs.reduce((a, b) => a * 31 + b, 0));
      const xd = rng.fillNormal(new Float32Array(xs.reduce((a, b) => a * b, 1)));
      const wdd = rng.fillNormal(new Float32Array(ws.reduce((a, b) => a * b, 1)));
      const probe = reference(xd, xs, wdd, ws, new Float32Array(0), pad);
      const dyd = rng.fillNormal(new Float32Array(xs[0]! * probe.ho * probe.wo * ws[3]!));
      const ref = reference(xd, xs, wdd, ws, dyd, pad);
      const x = tf.tensor4d(xd, xs as [number, number, number, number]);
      const w = tf.tensor4d(wdd, ws as [number, number, number, number]);
      const dy = tf.tensor4d(dyd, [xs[0]!, probe.ho, probe.wo, ws[3]!]);
      const gW = conv2dFilterGrad(x, dy, ws[0]!, ws[1]!, pad);
      const gX = conv2dInputGrad(dy, w, pad);
      expect(gW.shape).toEqual(ws);
      expect(gX.shape).toEqual(xs);
      expect(relErr(gW.dataSync(), ref.dW)).toBeLessThan(1e-5);
      if ((xs[3] === 1 && ws[3]! >= 4) || (xs[3]! % 4 === 0 && ws[3]! % 8 === 0)) {
        const sW = conv2dFilterGrad(x, dy, ws[0]!, ws[1]!, pad, 'simd');
        expect(sW.shape).toEqual(ws);
        expect(relErr(sW.dataSync(), ref.dW)).toBeLessThan(1e-5);
        sW.dispose();
      }
      expect(relErr(gX.dataSync(), ref.dX)).toBeLessThan(1e-5);
      // And the registered gradient is the one autodiff uses.
      const [aX, aW] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad), dy)),
      )([x, w]);
      expect(relErr(aW!.dataSync(), ref.dW)).toBeLessThan(1e-5);
      expect(relErr(aX!.dataSync(), ref.dX)).toBeLessThan(1e-5);
      tf.dispose([x, w, dy, gW, gX, aX!, aW!]);
    });
  }
});

describe('forward-conv gradients of strided Conv2D (resnet-s)', () => {
  // Against TF.js's own Conv2D gradient on the cpu backend (Conv2DBackpropFilter/Input).
  const cases = [
    { xs: [2, 28, 28, 8], ws: [3, 3, 8, 16], pad: 'same' as const },
    { xs: [2, 14, 14, 16], ws: [1, 1, 16, 32], pad: 'same' as const },
    { xs: [3, 7, 7, 4], ws: [3, 3, 4, 8], pad: 'same' as const },
    { xs: [2, 7, 7, 4], ws: [1, 1, 4, 8], pad: 'same' as const }, // needs the slice
    { xs: [2, 9, 8, 3], ws: [3, 3, 3, 5], pad: 'valid' as const },
  ];
  for (const { xs, ws, pad } of cases) {
    it(`x ${xs.join('x')}, kernel ${ws.join('x')}, stride 2, ${pad}: equals TF.js's gradient`, async () => {
      const rng = new Rng(xs[1]! * 7 + ws[0]!);
      const x = rng.fillNormal(new Float32Array(xs.reduce((a, b) => a * b, 1)));
      const w = rng.fillNormal(new Float32Array(ws.reduce((a, b) => a * b, 1)));
      const grads = () =>
        tf.tidy(() => {
          const xt = tf.tensor4d(x, xs as [number, number, number, number]);
          const wt = tf.tensor4d(w, ws as [number, number, number, number]);
          const f = (a: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, pad)));
          return tf
            .grads(f)([xt, wt])
            .map((g) => g.dataSync() as Float32Array);
        });
      await useBackend('cpu');
      useConvGradient('tfjs');
      const ref = grads();
      await useBackend('wasm');
      useConvGradient('forward-conv');
      const ours = grads();
      ref.forEach((r, i) => expect(relErr(ours[i]!, r)).toBeLessThan(1e-5));
    });
  }
});
