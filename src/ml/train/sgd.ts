/** SGD with momentum and weight decay, in PyTorch's formulation, on plain weight tensors. */
import * as tf from '@tensorflow/tfjs-core';
import { onCpuMemoryBackend, readInPlace } from '../engine/cpu-memory';

/** Optimiser settings: lr, momentum mu, L2 weight decay wd (added to the gradient). */
export interface SgdSettings {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/**
 * One weight's update as plain arrays, float32 rounding after every operation exactly as TF.js's
 * mul/add/sub kernels round (a product or sum of two float32 values computed in double and
 * rounded once is the correctly rounded float32 result), so it matches the tensor version bit
 * for bit. `v` is null on the first step.
 */
export function sgdUpdate(
  w: Float32Array,
  g: Float32Array,
  v: Float32Array | null,
  { lr, momentum, weightDecay }: SgdSettings,
): { w: Float32Array; v: Float32Array } {
  const f = Math.fround;
  const [lr32, mu32, wd32] = [f(lr), f(momentum), f(weightDecay)];
  const nw = new Float32Array(w.length);
  const nv = new Float32Array(w.length);
  for (let i = 0; i < w.length; i++) {
    const gi = weightDecay > 0 ? f(g[i]! + f(w[i]! * wd32)) : g[i]!;
    const vi = v === null || momentum === 0 ? gi : f(f(v[i]! * mu32) + gi);
    nv[i] = vi;
    nw[i] = f(w[i]! - f(vi * lr32));
  }
  return { w: nw, v: nv };
}

/**
 * Holds the momentum buffers for a list of weights and applies
 * g' = g + wd*w; v = mu*v + g'; w = w - lr*v (PyTorch SGD, dampening 0, no Nesterov).
 * Weights are replaced by new kept tensors; the old ones are disposed.
 * On backends whose tensors live in CPU memory the update runs as one JavaScript loop per weight
 * (sgdUpdate): the tensor version is six small kernels per weight, 36 for cnn-s, whose launch
 * overhead was ~5% of a WASM training step (npm run bench:engine).
 */
export class Sgd {
  private velocity: tf.Tensor[] | null = null;

  constructor(private readonly s: SgdSettings) {}

  /** Returns the updated weights; disposes the given `weights` and `grads`. */
  step(weights: tf.Tensor[], grads: tf.Tensor[]): tf.Tensor[] {
    if (grads.length < weights.length) throw new Error(`no gradient for weight ${grads.length}`);
    return onCpuMemoryBackend()
      ? this.stepArrays(weights, grads)
      : this.stepTensors(weights, grads);
  }

  private stepArrays(weights: tf.Tensor[], grads: tf.Tensor[]): tf.Tensor[] {
    const oldV = this.velocity;
    // Everything is read (in place on WASM) before the first new tensor is allocated.
    const next = weights.map((w, i) =>
      sgdUpdate(
        readInPlace(w),
        readInPlace(grads[i]!),
        oldV ? readInPlace(oldV[i]!) : null,
        this.s,
      ),
    );
    const newV = next.map((u, i) => tf.keep(tf.tensor(u.v, weights[i]!.shape)));
    const newW = next.map((u, i) => tf.keep(tf.tensor(u.w, weights[i]!.shape)));
    oldV?.forEach((t) => t.dispose());
    this.velocity = newV;
    weights.forEach((t) => t.dispose());
    grads.forEach((t) => t.dispose());
    return newW;
  }

  private stepTensors(weights: tf.Tensor[], grads: tf.Tensor[]): tf.Tensor[] {
    const { lr, momentum, weightDecay } = this.s;
    const first = this.velocity === null;
    const oldV = this.velocity;
    const out = tf.tidy(() => {
      const newW: tf.Tensor[] = [];
      const newV: tf.Tensor[] = [];
      weights.forEach((w, i) => {
        const g0 = grads[i]!;
        const g = weightDecay > 0 ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
        const v = first || momentum === 0 ? g : tf.add(tf.mul(oldV![i]!, momentum), g);
        newV.push(tf.keep(v));
        newW.push(tf.keep(tf.sub(w, tf.mul(v, lr))));
      });
      return { newW, newV };
    });
    oldV?.forEach((t) => t.dispose());
    this.velocity = out.newV;
    // A zero-decay, first-step velocity can be the gradient tensor itself: keep it alive.
    weights.forEach((t) => t.dispose());
    grads.forEach((t) => {
      if (!out.newV.includes(t)) t.dispose();
    });
    return out.newW;
  }

  /** Frees the momentum buffers. */
  dispose(): void {
    this.velocity?.forEach((t) => t.dispose());
    this.velocity = null;
  }
}
