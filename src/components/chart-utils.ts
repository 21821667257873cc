/** Small helpers shared by the uPlot charts. */
import type uPlot from 'uplot';

/** Keeps a chart the size of `el` (minus its legend); returns the cleanup. */
export function fitToParent(u: uPlot, el: HTMLElement): () => void {
  const resize = () => {
    const legend = u.root.querySelector<HTMLElement>('.u-legend');
    const lh = legend ? legend.offsetHeight : 0;
    const width = Math.max(120, Math.floor(el.clientWidth));
    const height = Math.max(80, Math.floor(el.clientHeight - lh - 2));
    if (width !== u.width || height !== u.height) u.setSize({ width, height });
  };
  const ro = new ResizeObserver(resize);
  ro.observe(el);
  resize();
  return () => ro.disconnect();
}

/** Axis colours that match the calm palette of styles.css. */
export const AXIS = {
  stroke: '#52606d',
  grid: { stroke: '#e4e7eb', width: 1 },
  ticks: { stroke: '#cbd2d9', width: 1 },
} as const;

/** A colour with an alpha channel ('#0072B2' -> '#0072B299'). */
export const faded = (hex: string, alpha = '80'): string => `${hex}${alpha}`;

/** Legend formatter for a fraction shown in percent. */
export const pctValue = (_u: uPlot, v: number | null): string =>
  v == null ? '–' : `${(v * 100).toFixed(1)} %`;
