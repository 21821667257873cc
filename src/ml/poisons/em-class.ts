/** EM, error-minimising noise per class (Huang et al. 2021), on the shared min-min loop. */
import { defineMethod, finishAdditive } from './common';
import { minMin } from './min-min';

/** `em-class`: one delta per class, each step following the gradient summed over the class. */
export const emClass = defineMethod('em-class', async (st) => {
  const { set, stride } = st;
  const r = await minMin(st, { classWise: true, adversarial: false, label: 'em-class' });
  return finishAdditive(
    st,
    'linf',
    (i) => {
      const c = set.labels[i]!;
      return r.delta.subarray(c * stride, (c + 1) * stride);
    },
    r.report,
  );
});
