/** Random noise, per sample: uniform in [-eps, eps] for every value of every image (the control). */
import { Rng, deriveSeed } from '../../core/rng';
import { defineMethod, finishAdditive } from './common';

/**
 * `random`: fresh uniform L-inf noise per image. Image i draws from its own stream
 * (seed, "poison/random/i"), so its noise does not depend on which other images are poisoned.
 */
export const randomNoise = defineMethod('random', async (st) => {
  const { s, stride } = st;
  const delta = new Float32Array(stride);
  return finishAdditive(
    st,
    'linf',
    (i) => new Rng(deriveSeed(s.seed, `poison/random/${i}`)).fillUniform(delta, -s.eps, s.eps),
    { notes: [`uniform noise in [-eps, eps] per value, drawn per image`] },
  );
});
