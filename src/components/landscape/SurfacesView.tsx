/**
 * Surfaces of the clean and the compared poisoned run side by side on one colour and height
 * scale (3D or contours), or their difference on a diverging scale.
 */
import { useMemo } from 'react';
import { divergingInto, viridisInto } from '../../scene/colormap';
import type { SurfaceScene } from '../../scene/surface-scene';
import { unit } from '../../scene/surface-data';
import { useApp, type LandscapeJob } from '../../store';
import {
  sharedScale,
  surfaceDifference,
  surfacePanel,
  type NeededJob,
  type SurfacePanel,
} from '../../store/derived/landscape-view';
import { ContourView } from './ContourView';
import { LandscapeLegend } from './LandscapeLegend';
import { SurfaceView3D } from './SurfaceView3D';

interface Props {
  view: 'surface' | 'contour' | 'difference';
  needs: NeededJob[];
  jobs: (LandscapeJob | undefined)[];
  onScene: (runId: string, scene: SurfaceScene | null) => void;
}

export function SurfacesView({ view, needs, jobs, onScene }: Props) {
  const log = useApp((s) => s.landscapeLogScale);
  const runs = useApp((s) => s.runs);
  const panels = useMemo(() => jobs.map((j) => surfacePanel(j, log)), [jobs, log]);
  const scale = useMemo(() => sharedScale(panels, log), [panels, log]);
  const unitText = log ? 'loss (log scale)' : 'loss (cross-entropy)';

  if (view === 'difference') {
    if (needs.length < 2)
      return <p className="muted">Toggle a poison method: the difference needs a poisoned run.</p>;
    return <DifferencePanel clean={panels[0] ?? null} poisoned={panels[1] ?? null} needs={needs} />;
  }
  return (
    <>
      <div className="surface-pair">
        {needs.map((need, k) => {
          const job = jobs[k];
          const run = runs[need.source];
          const p = panels[k] ?? null;
          return (
            <figure
              key={need.source}
              className="surface-cell"
              data-testid={`surface-${k === 0 ? 'clean' : 'poisoned'}`}
            >
              <figcaption>
                <span className="swatch" style={{ background: run?.color }} aria-hidden="true" />
                {need.role.replace(/ surface$/, '')}
                {job?.centre && (
                  <span className="muted small">
                    {' '}
                    model: loss {job.centre.loss.toFixed(3)}, acc{' '}
                    {(job.centre.acc * 100).toFixed(1)} %
                  </span>
                )}
                {p && p.fraction < 1 && (
                  <span className="muted small"> · {Math.round(p.fraction * 100)} % of points</span>
                )}
              </figcaption>
              {p ? (
                view === 'surface' ? (
                  <Surface3D
                    panel={p}
                    domain={scale.domain}
                    levels={scale.levels}
                    label={need.role}
                    onScene={(s) => onScene(need.source, s)}
                  />
                ) : (
                  <Contour
                    panel={p}
                    domain={scale.domain}
                    levels={scale.levels}
                    label={need.role}
                  />
                )
              ) : (
                <div className="surface-box placeholder">
                  {job?.status === 'failed'
                    ? 'failed'
                    : job?.status === 'cancelled'
                      ? 'stopped (switch tabs or change a setting to measure again)'
                      : 'measuring…'}
                </div>
              )}
            </figure>
          );
        })}
      </div>
      <LandscapeLegend domain={scale.domain} log={log} kind="loss" unit={unitText} />
    </>
  );
}

function Surface3D(p: {
  panel: SurfacePanel;
  domain: [number, number];
  levels: number[];
  label: string;
  onScene: (s: SurfaceScene | null) => void;
}) {
  const { panel, domain, levels } = p;
  const input = useMemo(
    () => ({
      xs: panel.xs,
      ys: panel.ys,
      values: panel.values,
      domain,
      levels,
      marker: panel.marker,
    }),
    [panel, domain, levels],
  );
  return (
    <SurfaceView3D
      input={input}
      label={`3D loss surface of the ${p.label}`}
      onScene={p.onScene}
      testId="surface-3d"
    />
  );
}

function Contour(p: {
  panel: SurfacePanel;
  domain: [number, number];
  levels: number[];
  label: string;
}) {
  const { panel, domain, levels } = p;
  const input = useMemo(
    () => ({
      xs: panel.xs,
      ys: panel.ys,
      values: panel.values,
      levels,
      colour: (v: number, out: number[]) => viridisInto(unit(domain, v), out),
      marker: panel.marker,
      xLabel: 'direction 1 (a)',
      yLabel: 'direction 2 (b)',
    }),
    [panel, domain, levels],
  );
  return (
    <ContourView input={input} label={`Contour map of the ${p.label}`} testId="surface-contour" />
  );
}

function DifferencePanel({
  clean,
  poisoned,
  needs,
}: {
  clean: SurfacePanel | null;
  poisoned: SurfacePanel | null;
  needs: NeededJob[];
}) {
  const diff = useMemo(() => surfaceDifference(clean, poisoned), [clean, poisoned]);
  const input = useMemo(() => {
    if (!diff || !clean) return null;
    const m = diff.maxAbs;
    const levels = [-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75].map((f) => f * m);
    return {
      xs: clean.xs,
      ys: clean.ys,
      values: diff.values,
      levels,
      colour: (v: number, out: number[]) => divergingInto(0.5 + v / (2 * m), out),
      marker: clean.marker,
      xLabel: 'direction 1 (a)',
      yLabel: 'direction 2 (b)',
    };
  }, [diff, clean]);
  if (!input || !diff)
    return <div className="surface-box placeholder">waiting for both surfaces…</div>;
  const title = `${needs[1]?.role.replace(/ surface$/, '') ?? 'poisoned'} minus ${needs[0]?.role.replace(/ surface$/, '') ?? 'clean'}`;
  return (
    <>
      <figure className="surface-cell wide" data-testid="surface-difference">
        <figcaption>Loss difference: {title}</figcaption>
        <ContourView
          input={input}
          label={`Difference of loss surfaces: ${title}`}
          testId="difference-contour"
        />
      </figure>
      <LandscapeLegend
        domain={[-diff.maxAbs, diff.maxAbs]}
        log={false}
        kind="difference"
        unit="loss difference (poisoned − clean)"
      />
    </>
  );
}
