/** Random noise, per class: one uniform pattern in [-eps, eps] per class, added to its images. */
import { Rng, deriveSeed } from '../../core/rng';
import { defineMethod, finishAdditive } from './common';

/** `random-class`: numClasses uniform L-inf patterns drawn from (seed, "poison/random-class"). */
export const randomClassNoise = defineMethod('random-class', async (st) => {
  const { set, s, stride } = st;
  const rng = new Rng(deriveSeed(s.seed, 'poison/random-class'));
  const patterns = Array.from({ length: set.numClasses }, () =>
    rng.fillUniform(new Float32Array(stride), -s.eps, s.eps),
  );
  return finishAdditive(st, 'linf', (i) => patterns[set.labels[i]!]!, {
    notes: [`one uniform pattern in [-eps, eps] per class`],
  });
});
