/**
 * MatMul's gradient with its transposes spelled out. TF.js's own gradient multiplies with
 * transposeA / transposeB set, and the WASM backend runs every transposed (or batched) matMul
 * through a naive triple loop instead of XNNPACK: a dense layer's two gradient products took
 * ~0.6 ms of a cnn-s training step and ~3 ms of a lenet5 one (npm run bench:engine). An
 * explicit transpose of the smaller operand followed by a plain matMul keeps both on XNNPACK.
 * Registered globally like conv-grad.ts; other backends keep TF.js's gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gradientSwitch, type GradConfig } from './gradient-switch';

type MatMulAttrs = { transposeA: boolean; transposeB: boolean };

/** a x b (each transposed first when asked) with only untransposed rank-2 matMuls. */
export function plainMatMul(a: tf.Tensor2D, b: tf.Tensor2D, ta: boolean, tb: boolean): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b));
}

const XNN_PLAIN_ONLY = new Set(['wasm']);

function plainGradient(fallback: GradConfig): GradConfig {
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      if (a.rank !== 2 || b.rank !== 2 || !XNN_PLAIN_ONLY.has(tf.getBackend()))
        return fallback.gradFunc(dy, saved, attrs);
      const { transposeA: ta, transposeB: tb } = attrs as unknown as MatMulAttrs;
      const [A, B, G] = [a, b, dy] as tf.Tensor2D[] as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      // d(op(A) op(B)) with op = transpose or not: TF.js's four cases, rewritten.
      return {
        a: () => (ta ? plainMatMul(B, G, tb, true) : plainMatMul(G, B, false, !tb)),
        b: () => (tb ? plainMatMul(G, A, true, ta) : plainMatMul(A, G, !ta, false)),
      };
    },
  };
}

/** Chooses which MatMul gradient autodiff uses: the plain one (after install) or TF.js's. */
export const useMatMulGradient: (kind: 'plain' | 'tfjs') => void = gradientSwitch(
  'BatchMatMul',
  'plain',
  plainGradient,
);

/** Installs the plain MatMul gradient once per process / worker. Idempotent. */
export function installMatMulGradient(): void {
  useMatMulGradient('plain');
}
