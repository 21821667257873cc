/** TAP, targeted adversarial poisoning (Fowl et al. 2021), from a trained clean model. */
import { defineMethod } from './common';
import { targetedPoison } from './targeted';

/** `tap`: needs ctx.surrogate (spec + final weights of a clean run on the same kind of data). */
export const tap = defineMethod('tap', async (st) => {
  const sur = st.ctx.surrogate;
  if (!sur) throw new Error('tap needs a trained clean model (ctx.surrogate)');
  return targetedPoison(st, sur.spec, [sur.weights], [`clean model ${sur.spec.id}`]);
});
