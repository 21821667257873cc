/**
 * What a SAL heatmap draws, as plain arrays: layers (rows) x epochs (columns), NaN for epochs
 * not measured yet, the learnable mask (SAL > beta), and one colour scale shared by the clean
 * and the poisoned heatmap (and the per-filter grid). Pure, tested in Node.
 */
import type { FilterSal, SalSettings } from '../../core/sal-types';
import type { SalSeries } from '../reducers/run-state';

/** A layers x epochs grid of one run. */
export interface HeatmapModel {
  cols: number;
  rows: number;
  /** Row-major [layer][epoch]; NaN where the epoch has no SAL yet. */
  values: Float32Array;
  /** 1 where SAL > beta (learnable). */
  mask: Uint8Array;
  /** Row labels (layer names) and column labels (1-based epochs). */
  layers: string[];
  epochs: number[];
}

/** The heatmap of a SAL series over `plannedEpochs` columns, marked against `beta`. */
export function salHeatmap(
  sal: SalSeries,
  plannedEpochs: number,
  beta: number | null,
): HeatmapModel {
  const rows = sal.layers.length;
  const cols = Math.max(plannedEpochs, sal.epochs[sal.epochs.length - 1] ?? 0, 1);
  const values = new Float32Array(rows * cols).fill(Number.NaN);
  const mask = new Uint8Array(rows * cols);
  sal.epochs.forEach((epoch, t) => {
    const row = sal.values[t] ?? [];
    for (let l = 0; l < rows; l++) {
      const v = row[l] ?? Number.NaN;
      const k = l * cols + (epoch - 1);
      values[k] = v;
      mask[k] = beta !== null && v > beta ? 1 : 0;
    }
  });
  return {
    cols,
    rows,
    values,
    mask,
    layers: sal.layers,
    epochs: Array.from({ length: cols }, (_, i) => i + 1),
  };
}

/**
 * One scale for all heatmaps of a comparison: from 0 (SAL is never negative) to the largest
 * value of the given runs (1e-3 when all are 0, so the scale is never empty).
 */
export function sharedSalScale(series: readonly (SalSeries | null)[]): {
  min: number;
  max: number;
} {
  let max = 0;
  for (const s of series)
    for (const row of s?.values ?? []) for (const v of row) if (v > max) max = v;
  return { min: 0, max: max > 0 ? max : 1e-3 };
}

/** A SAL value with 3 significant digits ("0.0412", "1.23"). */
export const fmtSal = (v: number): string =>
  !Number.isFinite(v) ? '–' : v === 0 ? '0' : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);

/** A legend tick: at most 3 significant digits, no trailing zeros ("0.05", "0.1"). */
export const fmtTick = (v: number): string => String(Number(v.toPrecision(3)));

/** Settings as on a hover: "eps 0.05, 3 rounds, 256 images, lr 0.1, batch 128". */
export const fmtSalHover = (s: SalSettings): string =>
  `eps ${s.eps}, ${s.rounds} round${s.rounds === 1 ? '' : 's'}, ${s.subsetSize.toLocaleString('en-US')} images, lr ${s.lr}, batch ${s.batchSize}`;

/** The hover text of one heatmap cell, or of a pending one. */
export function salCellText(
  sal: SalSeries,
  settings: SalSettings,
  layer: number,
  epoch: number,
  beta: number | null,
): string {
  const t = sal.epochs.indexOf(epoch);
  const name = sal.layers[layer] ?? `layer ${layer + 1}`;
  if (t < 0) return `layer ${name}, epoch ${epoch}: not measured yet`;
  const v = sal.values[t]?.[layer] ?? Number.NaN;
  const up = sal.up[t]?.[layer] ?? Number.NaN;
  const down = sal.down[t]?.[layer] ?? Number.NaN;
  const mark =
    beta === null
      ? ''
      : v > beta
        ? ` — above beta ${fmtSal(beta)}: learnable`
        : ` — at or below beta ${fmtSal(beta)}`;
  return `SAL ${fmtSal(v)} (up ${fmtSal(up)}, down ${fmtSal(down)}), ${fmtSalHover(settings)}, layer ${name}, epoch ${epoch}${mark}`;
}

/** Columns of the per-filter grid for `count` filters (at most 16 per row). */
export const filterCols = (count: number): number => Math.max(1, Math.min(16, count));

/** The per-filter grid: filters in rows of {@link filterCols}, NaN padding. */
export function filterGrid(filters: readonly FilterSal[]): {
  cols: number;
  rows: number;
  values: Float32Array;
} {
  const cols = filterCols(filters.length);
  const rows = Math.max(1, Math.ceil(filters.length / cols));
  const values = new Float32Array(rows * cols).fill(Number.NaN);
  for (const f of filters) if (f.index < values.length) values[f.index] = f.sal;
  return { cols, rows, values };
}
