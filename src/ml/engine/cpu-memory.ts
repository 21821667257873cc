/**
 * Tensors of the wasm and cpu backends live in CPU memory, so SALscape's JavaScript and SIMD
 * kernels can read them directly; GPU backends keep TF.js's own kernels and gradients.
 */
import * as tf from '@tensorflow/tfjs-core';

const CPU_MEMORY = new Set(['wasm', 'cpu']);

/** True when the current backend keeps tensors in CPU memory. */
export function onCpuMemoryBackend(): boolean {
  return CPU_MEMORY.has(tf.getBackend());
}

/** The WASM backend's view of a tensor's bytes in its heap (no copy), when it has one. */
interface HeapViews {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * A float32 tensor's values: on WASM a view of its heap (no copy), valid only until the next
 * allocation in that heap (so read everything before creating a tensor); elsewhere dataSync().
 */
export function readInPlace(t: tf.Tensor): Float32Array {
  const be = tf.backend() as unknown as Partial<HeapViews>;
  return be.typedArrayFromHeap ? be.typedArrayFromHeap(t) : (t.dataSync() as Float32Array);
}
