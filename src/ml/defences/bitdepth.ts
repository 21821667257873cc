/** Bit-depth reduction: each byte quantised to 2^bits evenly spaced levels from 0 to 255. */
import type { ImageSet } from '../../core/dataset';

/** A copy of `set` with every value rounded to the nearest of 2^bits levels (bits 1..8). */
export function reduceBitDepth(set: ImageSet, bits: number): ImageSet {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8)
    throw new Error(`bit depth must be an integer from 1 to 8, got ${bits}`);
  const top = 2 ** bits - 1;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.round((Math.round((v / 255) * top) * 255) / top);
  const images = new Uint8Array(set.images.length);
  for (let i = 0; i < images.length; i++) images[i] = lut[set.images[i]!]!;
  return { ...set, images, labels: set.labels.slice(), classNames: [...set.classNames] };
}
