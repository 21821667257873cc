/**
 * Clean test accuracy per epoch of every run of the selected experiment, one line per run in
 * the run's colour; the legend names the methods.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { appStore, selectExperimentRuns, useApp, type All, type RunState } from '../../store';
import { runLabel } from '../../store/poison-config';
import { RunLegend } from './RunLegend';
import { AXIS, followRuns, pctValue } from '../common/chart-utils';

/** Ids of the runs on the chart, as one string so React compares it by value. */
const runsKey = (s: All): string =>
  selectExperimentRuns(s)
    .map((r) => r.id)
    .join(',');

function dataOf(runs: RunState[]): uPlot.AlignedData {
  const n = Math.max(1, ...runs.map((r) => r.config.epochs));
  const x = Array.from({ length: n }, (_, i) => i + 1);
  const ys = runs.map((r) => {
    const byEpoch = new Map(r.epochs.map((m) => [m.epoch, m]));
    return x.map((e) => byEpoch.get(e)?.testAcc ?? null);
  });
  return [x, ...ys];
}

export function AccuracyChart() {
  const ref = useRef<HTMLDivElement>(null);
  const key = useApp(runsKey);
  const anyEpoch = useApp((s) => selectExperimentRuns(s).some((r) => r.epochs.length > 0));

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ids = key ? key.split(',') : [];
    const runsOf = (s: All) => ids.map((id) => s.runs[id]).filter((r): r is RunState => !!r);
    const initial = runsOf(appStore.getState());
    let n = Math.max(1, ...initial.map((r) => r.config.epochs));
    const series: uPlot.Series[] = [{ label: 'epoch' }];
    for (const r of initial) {
      const points = { show: true, size: 5, fill: r.color };
      series.push({
        label: runLabel(r.method),
        stroke: r.color,
        width: 2,
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
            labelSize: 16,
            size: 30,
            // Every epoch up to 10, else about 10 round steps.
            splits: () => {
              const step = Math.ceil(n / 10);
              return Array.from({ length: Math.floor(n / step) }, (_, i) => (i + 1) * step);
            },
          },
          {
            ...AXIS,
            size: 52,
            splits: () => [0, 0.25, 0.5, 0.75, 1],
            values: (_u, vs) => vs.map((v) => `${Math.round(v * 100)} %`),
          },
        ],
        series,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
      },
      dataOf(initial),
      el,
    );
    return followRuns(
      u,
      el,
      initial,
      runsOf,
      (r) => r.epochs,
      (runs) => {
        n = Math.max(1, ...runs.map((r) => r.config.epochs));
        u.setData(dataOf(runs));
      },
    );
  }, [key]);

  return (
    <section className="card chart" data-testid="acc-chart" aria-labelledby="acc-h">
      <h2 id="acc-h">
        Clean test accuracy per epoch <RunLegend />
      </h2>
      <div className="chart-body">
        <div
          ref={ref}
          className="chart-canvas"
          role="img"
          aria-label="Line chart: clean test accuracy after each epoch, one line per run in its colour"
        />
        {!anyEpoch && <p className="chart-empty">Accuracy appears after the first epoch.</p>}
      </div>
    </section>
  );
}
