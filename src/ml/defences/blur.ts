/** Gaussian blur: a separable kernel of radius ceil(3 sigma), edges clamped, per channel. */
import type { ImageSet } from '../../core/dataset';

/** The normalised 1-D Gaussian kernel of `sigma` (length 2 * ceil(3 sigma) + 1). */
export function gaussianKernel(sigma: number): Float64Array {
  if (!(sigma > 0)) throw new Error(`blur sigma must be > 0, got ${sigma}`);
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

/** A copy of `set` with every image blurred (rounded back to bytes). */
export function gaussianBlur(set: ImageSet, sigma: number): ImageSet {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const { height: h, width: w, channels: c } = set;
  const per = h * w * c;
  const tmp = new Float64Array(per);
  const images = new Uint8Array(set.images.length);
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  for (let n = 0; n < set.count; n++) {
    const src = set.images.subarray(n * per, (n + 1) * per);
    // Horizontal pass into tmp, vertical pass into the output bytes.
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let t = -r; t <= r; t++)
            s += k[t + r]! * src[(y * w + clamp(x + t, w - 1)) * c + ch]!;
          tmp[(y * w + x) * c + ch] = s;
        }
    const off = n * per;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let t = -r; t <= r; t++)
            s += k[t + r]! * tmp[(clamp(y + t, h - 1) * w + x) * c + ch]!;
          images[off + (y * w + x) * c + ch] = Math.min(255, Math.max(0, Math.round(s)));
        }
  }
  return { ...set, images, labels: set.labels.slice(), classNames: [...set.classNames] };
}
