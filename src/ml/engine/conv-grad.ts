/**
 * A Conv2D gradient written with forward convolutions only. The WASM backend has no
 * Conv2DBackpropFilter kernel (so stock TF.js cannot train a CNN on WASM at all), and its
 * Conv2DBackpropInput is slower than the equivalent padded forward convolution (measured: 7.8
 * against 2.1 ms for cnn-s conv2). Registering the gradient globally keeps saved models
 * standard: only the backward pass changes, never the graph or the weights' layout.
 *
 * Covers any stride, dilation 1, NHWC, 'valid' or 'same' padding (every conv in the zoo;
 * resnet-s has stride-2 convs); anything else falls back to TF.js's own gradient. A strided
 * conv is a stride-1 conv (with the strided conv's padding) sampled every s-th output, so its
 * gradients are the stride-1 ones of the output gradient with zeros put between its rows and
 * columns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { onCpuMemoryBackend, readInPlace } from './cpu-memory';
import { gradientSwitch, type GradConfig } from './gradient-switch';
import { convFilterGradSimd, simdKernelsAvailable, tiledFilterGrad } from './simd/simd-kernels';

type Conv2DAttrs = {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | unknown;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
};

const isOne = (v: number | [number, number]) =>
  Array.isArray(v) ? v[0] === 1 && v[1] === 1 : v === 1;

/** Padding [top, bottom, left, right], or a stride-1 conv's 'valid' / 'same'. */
export type ConvPad = 'valid' | 'same' | [number, number, number, number];

/** [top, bottom, left, right] padding TF.js applies for a stride-1 conv with kernel kh x kw. */
function padAmounts(pad: ConvPad, kh: number, kw: number): [number, number, number, number] {
  if (Array.isArray(pad)) return pad;
  if (pad === 'valid') return [0, 0, 0, 0];
  const top = Math.floor((kh - 1) / 2);
  const left = Math.floor((kw - 1) / 2);
  return [top, kh - 1 - top, left, kw - 1 - left];
}

/**
 * Padding passed to the conv itself: WASM's Pad kernel took ~0.6 ms for lenet5's 64 x 28 x 28
 * input (npm run bench:engine), XNNPACK pads inside the conv for free.
 */
const explicit = (t: number, b: number, l: number, r: number): tf.backend_util.ExplicitPadding => [
  [0, 0],
  [t, b],
  [l, r],
  [0, 0],
];

/**
 * True where a SIMD filter gradient (simd-kernels.ts) is the faster one, on a backend whose
 * tensors live in CPU memory: a conv on one input channel (the first layer on grey images) with
 * 4 or more filters, or channel counts that tile by 4 x 8. XNNPACK runs the forward-conv
 * formulation slowly here (its filter, the whole output gradient, is repacked on every call:
 * cnn-s conv1 at a tenth of its usual speed; vgg-s conv2 18.5 -> 6.5 ms with the tiled kernel).
 * Other channel counts (lenet5's conv2 on 6 channels) keep the convolution.
 */
function simdPays(x: tf.Tensor4D, co: number): boolean {
  const ci = x.shape[3];
  const shapeFits = (ci === 1 && co >= 4) || tiledFilterGrad(ci, co);
  return shapeFits && onCpuMemoryBackend() && simdKernelsAvailable();
}

/**
 * dL/dW for y = conv(x, W). 'conv': a convolution of the input (padded like the forward conv;
 * batch and channel axes swapped: [Ci, H, W, N]) with the output gradient used as a
 * [Ho, Wo, N, Co] kernel. 'simd': the SIMD kernel, x and dy read in place on WASM (nothing is
 * allocated before). 'auto': 'simd' where it pays.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kh: number,
  kw: number,
  pad: ConvPad,
  via: 'auto' | 'conv' | 'simd' = 'conv',
): tf.Tensor4D {
  const [t, b, l, r] = padAmounts(pad, kh, kw);
  const co = dy.shape[3];
  if (via === 'simd' || (via === 'auto' && simdPays(x, co))) {
    const [xd, dyd] = [readInPlace(x), readInPlace(dy)];
    const g = convFilterGradSimd(xd, x.shape, dyd, co, kh, kw, [t, b, l, r]);
    return tf.tensor4d(g, [kh, kw, x.shape[3], co]);
  }
  return tf.tidy(() => {
    const xs = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
    const f = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const g = tf.conv2d(xs, f, 1, explicit(t, b, l, r));
    return tf.transpose(g, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * dL/dx for y = conv(x, W): a convolution of the output gradient, padded to "full",
 * with the kernel flipped in space and its in/out axes swapped.
 */
export function conv2dInputGrad(dy: tf.Tensor4D, w: tf.Tensor4D, pad: ConvPad): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = w.shape;
    const [t, b, l, r] = padAmounts(pad, kh, kw);
    const wf = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    return tf.conv2d(dy, wf, 1, explicit(kh - 1 - t, kh - 1 - b, kw - 1 - l, kw - 1 - r));
  });
}

/**
 * The output gradient of a conv with strides [sh, sw] spread onto the stride-1 output grid
 * [h1, w1]: dy[i, j] at (i * sh, j * sw), zeros elsewhere (pads of rank 3 only, which every
 * backend has).
 */
export function spreadStrided(
  dy: tf.Tensor4D,
  sh: number,
  sw: number,
  h1: number,
  w1: number,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, ho, wo, c] = dy.shape;
    const rows = tf.pad(tf.reshape(dy, [n * ho, 1, wo * c]), [
      [0, 0],
      [0, sh - 1],
      [0, 0],
    ]);
    const cols = tf.pad(tf.reshape(rows, [n * ho * sh * wo, 1, c]), [
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ]);
    const full = tf.reshape(cols, [n, ho * sh, wo * sw, c]) as tf.Tensor4D;
    return h1 === ho * sh && w1 === wo * sw ? full : tf.slice(full, [0, 0, 0, 0], [n, h1, w1, c]);
  });
}

const pairOf = (v: number | [number, number]): [number, number] => (Array.isArray(v) ? v : [v, v]);

function forwardConvGradient(fallback: GradConfig): GradConfig {
  return {
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const a = attrs as unknown as Conv2DAttrs;
      const [x, w] = saved as [tf.Tensor4D, tf.Tensor4D];
      const simple =
        isOne(a.dilations) && a.dataFormat === 'NHWC' && (a.pad === 'valid' || a.pad === 'same');
      if (!simple) return fallback.gradFunc(dy, saved, attrs);
      const g = dy as tf.Tensor4D;
      const [kh, kw] = w.shape;
      if (isOne(a.strides)) {
        const pad = a.pad as 'valid' | 'same';
        return {
          x: () => conv2dInputGrad(g, w, pad),
          filter: () => conv2dFilterGrad(x, g, kh, kw, pad, 'auto'),
        };
      }
      const [sh, sw] = pairOf(a.strides);
      const info = tf.backend_util.computeConv2DInfo(
        x.shape,
        w.shape,
        [sh, sw],
        1,
        a.pad as 'valid' | 'same',
      );
      const p = info.padInfo;
      // The spread gradient covers ho * sh rows; rows past the stride-1 output (at most sh - 1)
      // are zeros, so the stride-1 conv may take them as extra bottom padding instead of a
      // slice (WASM's Slice of a 4D tensor took ~70 ms of a resnet-s step), while the input
      // gradient's padding, kh - 1 - bottom, stays non-negative.
      const h1 = x.shape[1] + p.top + p.bottom - kh + 1;
      const w1 = x.shape[2] + p.left + p.right - kw + 1;
      const [ho, wo] = [g.shape[1] * sh, g.shape[2] * sw];
      const grow = ho - h1 <= kh - 1 - p.bottom && wo - w1 <= kw - 1 - p.right;
      const pad: ConvPad = grow
        ? [p.top, p.bottom + ho - h1, p.left, p.right + wo - w1]
        : [p.top, p.bottom, p.left, p.right];
      const spread = () => spreadStrided(g, sh, sw, grow ? ho : h1, grow ? wo : w1);
      return {
        x: () => tf.tidy(() => conv2dInputGrad(spread(), w, pad)),
        filter: () => tf.tidy(() => conv2dFilterGrad(x, spread(), kh, kw, pad, 'auto')),
      };
    },
  };
}

/**
 * Chooses which Conv2D gradient autodiff uses: SALscape's forward-conv one (the default after
 * `installConvGradient`) or TF.js's own (the reference the tests compare against).
 */
export const useConvGradient: (kind: 'forward-conv' | 'tfjs') => void = gradientSwitch(
  'Conv2D',
  'forward-conv',
  forwardConvGradient,
);

/** Installs the forward-conv gradient for Conv2D once per process / worker. Idempotent. */
export function installConvGradient(): void {
  useConvGradient('forward-conv');
}
