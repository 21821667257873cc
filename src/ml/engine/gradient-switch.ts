/**
 * Switches one kernel's gradient between SALscape's version and TF.js's own (the reference the
 * tests compare against). Registering a gradient is global, so saved models stay standard:
 * only the backward pass changes.
 */
import * as tf from '@tensorflow/tfjs-core';

export type GradConfig = NonNullable<ReturnType<typeof tf.getGradient>>;

/**
 * A function that registers, for `kernelName`, either `ours` (built once from TF.js's gradient,
 * which it falls back on for cases it does not cover) or TF.js's own. Idempotent.
 */
export function gradientSwitch<K extends string>(
  kernelName: string,
  ours: K,
  make: (fallback: GradConfig) => GradConfig,
): (kind: K | 'tfjs') => void {
  let original: GradConfig | null = null;
  let built: GradConfig | null = null;
  let active: K | 'tfjs' = 'tfjs';
  return (kind) => {
    if (!original) {
      original = tf.getGradient(kernelName) ?? null;
      if (!original)
        throw new Error(`TF.js has no ${kernelName} gradient registered to fall back on`);
    }
    if (kind === active) return;
    built ??= make(original);
    tf.registerGradient(kind === ours ? built : original);
    active = kind;
  };
}
