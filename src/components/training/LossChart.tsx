/** Live training loss of every run of the selected experiment, one line per run (uPlot). */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { appStore, selectExperimentRuns, useApp, type All, type RunState } from '../../store';
import { runLabel } from '../../store/poison-config';
import { AXIS, followRuns } from '../common/chart-utils';

const runsKey = (s: All): string =>
  selectExperimentRuns(s)
    .map((r) => r.id)
    .join(',');

/** One x axis for all runs: the union of their x values; each run null where it has none. */
function dataOf(runs: RunState[]): uPlot.AlignedData {
  const xs = [...new Set(runs.flatMap((r) => r.loss.x))].sort((a, b) => a - b);
  const ys = runs.map((r) => {
    const at = new Map(r.loss.x.map((x, i) => [x, r.loss.recent[i] ?? null]));
    return xs.map((x) => at.get(x) ?? null);
  });
  return [xs, ...ys];
}

export function LossChart() {
  const ref = useRef<HTMLDivElement>(null);
  const key = useApp(runsKey);
  const any = useApp((s) => selectExperimentRuns(s).some((r) => r.loss.x.length > 0));

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ids = key ? key.split(',') : [];
    const runsOf = (s: All) => ids.map((id) => s.runs[id]).filter((r): r is RunState => !!r);
    const initial = runsOf(appStore.getState());
    let xMax = Math.max(1, ...initial.map((r) => r.config.epochs));
    const u = new uPlot(
      {
        width: el.clientWidth || 400,
        height: 160,
        scales: {
          x: { time: false, range: () => [0, xMax] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
        },
        axes: [
          { ...AXIS, label: 'epoch', labelSize: 16, size: 30 },
          { ...AXIS, size: 40 },
        ],
        series: [
          { label: 'epoch', value: (_u, v) => (v == null ? '–' : v.toFixed(2)) },
          ...initial.map((r) => ({
            label: runLabel(r.method),
            stroke: r.color,
            width: 1.5,
            spanGaps: true,
            value: (_u: uPlot, v: number | null) => (v == null ? '–' : v.toFixed(3)),
          })),
        ],
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
      (r) => r.loss,
      (runs) => {
        xMax = Math.max(1, ...runs.map((r) => r.config.epochs));
        u.setData(dataOf(runs));
      },
    );
  }, [key]);

  return (
    <section className="card chart" data-testid="loss-chart" aria-labelledby="loss-h">
      <h2 id="loss-h">
        Training loss{' '}
        <span className="muted small">cross-entropy on each run&apos;s own training set</span>
      </h2>
      <div className="chart-body">
        <div
          ref={ref}
          className="chart-canvas"
          role="img"
          aria-label="Line chart: training loss over the epochs, one line per run in its colour"
        />
        {!any && <p className="chart-empty">The loss appears here while a run trains.</p>}
      </div>
    </section>
  );
}
