/** Small helpers shared by the uPlot charts. */
import './common.css';
import type uPlot from 'uplot';
import { appStore, type All, type RunState } from '../../store';

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

/**
 * Keeps a chart of `runs` live: redraws when `pick(run)` changes for any run (store updates
 * flow through a subscription, not React renders) and keeps it fitted to `el`. Returns the
 * cleanup, which also destroys the chart.
 */
export function followRuns(
  u: uPlot,
  el: HTMLElement,
  runs: RunState[],
  runsOf: (s: All) => RunState[],
  pick: (r: RunState) => unknown,
  redraw: (runs: RunState[]) => void,
): () => void {
  let last = runs.map(pick);
  const unsubscribe = appStore.subscribe((s) => {
    const now = runsOf(s);
    if (now.length === last.length && now.every((r, i) => pick(r) === last[i])) return;
    last = now.map(pick);
    redraw(now);
  });
  const unfit = fitToParent(u, el);
  return () => {
    unsubscribe();
    unfit();
    u.destroy();
  };
}
