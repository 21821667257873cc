/**
 * Pixels of the poison gallery: original, amplified perturbation and poisoned images laid out
 * as three rows of tiles, as RGBA bytes for a canvas ImageData. Plain typed arrays only.
 */

/** The gallery images of one run (bytes and perturbation floats, HWC per image). */
export interface GalleryImages {
  original: Uint8Array;
  poisoned: Uint8Array;
  /** poisoned/255 - original/255 per value. */
  perturbation: Float32Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** Pixels between tiles. */
export const TILE_GAP = 2;

/**
 * The amplification that shows a perturbation of largest magnitude `maxAbs` clearly: the
 * largest of 1, 2, 5, 10, 20, 50, … (or 0.5 for changes above 1, e.g. an OPS pixel set from
 * black to white) with `maxAbs * factor <= 0.5`, so 0.5 + factor * delta stays in [0, 1].
 */
export function amplification(maxAbs: number): number {
  if (!(maxAbs > 0)) return 1;
  if (maxAbs > 0.5) return 0.5;
  let best = 1;
  for (let mag = 1; mag <= 1e4; mag *= 10)
    for (const m of [1, 2, 5]) if (m * mag * maxAbs <= 0.5 + 1e-9) best = m * mag;
  return best;
}

/** The largest |delta| of a perturbation buffer. */
export function maxAbs(p: Float32Array): number {
  let m = 0;
  for (let i = 0; i < p.length; i++) {
    const a = Math.abs(p[i]!);
    if (a > m) m = a;
  }
  return m;
}

/** Width and height of the strip canvas for `count` images in three rows. */
export function stripSize(g: GalleryImages): { width: number; height: number } {
  return {
    width: Math.max(1, g.count * (g.width + TILE_GAP) - TILE_GAP),
    height: 3 * g.height + 2 * TILE_GAP,
  };
}

/**
 * RGBA bytes of the strip: row 0 original, row 1 perturbation as grey 0.5 + factor * delta
 * (negative darker, positive lighter, clipped to [0, 1]), row 2 poisoned. Gaps transparent.
 */
export function stripPixels(g: GalleryImages, factor: number): Uint8ClampedArray<ArrayBuffer> {
  const { width: W, height: H } = stripSize(g);
  const out = new Uint8ClampedArray(W * H * 4);
  const per = g.width * g.height * g.channels;
  const put = (row: number, k: number, value: (i: number) => number) => {
    const x0 = k * (g.width + TILE_GAP);
    const y0 = row * (g.height + TILE_GAP);
    for (let y = 0; y < g.height; y++) {
      for (let x = 0; x < g.width; x++) {
        const src = k * per + (y * g.width + x) * g.channels;
        const dst = ((y0 + y) * W + x0 + x) * 4;
        for (let c = 0; c < 3; c++) out[dst + c] = value(src + (g.channels === 3 ? c : 0));
        out[dst + 3] = 255;
      }
    }
  };
  for (let k = 0; k < g.count; k++) {
    put(0, k, (i) => g.original[i] ?? 0);
    put(1, k, (i) =>
      Math.round(255 * Math.min(1, Math.max(0, 0.5 + factor * (g.perturbation[i] ?? 0)))),
    );
    put(2, k, (i) => g.poisoned[i] ?? 0);
  }
  return out;
}
