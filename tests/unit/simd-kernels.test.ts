import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng';
import { KERNELS_WASM_BASE64 } from '../../src/ml/engine/simd/kernels-wasm';
import {
  maxPool2GradSimd,
  PooledParts,
  simdKernelsAvailable,
} from '../../src/ml/engine/simd/simd-kernels';
import { maxPoolWindowGradData } from '../../src/ml/engine/pool-grad';
import { compileKernels } from '../../scripts/wasm-compile';

type Shape = [number, number, number, number];

describe('SIMD kernels', () => {
  it('the committed module is kernels.wat compiled (npm run build:wasm)', async () => {
    const fresh = Buffer.from(await compileKernels()).toString('base64');
    expect(KERNELS_WASM_BASE64).toBe(fresh);
    expect(simdKernelsAvailable()).toBe(true);
  });

  describe('maxPool2Grad equals the plain loop exactly (first maximum wins)', () => {
    const shapes: Shape[] = [
      [3, 26, 26, 8],
      [2, 11, 11, 16], // odd: last row and column in no window, must stay zero
      [2, 10, 12, 6], // last 4-channel step overlaps the one before
      [1, 2, 2, 4],
      [2, 5, 7, 5],
    ];
    for (const shape of shapes) {
      it(shape.join('x'), () => {
        const rng = new Rng(shape[1] * 7 + shape[3]);
        const size = shape.reduce((a, b) => a * b, 1);
        // Few levels and many zeros: ties in most windows.
        const x = Float32Array.from({ length: size }, () =>
          rng.uniform(0, 1) < 0.4 ? 0 : rng.int(3),
        );
        const dy = rng.fillUniform(
          new Float32Array(shape[0] * (shape[1] >> 1) * (shape[2] >> 1) * shape[3]),
          -1,
          1,
        );
        const ref = maxPoolWindowGradData(x, dy, shape, 2);
        expect(Array.from(maxPool2GradSimd(x, dy, shape))).toEqual(Array.from(ref));
      });
    }
    it('refuses fewer than 4 channels', () => {
      expect(() =>
        maxPool2GradSimd(new Float32Array(12), new Float32Array(3), [1, 2, 2, 3]),
      ).toThrow(/4 channels/);
    });
  });

  describe('PooledParts: relu(maxPool(z0 + a z1 + b z2)) in float32', () => {
    /** Plain reference with float32 rounding after each operation, like the kernel. */
    function reference(
      parts: Float32Array[],
      [n, h, w, c]: Shape,
      pool: number,
      relu: boolean,
      a: number,
      b: number,
    ): Float32Array {
      const f = Math.fround;
      // The kernel takes a and b as float32.
      [a, b] = [f(a), f(b)];
      const ho = Math.floor(h / pool);
      const wo = Math.floor(w / pool);
      const out = new Float32Array(n * ho * wo * c);
      let o = 0;
      for (let bn = 0; bn < n; bn++)
        for (let i = 0; i < ho; i++)
          for (let j = 0; j < wo; j++)
            for (let ch = 0; ch < c; ch++, o++) {
              let m = -Infinity;
              for (let r = 0; r < pool; r++)
                for (let q = 0; q < pool; q++) {
                  const at = ((bn * h + i * pool + r) * w + j * pool + q) * c + ch;
                  const v = f(f(parts[0]![at]! + f(a * parts[1]![at]!)) + f(b * parts[2]![at]!));
                  m = Number.isNaN(v) || Number.isNaN(m) ? NaN : Math.max(m, v);
                }
              out[o] = relu && !Number.isNaN(m) ? Math.max(0, m) : m;
            }
      return out;
    }

    const cases: [Shape, number, boolean][] = [
      [[3, 28, 28, 6], 2, true], // lenet5's conv1 + pool1
      [[2, 26, 26, 8], 2, true], // cnn-s's
      [[2, 9, 7, 3], 3, true], // a row and a column outside every window; outputs not a multiple of 4
      [[5, 1, 1, 7], 1, false], // a dense first layer without ReLU
      [[4, 1, 1, 10], 1, true],
    ];
    for (const [shape, pool, relu] of cases) {
      it(`${shape.join('x')}, pool ${pool}, relu ${relu}`, () => {
        const rng = new Rng(shape[3] * 13 + pool);
        const size = shape.reduce((p, q) => p * q, 1);
        const parts = [0, 1, 2].map(() => rng.fillNormal(new Float32Array(size)));
        const pp = new PooledParts(
          parts as [Float32Array, Float32Array, Float32Array],
          shape,
          pool,
          relu,
        );
        expect(pp.outShape).toEqual([
          shape[0],
          Math.floor(shape[1] / pool),
          Math.floor(shape[2] / pool),
          shape[3],
        ]);
        for (const [a, b] of [
          [0, 0],
          [0.7, -1.3],
          [-2, 0.25],
        ] as const)
          expect(Array.from(pp.at(a, b))).toEqual(
            Array.from(reference(parts, shape, pool, relu, a, b)),
          );
      });
    }

    it('a NaN anywhere in a window makes that output NaN (as TF.js MaxPool and Relu do)', () => {
      const shape: Shape = [1, 2, 4, 4];
      const z = new Float32Array(32).fill(1);
      z[4] = NaN; // window 0, position 1, channel 0
      const pp = new PooledParts([z, new Float32Array(32), new Float32Array(32)], shape, 2, true);
      const out = Array.from(pp.at(0.5, 0.5));
      expect(Number.isNaN(out[0])).toBe(true);
      expect(out.slice(1)).toEqual([1, 1, 1, 1, 1, 1, 1]);
    });
  });
});
