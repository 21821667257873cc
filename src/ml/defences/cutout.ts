/**
 * Cutout (DeVries & Taylor 2017) as a loop defence: every batch, each image gets one square of
 * `size` x `size` zeros (all channels) at a seeded position fully inside the image.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../core/rng';
import type { BatchTransform } from '../train/train-loop';

/** A [count, height, width] mask of ones with one zero square per image, placed by `rng`. */
export function cutoutMask(
  count: number,
  height: number,
  width: number,
  size: number,
  rng: Rng,
): Float32Array {
  const s = Math.min(size, height, width);
  const mask = new Float32Array(count * height * width).fill(1);
  for (let n = 0; n < count; n++) {
    const top = rng.int(height - s + 1);
    const left = rng.int(width - s + 1);
    for (let y = top; y < top + s; y++)
      mask.fill(0, (n * height + y) * width + left, (n * height + y) * width + left + s);
  }
  return mask;
}

/** The batch transform: a fresh seeded mask per (epoch, step). */
export function cutoutTransform(size: number, seed: number): BatchTransform {
  return (xb, _yb, { epoch, step }) => {
    const [b, h, w] = xb.shape;
    const rng = new Rng(deriveSeed(seed, `defence/cutout/${epoch}/${step}`));
    const mask = tf.tensor4d(cutoutMask(b, h, w, size, rng), [b, h, w, 1]);
    return { x: tf.mul(xb, mask) };
  };
}
