/**
 * Viridis, the perceptually uniform sequential colour map of matplotlib (Stéfan van der Walt
 * and Nathaniel Smith, 2015; released CC0). The 33 stops below are entries
 * round(k * 255 / 32), k = 0..32, of matplotlib's 256-entry table (the same table
 * d3-scale-chromatic ships); colours in between are interpolated linearly, which stays within
 * one 8-bit step of the full table. Written out here because no colour-map package is
 * installed and the table is small.
 */
const VIRIDIS_HEX =
  '440154 470d60 48186a 482374 472d7b 453781 424086 3e4989 3b528b 375b8d 33638d ' +
  '2f6b8e 2c728e 297a8e 26828e 23898e 21918c 1f978b 1f9f88 21a685 27ad81 31b57b ' +
  '3dbc74 4cc26c 5cc863 6ece58 81d34d 95d840 aadc32 c0df25 d5e21a eae51a fde725';

/** The stops as [r, g, b] in 0..1. */
export const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = VIRIDIS_HEX.split(
  ' ',
).map((h) => [
  parseInt(h.slice(0, 2), 16) / 255,
  parseInt(h.slice(2, 4), 16) / 255,
  parseInt(h.slice(4, 6), 16) / 255,
]);

/** Writes viridis(t) for t in [0, 1] (clamped) as r, g, b in 0..1 into `out` at `offset`. */
export function viridisInto(t: number, out: Float32Array | number[], offset = 0): void {
  const n = VIRIDIS_STOPS.length - 1;
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * n;
  const i = Math.min(n - 1, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS_STOPS[i]!;
  const b = VIRIDIS_STOPS[i + 1]!;
  out[offset] = a[0] + (b[0] - a[0]) * f;
  out[offset + 1] = a[1] + (b[1] - a[1]) * f;
  out[offset + 2] = a[2] + (b[2] - a[2]) * f;
}

/** viridis(t) as a CSS hex colour. */
export function viridisCss(t: number): string {
  const c = [0, 0, 0];
  viridisInto(t, c);
  return `#${c
    .map((v) =>
      Math.round(v * 255)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

/** A CSS linear-gradient of viridis from left (low) to right (high), for legends. */
export function viridisGradient(direction = 'to right'): string {
  const stops = VIRIDIS_STOPS.map((_, k) => {
    const t = k / (VIRIDIS_STOPS.length - 1);
    return `${viridisCss(t)} ${(t * 100).toFixed(1)}%`;
  });
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}

/** A linear colour scale: values in [min, max] map to t in [0, 1]. */
export interface ColorScale {
  min: number;
  max: number;
}

/** t of `v` on the scale (0 when the scale is empty); NaN stays NaN. */
export function scaleT(scale: ColorScale, v: number): number {
  const span = scale.max - scale.min;
  return span > 0 ? (v - scale.min) / span : 0;
}
