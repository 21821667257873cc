/**
 * Turns an ImageSet into the tensors the models eat. Scaling happens here, once, so every
 * engine sees the same [0, 1] inputs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from '../../core/dataset';

/** Image and label tensors of a set: x [N,H,W,C] float32 in [0,1], y [N] int32 class indices. */
export interface ImageTensors {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
}

/** Builds x = images / 255 as [N,H,W,C] float32 and y = labels as [N] int32; caller disposes. */
export function toTensors(set: ImageSet): ImageTensors {
  const { count, height, width, channels } = set;
  const n = count * height * width * channels;
  if (set.images.length !== n || set.labels.length !== count) {
    throw new Error(
      `toTensors: ${set.images.length} image bytes and ${set.labels.length} labels do not fit ` +
        `${count}x${height}x${width}x${channels}`,
    );
  }
  // One pass into a Float32Array beats tf.div on a uint8 tensor: no int32 intermediate.
  const xs = new Float32Array(n);
  for (let i = 0; i < n; i++) xs[i] = set.images[i]! / 255;
  const x = tf.tensor4d(xs, [count, height, width, channels], 'float32');
  const y = tf.tensor1d(Int32Array.from(set.labels), 'int32');
  return { x, y };
}
