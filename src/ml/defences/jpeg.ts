/**
 * JPEG re-encoding of a training set through a codec passed in: jpeg-js in Node
 * (`jpeg-node.ts`), the browser's encoder in the worker (`workers/jpeg-browser.ts`). Grey images
 * go through as RGB with equal channels and come back as the rounded mean of R, G and B.
 */
import type { ImageSet } from '../../core/dataset';

/** Encodes and decodes one RGBA image (width*height*4 bytes) at quality 1..100. */
export interface JpegCodec {
  roundTrip(
    rgba: Uint8Array,
    width: number,
    height: number,
    quality: number,
  ): Uint8Array | Promise<Uint8Array>;
}

/** Tiles are padded to multiples of this (the largest JPEG MCU, 4:2:0 chroma). */
const ALIGN = 16;
/** Largest side of one mosaic, in pixels. */
const MAX_SIDE = 2048;

/**
 * A copy of `set` with every image JPEG-encoded at `quality` and decoded. Images are encoded
 * many at a time as tiles of one mosaic: each tile is padded to a multiple of 16 pixels by
 * repeating its edge pixels, as an encoder pads a lone image, so no 8x8 block (or 16x16 MCU)
 * mixes two images and the result matches encoding each image alone (exactly with jpeg-js,
 * which does not subsample chroma). One codec call per mosaic keeps it fast.
 */
export async function jpegRoundTrip(
  set: ImageSet,
  quality: number,
  codec: JpegCodec,
): Promise<ImageSet> {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100)
    throw new Error(`JPEG quality must be an integer from 1 to 100, got ${quality}`);
  const { height: h, width: w, channels: c } = set;
  if (c !== 1 && c !== 3) throw new Error(`JPEG needs 1 or 3 channels, got ${c}`);
  const per = h * w * c;
  const th = Math.ceil(h / ALIGN) * ALIGN;
  const tw = Math.ceil(w / ALIGN) * ALIGN;
  const cols = Math.max(1, Math.floor(MAX_SIDE / tw));
  const perMosaic = cols * Math.max(1, Math.floor(MAX_SIDE / th));
  const images = new Uint8Array(set.images.length);
  for (let first = 0; first < set.count; first += perMosaic) {
    const k = Math.min(perMosaic, set.count - first);
    const mc = Math.min(cols, k);
    const mw = mc * tw;
    const mh = Math.ceil(k / mc) * th;
    const rgba = new Uint8Array(mw * mh * 4);
    for (let t = 0; t < k; t++) {
      const src = set.images.subarray((first + t) * per, (first + t + 1) * per);
      const ox = (t % mc) * tw;
      const oy = Math.floor(t / mc) * th;
      for (let y = 0; y < th; y++) {
        const sy = Math.min(y, h - 1);
        for (let x = 0; x < tw; x++) {
          const q = (sy * w + Math.min(x, w - 1)) * c;
          const o = ((oy + y) * mw + ox + x) * 4;
          rgba[o] = src[q]!;
          rgba[o + 1] = src[q + (c === 3 ? 1 : 0)]!;
          rgba[o + 2] = src[q + (c === 3 ? 2 : 0)]!;
          rgba[o + 3] = 255;
        }
      }
    }
    const out = await codec.roundTrip(rgba, mw, mh, quality);
    if (out.length !== mw * mh * 4)
      throw new Error(`JPEG codec returned ${out.length} bytes, expected ${mw * mh * 4}`);
    for (let t = 0; t < k; t++) {
      const dst = images.subarray((first + t) * per, (first + t + 1) * per);
      const ox = (t % mc) * tw;
      const oy = Math.floor(t / mc) * th;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const o = ((oy + y) * mw + ox + x) * 4;
          const d = (y * w + x) * c;
          if (c === 3) {
            dst[d] = out[o]!;
            dst[d + 1] = out[o + 1]!;
            dst[d + 2] = out[o + 2]!;
          } else dst[d] = Math.round((out[o]! + out[o + 1]! + out[o + 2]!) / 3);
        }
    }
  }
  return { ...set, images, labels: set.labels.slice(), classNames: [...set.classNames] };
}
