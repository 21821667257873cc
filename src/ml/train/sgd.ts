/** SGD with momentum and weight decay, in PyTorch's formulation, on plain weight tensors. */
import * as tf from '@tensorflow/tfjs-core';

/** Optimiser settings: lr, momentum mu, L2 weight decay wd (added to the gradient). */
export interface SgdSettings {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/**
 * Holds the momentum buffers for a list of weights and applies
 * g' = g + wd*w; v = mu*v + g'; w = w - lr*v (PyTorch SGD, dampening 0, no Nesterov).
 * Weights are replaced by new kept tensors; the old ones are disposed.
 */
export class Sgd {
  private velocity: tf.Tensor[] | null = null;

  constructor(private readonly s: SgdSettings) {}

  /** Returns the updated weights; disposes the given `weights` and `grads`. */
  step(weights: tf.Tensor[], grads: tf.Tensor[]): tf.Tensor[] {
    const { lr, momentum, weightDecay } = this.s;
    const first = this.velocity === null;
    const oldV = this.velocity;
    const out = tf.tidy(() => {
      const newW: tf.Tensor[] = [];
      const newV: tf.Tensor[] = [];
      weights.forEach((w, i) => {
        const g0 = grads[i];
        if (!g0) throw new Error(`no gradient for weight ${i}`);
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
