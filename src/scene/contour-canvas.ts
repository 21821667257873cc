/**
 * A 2D contour view of a surface on a canvas: the values as a smooth colour image, contour
 * lines from d3-contour, axes in direction units, the model's point and an optional path
 * (training-path plane). Takes plain arrays; no models.
 */
import { contourSegments } from './surface-data';

/** What a contour view shows. */
export interface ContourDrawInput {
  xs: Float32Array;
  ys: Float32Array;
  /** Row-major ys by xs, finite. */
  values: Float32Array;
  levels: readonly number[];
  /** Colour of a value as r, g, b in 0..1 (the shared scale applied). */
  colour: (v: number, out: number[]) => void;
  /** Fractional grid coordinates of the model's weights. */
  marker: { i: number; j: number } | null;
  /** A polyline in fractional grid coordinates (checkpoints, first to last). */
  path?: { i: Float32Array; j: Float32Array } | null;
  xLabel: string;
  yLabel: string;
}

const M = { left: 40, right: 8, top: 8, bottom: 30 };

/** Draws the view into a canvas of CSS size width x height (device pixels handled here). */
export function drawContour(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  d: ContourDrawInput,
): void {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  canvas.width = Math.max(1, Math.floor(width * dpr));
  canvas.height = Math.max(1, Math.floor(height * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const nx = d.xs.length;
  const ny = d.ys.length;
  const side = Math.max(10, Math.min(width - M.left - M.right, height - M.top - M.bottom));
  const x0 = M.left;
  const y0 = M.top;
  // Grid point (i, j) -> pixel; j grows upwards (b increases up), as in a plot.
  const px = (i: number) => x0 + ((i + 0.5) / nx) * side;
  const py = (j: number) => y0 + side - ((j + 0.5) / ny) * side;

  const img = document.createElement('canvas');
  img.width = nx;
  img.height = ny;
  const ictx = img.getContext('2d');
  if (ictx) {
    const data = ictx.createImageData(nx, ny);
    const c = [0, 0, 0];
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        d.colour(d.values[j * nx + i]!, c);
        const o = ((ny - 1 - j) * nx + i) * 4;
        data.data[o] = Math.round(c[0]! * 255);
        data.data[o + 1] = Math.round(c[1]! * 255);
        data.data[o + 2] = Math.round(c[2]! * 255);
        data.data[o + 3] = 255;
      }
    ictx.putImageData(data, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(img, x0, y0, side, side);
  }

  ctx.lineWidth = 1;
  ctx.strokeStyle = 'rgba(255,255,255,0.8)';
  ctx.beginPath();
  for (const c of contourSegments(d.values, nx, ny, d.levels)) {
    const s = c.segments;
    for (let k = 0; k + 3 < s.length; k += 4) {
      ctx.moveTo(px(s[k]!), py(s[k + 1]!));
      ctx.lineTo(px(s[k + 2]!), py(s[k + 3]!));
    }
  }
  ctx.stroke();

  if (d.path && d.path.i.length > 0) {
    ctx.strokeStyle = '#ffffff';
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let k = 0; k < d.path.i.length; k++) {
      const x = px(d.path.i[k]!);
      const y = py(d.path.j[k]!);
      if (k === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
    ctx.fillStyle = '#ffffff';
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 1;
    for (let k = 0; k < d.path.i.length; k++) {
      ctx.beginPath();
      ctx.arc(px(d.path.i[k]!), py(d.path.j[k]!), k === 0 ? 4.5 : 3, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  if (d.marker) {
    ctx.beginPath();
    ctx.arc(px(d.marker.i), py(d.marker.j), 5, 0, 2 * Math.PI);
    ctx.fillStyle = '#e0312b';
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  }

  // Axes: frame, end and centre ticks, labels.
  ctx.strokeStyle = '#8a8f98';
  ctx.lineWidth = 1;
  ctx.strokeRect(x0 + 0.5, y0 + 0.5, side - 1, side - 1);
  ctx.fillStyle = getComputedStyle(canvas).color || '#333';
  ctx.font = '11px system-ui, sans-serif';
  const fmt = (v: number) => (Math.abs(v) < 1e-9 ? '0' : v.toPrecision(2).replace(/\.?0+$/, ''));
  const mid = (a: Float32Array) => (a[0]! + a[a.length - 1]!) / 2;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const [i, v] of [
    [0, d.xs[0]!],
    [(nx - 1) / 2, mid(d.xs)],
    [nx - 1, d.xs[nx - 1]!],
  ] as const)
    ctx.fillText(fmt(v), px(i), y0 + side + 3);
  ctx.fillText(d.xLabel, x0 + side / 2, y0 + side + 16);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const [j, v] of [
    [0, d.ys[0]!],
    [(ny - 1) / 2, mid(d.ys)],
    [ny - 1, d.ys[ny - 1]!],
  ] as const)
    ctx.fillText(fmt(v), x0 - 4, py(j));
  ctx.save();
  ctx.translate(11, y0 + side / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText(d.yLabel, 0, 0);
  ctx.restore();
}
