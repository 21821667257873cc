/**
 * AR, autoregressive perturbations (Sandoval-Segura et al. 2022): per class a fixed 3x3 causal
 * filter; every image of the class gets its own noise image, grown in raster order from
 * Gaussian seeds, cropped, and scaled to an L2 norm (their default 1.0).
 */
import { Rng, deriveSeed } from '../../core/rng';
import { scaleToL2 } from '../../core/perturbation';
import { defineMethod, finishAdditive } from './common';

/** Rows and columns dropped from the top-left of the grown canvas: the seeds and the start-up. */
export const AR_CROP = 4;

/** A filter passes when its probe's weakest 3x3 block has this share of the strongest's RMS. */
export const AR_MIN_EVENNESS = 0.2;
/** Candidates drawn before the most even one is taken (the doc comment below says why). */
export const AR_MAX_TRIES = 500;

/**
 * One AR filter: 8 weights on the 3x3 window that ends at the current pixel (row-major, the
 * pixel itself excluded), drawn N(0, 1) and scaled to sum 1, as in the reference. Many such
 * filters explode or die out across a 28x28 canvas, so a candidate is kept only if a probe
 * sample has comparable energy (ratio >= AR_MIN_EVENNESS) in each of its 3x3 blocks; after
 * AR_MAX_TRIES candidates the most even one is used. This check is a departure from the paper
 * (POISON_METHODS.ar.departure). About one candidate in five passes.
 */
export function arCoefficients(rng: Rng, height: number, width: number): Float64Array {
  let best = new Float64Array(8);
  let bestScore = -1;
  for (let attempt = 0; attempt < AR_MAX_TRIES; attempt++) {
    const w = new Float64Array(8);
    let sum = 0;
    for (let i = 0; i < 8; i++) {
      w[i] = rng.normal();
      sum += w[i]!;
    }
    if (Math.abs(sum) < 1e-3) continue;
    for (let i = 0; i < 8; i++) w[i] = w[i]! / sum;
    const score = evenness(arSample(w, height, width, rng), height, width);
    if (score > bestScore) {
      best = w;
      bestScore = score;
    }
    if (score >= AR_MIN_EVENNESS) break;
  }
  return best;
}

/** min / max of the RMS over a 3x3 split of a plane; 0 for non-finite or empty planes. */
function evenness(x: Float64Array, height: number, width: number): number {
  let lo = Infinity;
  let hi = 0;
  for (let br = 0; br < 3; br++) {
    for (let bc = 0; bc < 3; bc++) {
      let s = 0;
      let n = 0;
      for (let r = Math.floor((br * height) / 3); r < Math.floor(((br + 1) * height) / 3); r++) {
        for (let c = Math.floor((bc * width) / 3); c < Math.floor(((bc + 1) * width) / 3); c++) {
          s += x[r * width + c]! ** 2;
          n++;
        }
      }
      const rms = Math.sqrt(s / Math.max(1, n));
      if (!Number.isFinite(rms)) return 0;
      lo = Math.min(lo, rms);
      hi = Math.max(hi, rms);
    }
  }
  return hi > 0 ? lo / hi : 0;
}

/**
 * Grows a (height + AR_CROP) x (width + AR_CROP) canvas: the first two rows and the first two
 * columns of every row are N(0, 1) seeds, every other value is the filter applied to the 3x3
 * window ending at it. Returns the bottom-right height x width crop (one channel).
 */
export function arSample(w: Float64Array, height: number, width: number, rng: Rng): Float64Array {
  const H = height + AR_CROP;
  const W = width + AR_CROP;
  const x = new Float64Array(H * W);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      if (r < 2 || c < 2) {
        x[r * W + c] = rng.normal();
        continue;
      }
      let v = 0;
      let k = 0;
      for (let dr = -2; dr <= 0; dr++) {
        for (let dc = -2; dc <= 0; dc++) {
          if (dr === 0 && dc === 0) continue;
          v += w[k++]! * x[(r + dr) * W + (c + dc)]!;
        }
      }
      x[r * W + c] = v;
    }
  }
  const out = new Float64Array(height * width);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) out[r * width + c] = x[(r + AR_CROP) * W + (c + AR_CROP)]!;
  }
  return out;
}

/** `ar`: one filter per class and channel; eps is the L2 norm of every image's noise. */
export const ar = defineMethod('ar', async (st) => {
  const { set, s, stride } = st;
  const { height, width, channels } = set;
  const frng = new Rng(deriveSeed(s.seed, 'poison/ar/filters'));
  const filters = Array.from({ length: set.numClasses }, () =>
    Array.from({ length: channels }, () => arCoefficients(frng, height, width)),
  );
  const delta = new Float32Array(stride);
  return finishAdditive(
    st,
    'l2',
    (i) => {
      // Image i's seeds come from its own stream, so the mask never shifts them.
      const rng = new Rng(deriveSeed(s.seed, `poison/ar/${i}`));
      const f = filters[set.labels[i]!]!;
      for (let ch = 0; ch < channels; ch++) {
        const plane = arSample(f[ch]!, height, width, rng);
        for (let p = 0; p < height * width; p++) delta[p * channels + ch] = plane[p]!;
      }
      return scaleToL2(delta, s.eps);
    },
    {
      notes: [
        `3x3 causal AR filter per class${channels > 1 ? ' and channel' : ''}, ${AR_CROP} seed rows/columns cropped, L2 norm ${s.eps}`,
      ],
    },
  );
});
