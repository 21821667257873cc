/**
 * OPS, one-pixel shortcut (Wu et al. 2023): per class the pixel position and extreme colour
 * that change the class's images most consistently, set in every image of the class.
 */
import type { ImageSet } from '../../core/dataset';
import { Rng, deriveSeed } from '../../core/rng';
import { defineMethod, finishBytes } from './common';

/**
 * Ranking key of one (position, colour) for a class, from the per-image change
 * a_i = sum over channels |colour - pixel| (bytes): larger keys are better.
 * - tier 1: mean(a) / std(a), the paper's score;
 * - tier 2: std = 0 with mean > 0: every image changes by exactly the same amount (e.g. a
 *   background pixel that is black in the whole class, set to white). The ratio is unbounded
 *   there, and such a pixel is the most consistent shortcut there can be, so it outranks every
 *   finite score; ties are broken by the mean (a bigger change first);
 * - tier 0: mean = 0: the colour is already there in every image, setting it changes nothing.
 * The variance is computed from integer sums, so std = 0 is detected exactly (no epsilon).
 */
export interface OpsScore {
  tier: 0 | 1 | 2;
  value: number;
}

/** Key for n images with sum(a) = s1 and sum(a^2) = s2 (see {@link OpsScore}). */
export function opsScore(n: number, s1: number, s2: number): OpsScore {
  if (n === 0 || s1 === 0) return { tier: 0, value: 0 };
  const varN2 = n * s2 - s1 * s1; // n^2 * variance, exact in doubles for byte data
  const mean = s1 / n;
  if (varN2 <= 0) return { tier: 2, value: mean };
  return { tier: 1, value: mean / (Math.sqrt(varN2) / n) };
}

const better = (a: OpsScore, b: OpsScore) =>
  a.tier !== b.tier ? a.tier > b.tier : a.value > b.value;

/** The 2^channels extreme colours (each channel 0 or 255), as byte arrays. */
function extremeColours(channels: number): number[][] {
  return Array.from({ length: 1 << channels }, (_, k) =>
    Array.from({ length: channels }, (_, ch) => ((k >> ch) & 1 ? 255 : 0)),
  );
}

/**
 * Picks `perClass` pixels for every class, classes in label order, each position used by at most
 * one class. Scores use all images of the class. Equal keys are broken by a seeded random
 * priority over positions, so the seed decides among equally good background pixels.
 */
export function opsPixels(
  set: ImageSet,
  perClass: number,
  seed: number,
): { cls: number; index: number; value: number[] }[] {
  const { height, width, channels } = set;
  const positions = height * width;
  if (perClass * set.numClasses > positions) {
    throw new Error(
      `ops: ${perClass} pixels for each of ${set.numClasses} classes need more than ${positions} positions`,
    );
  }
  const priority = new Rng(deriveSeed(seed, 'poison/ops/ties')).permutation(positions);
  const colours = extremeColours(channels);
  const stride = positions * channels;
  const taken = new Uint8Array(positions);
  const out: { cls: number; index: number; value: number[] }[] = [];
  for (let cls = 0; cls < set.numClasses; cls++) {
    const members: number[] = [];
    for (let i = 0; i < set.count; i++) if (set.labels[i] === cls) members.push(i);
    if (members.length === 0) continue;
    // Sums of a and a^2 per (position, colour).
    const s1 = new Float64Array(positions * colours.length);
    const s2 = new Float64Array(positions * colours.length);
    for (const i of members) {
      const img = set.images.subarray(i * stride, (i + 1) * stride);
      for (let p = 0; p < positions; p++) {
        for (let k = 0; k < colours.length; k++) {
          const col = colours[k]!;
          let a = 0;
          for (let ch = 0; ch < channels; ch++) a += Math.abs(col[ch]! - img[p * channels + ch]!);
          s1[p * colours.length + k]! += a;
          s2[p * colours.length + k]! += a * a;
        }
      }
    }
    for (let pick = 0; pick < perClass; pick++) {
      let best: { p: number; k: number; key: OpsScore } | null = null;
      for (let p = 0; p < positions; p++) {
        if (taken[p]) continue;
        for (let k = 0; k < colours.length; k++) {
          const key = opsScore(
            members.length,
            s1[p * colours.length + k]!,
            s2[p * colours.length + k]!,
          );
          if (
            !best ||
            better(key, best.key) ||
            (!better(best.key, key) && priority[p]! < priority[best.p]!)
          ) {
            best = { p, k, key };
          }
        }
      }
      if (!best) break;
      taken[best.p] = 1;
      out.push({ cls, index: best.p, value: [...colours[best.k]!] });
    }
  }
  return out;
}

/** `ops`: eps is the number of pixels per class (1 in the paper). */
export const ops = defineMethod('ops', async (st) => {
  const { set, s, mask } = st;
  const pixels = opsPixels(set, Math.round(s.eps), s.seed);
  await st.ticker.tick(0.8, 'pixels chosen');
  const images = set.images.slice();
  const { channels } = set;
  const stride = set.height * set.width * channels;
  for (let i = 0; i < set.count; i++) {
    if (mask[i] !== 1) continue;
    for (const px of pixels) {
      if (px.cls !== set.labels[i]) continue;
      for (let ch = 0; ch < channels; ch++)
        images[i * stride + px.index * channels + ch] = px.value[ch]!;
    }
  }
  return finishBytes(st, images, {
    pixels,
    notes: [`${Math.round(s.eps)} pixel(s) per class, distinct positions across classes`],
  });
});
