/**
 * Clean test accuracy (solid) and train accuracy (dashed) per epoch, one line pair per run in
 * the run's colour; the selected run is drawn strong, the others faded.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { appStore, useApp, type All, type RunState } from '../store';
import { AXIS, faded, fitToParent, pctValue } from './chart-utils';

/** How many runs the chart shows at most (the newest, plus the selected one). */
const MAX_RUNS = 4;

/** Ids of the runs on the chart, as one string so React compares it by value. */
const visibleKey = (s: All): string => {
  const ids = s.runOrder.slice(-MAX_RUNS);
  if (s.selectedRunId && !ids.includes(s.selectedRunId)) ids.unshift(s.selectedRunId);
  return `${ids.join(',')}|${s.selectedRunId ?? ''}`;
};

function dataOf(runs: RunState[]): uPlot.AlignedData {
  const n = Math.max(1, ...runs.map((r) => r.config.epochs));
  const x = Array.from({ length: n }, (_, i) => i + 1);
  const ys: (number | null)[][] = [];
  for (const r of runs) {
    const byEpoch = new Map(r.epochs.map((m) => [m.epoch, m]));
    ys.push(x.map((e) => byEpoch.get(e)?.testAcc ?? null));
    ys.push(x.map((e) => byEpoch.get(e)?.trainAcc ?? null));
  }
  return [x, ...ys];
}

export function AccuracyChart() {
  const ref = useRef<HTMLDivElement>(null);
  const key = useApp(visibleKey);
  const anyEpoch = useApp((s) => s.runOrder.some((id) => (s.runs[id]?.epochs.length ?? 0) > 0));

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const [idList = '', selected] = key.split('|');
    const ids = idList ? idList.split(',') : [];
    const runsOf = (s: All) => ids.map((id) => s.runs[id]).filter((r): r is RunState => !!r);
    const initial = runsOf(appStore.getState());
    let n = Math.max(1, ...initial.map((r) => r.config.epochs));
    const series: uPlot.Series[] = [{ label: 'epoch' }];
    for (const r of initial) {
      const strong = r.id === selected;
      const stroke = strong ? r.color : faded(r.color);
      const width = strong ? 2 : 1.25;
      const points = { show: true, size: strong ? 6 : 4, fill: stroke };
      series.push({ label: `#${r.index} test`, stroke, width, points, value: pctValue });
      series.push({
        label: `#${r.index} train`,
        stroke,
        width,
        dash: [5, 4],
        points,
        value: pctValue,
      });
    }
    const u = new uPlot(
      {
        width: el.clientWidth || 400,
        height: 160,
        scales: { x: { time: false, range: () => [0.75, n + 0.25] }, y: { range: [0, 1] } },
        axes: [
          {
            ...AXIS,
            label: 'epoch',
            labelSize: 18,
            size: 34,
            splits: () => Array.from({ length: n }, (_, i) => i + 1),
          },
          {
            ...AXIS,
            label: 'accuracy',
            labelSize: 18,
            size: 50,
            splits: () => [0, 0.25, 0.5, 0.75, 1],
            values: (_u, vs) => vs.map((v) => `${Math.round(v * 100)} %`),
          },
        ],
        series,
        cursor: { drag: { x: false, y: false } },
      },
      dataOf(initial),
      el,
    );
    let last = initial.map((r) => r.epochs);
    const push = (s: All) => {
      const runs = runsOf(s);
      if (runs.length === last.length && runs.every((r, i) => r.epochs === last[i])) return;
      last = runs.map((r) => r.epochs);
      n = Math.max(1, ...runs.map((r) => r.config.epochs));
      u.setData(dataOf(runs));
    };
    const unsubscribe = appStore.subscribe(push);
    const unfit = fitToParent(u, el);
    return () => {
      unsubscribe();
      unfit();
      u.destroy();
    };
  }, [key]);

  return (
    <section className="card chart" data-testid="acc-chart" aria-labelledby="acc-h">
      <h2 id="acc-h">
        Accuracy per epoch{' '}
        <span className="muted small">solid: clean test set, dashed: training set</span>
      </h2>
      <div className="chart-body">
        <div ref={ref} className="chart-canvas" />
        {!anyEpoch && <p className="chart-empty">Accuracy appears after the first epoch.</p>}
      </div>
    </section>
  );
}
