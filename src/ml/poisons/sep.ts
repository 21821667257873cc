/**
 * SEP, self-ensemble protection (Chen et al. 2023): TAP's targeted steps, with the gradient
 * summed (i.e. averaged, as only its sign is used) over checkpoints of the clean run.
 */
import type { WeightSnapshot } from '../../core/weights';
import { defineMethod } from './common';
import { targetedPoison } from './targeted';

/** `k` evenly spaced items of `list`, always including the last (all of them if k >= length). */
export function evenlySpaced<T>(list: readonly T[], k: number): T[] {
  if (k >= list.length) return [...list];
  return Array.from({ length: k }, (_, j) => list[Math.round(((j + 1) * list.length) / k) - 1]!);
}

/** `sep`: needs ctx.surrogate.checkpoints (at least one); uses settings.checkpoints of them. */
export const sep = defineMethod('sep', async (st) => {
  const sur = st.ctx.surrogate;
  const all: WeightSnapshot[] = sur?.checkpoints ?? [];
  if (!sur || all.length === 0) {
    throw new Error('sep needs checkpoints of a clean run (ctx.surrogate.checkpoints)');
  }
  const used = evenlySpaced(all, st.s.checkpoints);
  return targetedPoison(st, sur.spec, used, [
    `clean model ${sur.spec.id}: ${used.length} of ${all.length} checkpoints, evenly spaced, last included`,
  ]);
});
