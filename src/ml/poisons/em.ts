/** EM, error-minimising noise per sample (Huang et al. 2021), on the shared min-min loop. */
import { defineMethod, finishAdditive } from './common';
import { minMin } from './min-min';

/**
 * `em`: one delta per image. Delta is generated for every image (the surrogate sees the whole
 * set, as in the reference code); only the masked images are saved poisoned.
 */
export const em = defineMethod('em', async (st) => {
  const { stride } = st;
  const r = await minMin(st, { classWise: false, adversarial: false, label: 'em' });
  return finishAdditive(
    st,
    'linf',
    (i) => r.delta.subarray(i * stride, (i + 1) * stride),
    r.report,
  );
});
