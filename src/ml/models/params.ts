/** Seeded weight initialisation and conversion between weight tensors and plain snapshots. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../core/rng';
import { shapeSize, type WeightSnapshot } from '../../core/weights';
import { paramInfos } from './zoo';
import type { ModelSpec } from '../../core/model-spec';

/**
 * Initial weights as in PyTorch's default for Conv2d/Linear (kaiming-uniform with a = sqrt(5)):
 * kernels and biases ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); BatchNorm as PyTorch's BatchNorm2d. Chosen so the app's numbers are
 * comparable with the PyTorch measurements in the README. Drawn in JS from the seed, so
 * every backend starts from the same bits.
 */
export function initSnapshot(spec: ModelSpec, seed: number): WeightSnapshot {
  const rng = new Rng(deriveSeed(seed, `init/${spec.id}`));
  const infos = paramInfos(spec);
  return {
    names: infos.map((p) => p.name),
    shapes: infos.map((p) => [...p.shape]),
    data: infos.map((p) => {
      // BatchNorm as PyTorch starts it: gamma 1, beta 0, running mean 0, running variance 1.
      if (p.role === 'gamma' || p.role === 'movingVariance')
        return new Float32Array(shapeSize(p.shape)).fill(1);
      if (p.role === 'beta' || p.role === 'movingMean') return new Float32Array(shapeSize(p.shape));
      const bound = 1 / Math.sqrt(p.fanIn);
      return rng.fillUniform(new Float32Array(shapeSize(p.shape)), -bound, bound);
    }),
  };
}

/** Kept tensors made from a snapshot, one per weight, in snapshot order. Caller disposes. */
export function snapshotToTensors(s: WeightSnapshot): tf.Tensor[] {
  return s.data.map((d, i) => tf.keep(tf.tensor(d, s.shapes[i], 'float32')));
}

/** Reads weight tensors back into a snapshot (async, so WebGL/WebGPU need not block). */
export async function tensorsToSnapshot(
  names: string[],
  tensors: readonly tf.Tensor[],
): Promise<WeightSnapshot> {
  const data = await Promise.all(tensors.map((t) => t.data<'float32'>()));
  return {
    names: [...names],
    shapes: tensors.map((t) => [...t.shape]),
    data: data.map((d) => (d instanceof Float32Array ? d.slice() : Float32Array.from(d))),
  };
}
