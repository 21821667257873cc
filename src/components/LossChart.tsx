/** Live training loss of the selected run, per progress report (uPlot, updated in place). */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { appStore, selectSelectedRun, useApp, type All, type LossHistory } from '../store';
import { CLEAN_RUN_COLOR } from '../store/palette';
import { AXIS, fitToParent } from './chart-utils';

const hasLoss = (s: All) => (selectSelectedRun(s)?.loss.x.length ?? 0) > 0;

export function LossChart() {
  const ref = useRef<HTMLDivElement>(null);
  const runLabel = useApp((s) => {
    const r = selectSelectedRun(s);
    return r ? `run #${r.index}, ${r.config.model}, batch ${r.config.batchSize}` : '';
  });
  const any = useApp(hasLoss);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let xMax = 1;
    let last: LossHistory | null = null;
    const u = new uPlot(
      {
        width: el.clientWidth || 400,
        height: 160,
        scales: {
          x: { time: false, range: () => [0, xMax] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
        },
        axes: [
          { ...AXIS, label: 'epoch', labelSize: 18, size: 34 },
          { ...AXIS, label: 'loss (cross-entropy)', labelSize: 18, size: 44 },
        ],
        series: [
          { label: 'epoch', value: (_u, v) => (v == null ? '–' : v.toFixed(2)) },
          {
            label: 'loss, recent steps',
            stroke: CLEAN_RUN_COLOR,
            width: 1.5,
            value: (_u, v) => (v == null ? '–' : v.toFixed(3)),
          },
          {
            label: 'running mean of the epoch',
            stroke: '#7b8794',
            width: 1,
            dash: [4, 4],
            value: (_u, v) => (v == null ? '–' : v.toFixed(3)),
          },
        ],
        cursor: { drag: { x: false, y: false } },
      },
      [[], [], []],
      el,
    );
    const push = (s: All) => {
      const run = selectSelectedRun(s);
      const loss = run?.loss ?? null;
      if (loss === last) return;
      last = loss;
      xMax = run?.config.epochs ?? 1;
      u.setData([loss?.x ?? [], loss?.recent ?? [], loss?.mean ?? []]);
    };
    push(appStore.getState());
    const unsubscribe = appStore.subscribe(push);
    const unfit = fitToParent(u, el);
    return () => {
      unsubscribe();
      unfit();
      u.destroy();
    };
  }, []);

  return (
    <section className="card chart" data-testid="loss-chart" aria-labelledby="loss-h">
      <h2 id="loss-h">
        Training loss <span className="muted small">{runLabel}</span>
      </h2>
      <div className="chart-body">
        <div ref={ref} className="chart-canvas" />
        {!any && <p className="chart-empty">The loss appears here while a run trains.</p>}
      </div>
    </section>
  );
}
