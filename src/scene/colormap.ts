/**
 * Colour maps from d3-scale-chromatic: viridis (perceptually uniform, sequential) for losses
 * and SAL, RdBu (diverging) for differences. Sampled into a small stop table once, so the hot
 * loops (a colour per grid vertex) interpolate numbers instead of parsing CSS strings.
 */
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';

/** Parses d3's `rgb(r, g, b)` or `#rrggbb` output into 0..255 channels. */
function rgb(css: string): { r: number; g: number; b: number } {
  if (css.startsWith('#'))
    return {
      r: parseInt(css.slice(1, 3), 16),
      g: parseInt(css.slice(3, 5), 16),
      b: parseInt(css.slice(5, 7), 16),
    };
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(css);
  if (!m) throw new Error(`not a colour: ${css}`);
  return { r: Number(m[1]), g: Number(m[2]), b: Number(m[3]) };
}

const STOPS = 33;

/** The stops as [r, g, b] in 0..1. */
export const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = Array.from(
  { length: STOPS },
  (_, k) => {
    const c = rgb(interpolateViridis(k / (STOPS - 1)));
    return [c.r / 255, c.g / 255, c.b / 255] as const;
  },
);

type Stops = readonly (readonly [number, number, number])[];

const sample = (f: (t: number) => string): Stops =>
  Array.from({ length: STOPS }, (_, k) => {
    const c = rgb(f(k / (STOPS - 1)));
    return [c.r / 255, c.g / 255, c.b / 255] as const;
  });

/** RdBu reversed: blue for negative, red for positive differences. */
const DIVERGING_STOPS = sample((t) => interpolateRdBu(1 - t));

function stopsInto(stops: Stops, t: number, out: Float32Array | number[], offset: number): void {
  const n = stops.length - 1;
  const x = Math.min(1, Math.max(0, t)) * n;
  const i = Math.min(n - 1, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  out[offset] = a[0] + (b[0] - a[0]) * f;
  out[offset + 1] = a[1] + (b[1] - a[1]) * f;
  out[offset + 2] = a[2] + (b[2] - a[2]) * f;
}

/** Writes viridis(t) for t in [0, 1] (clamped) as r, g, b in 0..1 into `out` at `offset`. */
export function viridisInto(t: number, out: Float32Array | number[], offset = 0): void {
  stopsInto(VIRIDIS_STOPS, Number.isFinite(t) ? t : 0, out, offset);
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

/**
 * The diverging map for differences, centred on zero: d3-scale-chromatic's RdBu reversed, so
 * negative is blue and positive red (readable with the common colour-vision deficiencies).
 * Writes r, g, b in 0..1 for t in [0, 1] (0.5 = no difference).
 */
export function divergingInto(t: number, out: Float32Array | number[], offset = 0): void {
  stopsInto(DIVERGING_STOPS, Number.isFinite(t) ? t : 0.5, out, offset);
}

/** A CSS gradient of the diverging map from left (negative) to right (positive). */
export function divergingGradient(direction = 'to right'): string {
  const stops = Array.from({ length: 11 }, (_, k) => {
    const c = [0, 0, 0];
    divergingInto(k / 10, c);
    return `rgb(${c.map((v) => Math.round(v * 255)).join(',')}) ${k * 10}%`;
  });
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
