/**
 * Pure helpers for perturbations of byte images: add-then-clip-then-quantise, budget
 * projections that hold AFTER rounding to bytes, the poisoned-image mask and norms.
 * Order matters (docs/science.md section 5): the perturbation is added, then the image is clipped
 * to [0, 1], then rounded to a byte; clipping first would silently drop all negative noise.
 */
import { Rng, deriveSeed } from './rng';
import type { PoisonNorms } from './poison-types';

/** Byte value of a unit-range value: round(clamp(v, 0, 1) * 255). */
export function quantiseUnit(v: number): number {
  if (!(v > 0)) return 0; // also maps NaN to 0
  if (v >= 1) return 255;
  return Math.round(v * 255);
}

/**
 * Largest byte change an L-inf budget allows: floor(eps * 255), with a 1e-6 guard so that
 * eps = k/255 written as a decimal still yields k.
 */
export function linfByteRadius(eps: number): number {
  return Math.max(0, Math.floor(eps * 255 + 1e-6));
}

/**
 * out[i] = round(clamp(clean[i]/255 + delta[i], 0, 1) * 255) for i < clean.length, i.e.
 * add, then clip, then quantise. `delta` is in unit range; returns `out`.
 */
export function addClipQuantise(
  clean: Uint8Array,
  delta: ArrayLike<number>,
  out: Uint8Array = new Uint8Array(clean.length),
): Uint8Array {
  for (let i = 0; i < clean.length; i++) out[i] = quantiseUnit(clean[i]! / 255 + delta[i]!);
  return out;
}

/**
 * Add-clip-quantise under an L-inf budget: the byte change of every value is then clamped to
 * +-linfByteRadius(eps), so |poisoned - clean| / 255 <= eps holds after rounding.
 */
export function addClipQuantiseLinf(
  clean: Uint8Array,
  delta: ArrayLike<number>,
  eps: number,
  out: Uint8Array = new Uint8Array(clean.length),
): Uint8Array {
  const r = linfByteRadius(eps);
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    const q = quantiseUnit(c / 255 + delta[i]!);
    out[i] = Math.min(c + r, Math.max(c - r, q));
  }
  return out;
}

/**
 * Add-clip-quantise of ONE image under an L2 budget: ||poisoned - clean||_2 / 255 <= eps after
 * rounding. Rounding can lengthen a vector by up to sqrt(d)/2 bytes, so when the rounded image
 * is over budget the delta is rescaled (a few times) and, as a last resort, rounded toward
 * the clean value, which never lengthens it. Returns `out`.
 */
export function addClipQuantiseL2(
  clean: Uint8Array,
  delta: ArrayLike<number>,
  eps: number,
  out: Uint8Array = new Uint8Array(clean.length),
): Uint8Array {
  const limit2 = (eps * 255) ** 2;
  let scale = 1;
  for (let attempt = 0; attempt < 6; attempt++) {
    let s2 = 0;
    for (let i = 0; i < clean.length; i++) {
      const c = clean[i]!;
      const q = quantiseUnit(c / 255 + scale * delta[i]!);
      out[i] = q;
      s2 += (q - c) * (q - c);
    }
    if (s2 <= limit2) return out;
    scale *= Math.sqrt(limit2 / s2) * (1 - 1e-9);
  }
  // Fallback: the clipped, real-valued change scaled onto the ball, truncated toward zero.
  let t2 = 0;
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    const t = Math.min(255, Math.max(0, c + 255 * delta[i]!)) - c;
    t2 += t * t;
  }
  const s = t2 > limit2 ? Math.sqrt(limit2 / t2) : 1;
  for (let i = 0; i < clean.length; i++) {
    const c = clean[i]!;
    const t = Math.min(255, Math.max(0, c + 255 * delta[i]!)) - c;
    out[i] = c + Math.trunc(t * s);
  }
  return out;
}

/**
 * A pattern rounded to whole byte steps (k/255) whose L2 norm stays <= eps: rounded, rescaled
 * while over budget, and finally truncated toward zero. Class-wise L2 methods quantise their
 * pattern once this way, so adding it never needs a per-image rescale and every image of a
 * class gets exactly the same change wherever it is not clipped.
 */
export function quantisePatternL2(pattern: ArrayLike<number>, eps: number): Float32Array {
  const limit2 = (eps * 255) ** 2;
  const k = new Float64Array(pattern.length);
  let scale = 1;
  for (let attempt = 0; attempt < 6; attempt++) {
    let s2 = 0;
    for (let i = 0; i < k.length; i++) {
      k[i] = Math.round(255 * scale * pattern[i]!);
      s2 += k[i]! * k[i]!;
    }
    if (s2 <= limit2) return Float32Array.from(k, (v) => v / 255);
    scale *= Math.sqrt(limit2 / s2) * (1 - 1e-9);
  }
  const n = l2Norm(pattern) * 255;
  const s = n > 0 ? Math.min(1, Math.sqrt(limit2) / n) : 1;
  return Float32Array.from(pattern, (v) => Math.trunc(255 * s * v) / 255);
}

/** The perturbation actually applied: float32 (poisoned - clean) / 255, value by value. */
export function byteDelta(clean: Uint8Array, poisoned: Uint8Array): Float32Array {
  if (clean.length !== poisoned.length) {
    throw new Error(`byteDelta: ${clean.length} clean values but ${poisoned.length} poisoned`);
  }
  const out = new Float32Array(clean.length);
  for (let i = 0; i < clean.length; i++) out[i] = (poisoned[i]! - clean[i]!) / 255;
  return out;
}

/**
 * Norms of a perturbation of `count` images of `stride` values each, over the images whose
 * mask entry is 1 (all zeros when none is).
 */
export function perturbationNorms(
  perturbation: Float32Array,
  stride: number,
  mask: Uint8Array,
): PoisonNorms {
  let linfMax = 0;
  let l2Sum = 0;
  let l2Max = 0;
  let l0Sum = 0;
  let n = 0;
  for (let k = 0; k < mask.length; k++) {
    if (mask[k] !== 1) continue;
    n++;
    let s2 = 0;
    let l0 = 0;
    const off = k * stride;
    for (let i = 0; i < stride; i++) {
      const v = perturbation[off + i]!;
      const a = Math.abs(v);
      if (a > linfMax) linfMax = a;
      if (v !== 0) l0++;
      s2 += v * v;
    }
    const l2 = Math.sqrt(s2);
    l2Sum += l2;
    if (l2 > l2Max) l2Max = l2;
    l0Sum += l0;
  }
  return {
    linfMax,
    l2Mean: n > 0 ? l2Sum / n : 0,
    l2Max,
    l0Mean: n > 0 ? l0Sum / n : 0,
  };
}

/**
 * Which of `count` images to poison: exactly round(ratio * count) of them, chosen uniformly
 * by an Rng seeded from (seed, "poison/mask"). Returns count entries, 1 = poisoned.
 */
export function poisonMask(count: number, ratio: number, seed: number): Uint8Array {
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`poison ratio must be in [0, 1], got ${ratio}`);
  const mask = new Uint8Array(count);
  const k = Math.round(ratio * count);
  if (k === count) return mask.fill(1);
  const perm = new Rng(deriveSeed(seed, 'poison/mask')).permutation(count);
  for (let i = 0; i < k; i++) mask[perm[i]!] = 1;
  return mask;
}

/** L2 norm of a vector. */
export function l2Norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** Scales `v` in place to L2 norm `target` (a zero vector stays zero); returns `v`. */
export function scaleToL2<T extends { length: number; [i: number]: number }>(
  v: T,
  target: number,
): T {
  const n = l2Norm(v);
  if (n === 0) return v;
  const f = target / n;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! * f;
  return v;
}

/**
 * Nearest-neighbour upsampling of a grid x grid x channels pattern to height x width x channels
 * (HWC): pixel (h, w) takes the cell (floor(h*grid/height), floor(w*grid/width)), so a 28x28
 * image with grid 4 gets 4x4 patches of 7x7.
 */
export function upsamplePatches(
  pattern: ArrayLike<number>,
  grid: number,
  height: number,
  width: number,
  channels: number,
): Float32Array {
  const out = new Float32Array(height * width * channels);
  for (let h = 0; h < height; h++) {
    const gh = Math.floor((h * grid) / height);
    for (let w = 0; w < width; w++) {
      const gw = Math.floor((w * grid) / width);
      for (let c = 0; c < channels; c++) {
        out[(h * width + w) * channels + c] = pattern[(gh * grid + gw) * channels + c]!;
      }
    }
  }
  return out;
}
