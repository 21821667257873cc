/**
 * REM, robust error-minimising noise (Fu et al. 2022), REDUCED: the min-min loop with an inner
 * PGD adversary on the surrogate's input (few steps, few rounds, no expectation over
 * transformations). The metadata and every result carry the `reduced` label.
 */
import { defineMethod, finishAdditive } from './common';
import { minMin } from './min-min';

/** `rem`: per-sample delta that lowers the loss even at a PGD point within advEps of x + delta. */
export const rem = defineMethod('rem', async (st) => {
  const { stride } = st;
  const r = await minMin(st, { classWise: false, adversarial: true, label: 'rem' });
  return finishAdditive(
    st,
    'linf',
    (i) => r.delta.subarray(i * stride, (i + 1) * stride),
    r.report,
  );
});
