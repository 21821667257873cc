/**
 * 1D interpolation plots: loss and accuracy along straight lines in weight space (clean ->
 * poisoned final weights; initial -> final of each run), on the chosen images.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { useApp, type LandscapeJob } from '../../store';
import type { NeededJob } from '../../store/derived/landscape-view';
import { AXIS, fitToParent, pctValue } from '../common/chart-utils';

interface Props {
  needs: NeededJob[];
  jobs: (LandscapeJob | undefined)[];
}

interface Line {
  label: string;
  color: string;
  dash: number[] | undefined;
  alphas: Float32Array;
  values: Float32Array;
}

export function InterpolationView({ needs, jobs }: Props) {
  const runs = useApp((s) => s.runs);
  const lines = (metric: 'loss' | 'acc'): Line[] =>
    needs.flatMap((need, k) => {
      const r = jobs[k]?.result;
      if (!r || r.kind !== 'interpolation') return [];
      // Clean -> poisoned in the poisoned run's colour, dashed; init -> final in the run's.
      const color = runs[need.target ?? need.source]?.color ?? '#333';
      return [
        {
          label: need.role,
          color,
          dash: need.target ? [6, 4] : undefined,
          alphas: r.curve.alphas,
          values: metric === 'loss' ? r.curve.loss : r.curve.acc,
        },
      ];
    });
  // Charts rebuild when a result arrives, not on every render.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const loss = useMemo(() => lines('loss'), [runs, needs, jobs]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const acc = useMemo(() => lines('acc'), [runs, needs, jobs]);
  if (loss.length === 0) return <div className="surface-box placeholder">measuring…</div>;
  return (
    <>
      <ul className="line-legend" aria-label="Lines">
        {loss.map((l) => (
          <li key={l.label}>
            <svg width="28" height="8" aria-hidden="true">
              <line
                x1="0"
                y1="4"
                x2="28"
                y2="4"
                stroke={l.color}
                strokeWidth="2.5"
                strokeDasharray={l.dash?.join(' ')}
              />
            </svg>
            {l.label}
          </li>
        ))}
      </ul>
      <div className="surface-pair" data-testid="interpolation">
        <figure className="surface-cell">
          <figcaption>Loss along the line</figcaption>
          <LineChart lines={loss} yLabel="loss" percent={false} />
        </figure>
        <figure className="surface-cell">
          <figcaption>Accuracy along the line</figcaption>
          <LineChart lines={acc} yLabel="accuracy" percent />
        </figure>
      </div>
    </>
  );
}

function LineChart({
  lines,
  yLabel,
  percent,
}: {
  lines: Line[];
  yLabel: string;
  percent: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    const first = lines[0];
    if (!el || !first) return;
    // All curves of one job set share their alphas (same grid setting).
    const data: uPlot.AlignedData = [
      Array.from(first.alphas),
      ...lines.map((l) => Array.from(l.values, (v) => (Number.isFinite(v) ? v : null))),
    ];
    const u = new uPlot(
      {
        width: el.clientWidth || 300,
        height: el.clientHeight || 220,
        scales: { x: { time: false }, ...(percent ? { y: { range: [0, 1] } } : {}) },
        axes: [
          { ...AXIS, label: 'alpha', labelSize: 16, size: 30 },
          {
            ...AXIS,
            label: yLabel,
            labelSize: 16,
            size: 52,
            ...(percent
              ? { values: (_u: uPlot, vs: number[]) => vs.map((v) => `${Math.round(v * 100)} %`) }
              : {}),
          },
        ],
        series: [
          { label: 'alpha' },
          ...lines.map((l) => ({
            label: l.label,
            stroke: l.color,
            width: 2,
            ...(l.dash ? { dash: l.dash } : {}),
            ...(percent ? { value: pctValue } : {}),
          })),
        ],
        legend: { show: false },
      },
      data,
      el,
    );
    const unfit = fitToParent(u, el);
    return () => {
      unfit();
      u.destroy();
    };
  }, [lines, yLabel, percent]);
  return (
    <div
      ref={ref}
      className="surface-box chart-canvas"
      role="img"
      aria-label={`${yLabel} along interpolation lines`}
    />
  );
}
