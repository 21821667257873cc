/** Number formatting with units, shared by the panels. */

/** 12345 -> "12,345". */
export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 0.9713 -> "97.1 %". */
export const fmtPct = (fraction: number, digits = 1): string =>
  Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)} %` : '–';

/** A loss value with 3 decimals ("0.231"), or "NaN". */
export const fmtLoss = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : String(v));

/** Seconds as "8.2 s", "42 s" or "3 min 05 s". */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return `${m} min ${String(r).padStart(2, '0')} s`;
}

/** Images per second as "1,234 img/s". */
export const fmtRate = (perSec: number): string => `${fmtInt(perSec)} img/s`;
