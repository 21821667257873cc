/**
 * Exports of the landscape view: a PNG of what is drawn, the grids as CSV and JSON, the 3D
 * surface as glTF. Browser-only (Blob downloads); the formats come from core/surface-grid.
 */
import type { LandscapeSettings, SurfaceGrid } from '../../core/landscape-types';
import { surfaceToCsv, surfaceToJson } from '../../core/surface-grid';

/** Offers `content` as a file download. */
export function download(name: string, content: Blob | string, mime = 'application/json'): void {
  const blob = typeof content === 'string' ? new Blob([content], { type: mime }) : content;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every canvas under `root`, side by side on white, with a caption: one PNG. */
export async function canvasesToPng(root: HTMLElement, caption: string): Promise<Blob> {
  const canvases = [...root.querySelectorAll('canvas')].filter((c) => c.width > 0 && c.height > 0);
  if (canvases.length === 0) throw new Error('nothing is drawn yet');
  const pad = 16;
  const top = 28;
  const width = canvases.reduce((w, c) => w + c.width + pad, pad);
  const height = Math.max(...canvases.map((c) => c.height)) + top + pad;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas here');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#222';
  ctx.font = '14px system-ui, sans-serif';
  ctx.fillText(caption, pad, 19);
  let x = pad;
  for (const c of canvases) {
    ctx.drawImage(c, x, top);
    x += c.width + pad;
  }
  return new Promise((resolve, reject) =>
    out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}

/** Several runs' grids in one CSV: a `run` column, then `a,b,loss,acc`. */
export function gridsToCsv(grids: { run: string; grid: SurfaceGrid }[]): string {
  const lines = ['run,' + (surfaceToCsv(grids[0]!.grid).split('\n')[0] ?? 'a,b,loss,acc')];
  for (const { run, grid } of grids) {
    const rows = surfaceToCsv(grid).trim().split('\n').slice(1);
    for (const r of rows) lines.push(`${JSON.stringify(run)},${r}`);
  }
  return lines.join('\n') + '\n';
}

/** Several runs' grids in one JSON document, each in the CLI's `{xs, ys, loss, acc}` form. */
export function gridsToJson(
  grids: { run: string; grid: SurfaceGrid }[],
  settings: LandscapeSettings,
): string {
  return JSON.stringify({
    settings,
    runs: grids.map(({ run, grid }) => ({ run, ...(JSON.parse(surfaceToJson(grid)) as object) })),
  });
}
