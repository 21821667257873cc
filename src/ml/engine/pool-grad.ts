/**
 * An exact MaxPool gradient for non-overlapping k x k windows (stride k, 'valid'): a plain loop
 * over the windows, for backends whose tensors live in CPU memory (wasm, cpu); GPU backends and
 * other pools keep TF.js's gradient. WASM's MaxPoolGrad kernel was 35-40% of a cnn-s training
 * step and this loop is ~2.5x faster; WASM's MaxPoolWithArgmax returned wrong indices in ~5% of
 * windows, and the tensor-op versions measured (strided slices + masks + concat; transpose +
 * argMax + oneHot) were slower than the loop, because WASM's Slice, Concat and broadcasting
 * Multiply are slow. 2x2 windows over 4 or more channels (every pool in the zoo)
 * run in a WebAssembly SIMD kernel instead (simd/simd-kernels.ts, ~2.5x faster again: the
 * loop's comparisons are unpredictable branches). Registered globally like conv-grad.ts: saved
 * models stay standard, only the backward pass changes.
 *
 * Semantics are TF.js's cpu backend's: the whole gradient of a window goes to its FIRST
 * maximum in row-major order. Ties are common (zeros after ReLU, equal background pixels), so
 * an equality mask alone would split or duplicate the gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { onCpuMemoryBackend, readInPlace } from './cpu-memory';
import { gradientSwitch, type GradConfig } from './gradient-switch';
import { maxPool2GradSimd, simdKernelsAvailable } from './simd/simd-kernels';

type MaxPoolAttrs = {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | unknown;
  dimRoundingMode?: unknown;
};

const pair = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v]);

/**
 * dL/dx of y = maxPool(x, k, k, 'valid') as plain arrays: x [n, h, w, c] and dy
 * [n, floor(h/k), floor(w/k), c], row-major. Rows/columns beyond the last full window get
 * zero, as in TF.js. Each window's gradient goes to its first strict maximum (the cpu
 * backend's `pixel > maxValue` scan).
 */
export function maxPoolWindowGradData(
  x: Float32Array,
  dy: Float32Array,
  [n, h, w, c]: readonly [number, number, number, number],
  k: number,
): Float32Array {
  const out = new Float32Array(n * h * w * c);
  if (k === 2) window2(x, dy, out, n, h, w, c);
  else windowK(x, dy, out, n, h, w, c, k);
  return out;
}

/** The 2x2 case unrolled: 2-3x faster than the general loop in V8 (every zoo pool is 2x2). */
function window2(
  x: Float32Array,
  dy: Float32Array,
  out: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
): void {
  const ho = h >> 1;
  const wo = w >> 1;
  const row = w * c;
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++) {
      const top = (b * h + 2 * i) * row;
      for (let j = 0; j < wo; j++) {
        const corner = top + 2 * j * c;
        for (let ch = 0; ch < c; ch++, o++) {
          const a0 = corner + ch;
          const a1 = a0 + c;
          const a2 = a0 + row;
          const a3 = a2 + c;
          let best = a0;
          let max = x[a0]!;
          if (x[a1]! > max) {
            max = x[a1]!;
            best = a1;
          }
          if (x[a2]! > max) {
            max = x[a2]!;
            best = a2;
          }
          if (x[a3]! > max) best = a3;
          out[best] = dy[o]!;
        }
      }
    }
}

function windowK(
  x: Float32Array,
  dy: Float32Array,
  out: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  k: number,
): void {
  const ho = Math.floor(h / k);
  const wo = Math.floor(w / k);
  let o = 0;
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++) {
        const corner = ((b * h + i * k) * w + j * k) * c;
        for (let ch = 0; ch < c; ch++, o++) {
          let best = corner + ch;
          let max = x[best]!;
          for (let r = 0; r < k; r++)
            for (let s = 0; s < k; s++) {
              const at = corner + (r * w + s) * c + ch;
              if (x[at]! > max) {
                max = x[at]!;
                best = at;
              }
            }
          out[best] = dy[o]!;
        }
      }
}

/**
 * The same on tensors. Only for backends whose data already lives in CPU memory (wasm, cpu).
 * On WASM the inputs are read as views of its heap: nothing allocates WASM memory until the
 * result is uploaded, so the views cannot be detached by a heap growth in between.
 */
export function maxPoolWindowGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number): tf.Tensor4D {
  const [xd, dyd] = [readInPlace(x), readInPlace(dy)];
  // 2x2 windows over 4+ channels: the SIMD kernel (simd-kernels.ts), ~3x faster than the loop.
  const data =
    k === 2 && x.shape[3] >= 4 && simdKernelsAvailable()
      ? maxPool2GradSimd(xd, dyd, x.shape)
      : maxPoolWindowGradData(xd, dyd, x.shape, k);
  return tf.tensor4d(data, x.shape);
}

function windowGradient(fallback: GradConfig): GradConfig {
  return {
    kernelName: 'MaxPool',
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as MaxPoolAttrs;
      const [kh, kw] = pair(a.filterSize);
      const [sh, sw] = pair(a.strides);
      const x = saved[0] as tf.Tensor4D;
      const simple =
        kh === kw &&
        sh === kh &&
        sw === kw &&
        a.pad === 'valid' &&
        x.rank === 4 &&
        x.dtype === 'float32' &&
        onCpuMemoryBackend();
      if (!simple) return fallback.gradFunc(dy, saved, attrs);
      return { x: () => maxPoolWindowGrad(x, dy as tf.Tensor4D, kh) };
    },
  };
}

/**
 * Chooses which MaxPool gradient autodiff uses: SALscape's window one (the default after
 * `installPoolGradient`) or TF.js's own MaxPoolGrad kernel (the reference in tests).
 */
export const usePoolGradient: (kind: 'windows' | 'tfjs') => void = gradientSwitch(
  'MaxPool',
  'windows',
  windowGradient,
);

/** Installs the window gradient for MaxPool once per process / worker. Idempotent. */
export function installPoolGradient(): void {
  usePoolGradient('windows');
}
