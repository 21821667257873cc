/**
 * The training-path plane of each run: loss over the plane of the two main PCA directions of
 * its checkpoints (around the final weights), the path drawn on it, the variance the two axes
 * explain and how far each checkpoint lies off the plane.
 */
import { useMemo } from 'react';
import { viridisInto } from '../../scene/colormap';
import { unit } from '../../scene/surface-data';
import { useApp, type LandscapeJob } from '../../store';
import {
  pathOnGrid,
  sharedScale,
  surfacePanel,
  type NeededJob,
} from '../../store/derived/landscape-view';
import { ContourView } from './ContourView';
import { LandscapeLegend } from './LandscapeLegend';

interface Props {
  needs: NeededJob[];
  jobs: (LandscapeJob | undefined)[];
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

export function PathView({ needs, jobs }: Props) {
  const log = useApp((s) => s.landscapeLogScale);
  const runs = useApp((s) => s.runs);
  const panels = useMemo(() => jobs.map((j) => surfacePanel(j, log)), [jobs, log]);
  const scale = useMemo(() => sharedScale(panels, log), [panels, log]);
  const inputs = useMemo(
    () =>
      jobs.map((j, k) => {
        const p = panels[k];
        if (!p) return null;
        return {
          xs: p.xs,
          ys: p.ys,
          values: p.values,
          levels: scale.levels,
          colour: (v: number, out: number[]) => viridisInto(unit(scale.domain, v), out),
          marker: p.marker,
          path: pathOnGrid(j),
          xLabel: 'PCA direction 1',
          yLabel: 'PCA direction 2',
        };
      }),
    [jobs, panels, scale],
  );
  return (
    <>
      <div className="surface-pair">
        {needs.map((need, k) => {
          const job = jobs[k];
          const r = job?.result;
          const plane = r?.kind === 'path' ? r.plane : null;
          const input = inputs[k];
          const off = plane ? Math.max(0, ...Array.from(plane.offPlane)) : 0;
          return (
            <figure
              key={need.source}
              className="surface-cell"
              data-testid={`path-${k === 0 ? 'clean' : 'poisoned'}`}
            >
              <figcaption>
                <span
                  className="swatch"
                  style={{ background: runs[need.source]?.color }}
                  aria-hidden="true"
                />
                {need.role}
                {plane && (
                  <span className="muted small">
                    {' '}
                    axes explain {pct(plane.explained[0])} + {pct(plane.explained[1])} of the path
                  </span>
                )}
              </figcaption>
              {input ? (
                <ContourView
                  input={input}
                  label={`Loss over the training-path plane of the ${need.role}`}
                  testId="path-contour"
                />
              ) : (
                <div className="surface-box placeholder">
                  {job?.status === 'failed'
                    ? 'failed'
                    : job?.status === 'cancelled'
                      ? 'stopped (switch tabs or change a setting to measure again)'
                      : 'measuring…'}
                </div>
              )}
              {plane && (
                <p
                  className="muted small"
                  title={`distance of each checkpoint from the plane: ${Array.from(plane.offPlane, (d) => d.toFixed(3)).join(', ')}`}
                >
                  Farthest checkpoint off the plane: {off.toFixed(3)} (weight-space distance)
                  {off > 0.05 * Math.max(1e-9, planeSpan(plane))
                    ? ' – the path leaves the plane, so read the contours with care.'
                    : '.'}
                </p>
              )}
            </figure>
          );
        })}
      </div>
      <LandscapeLegend
        domain={scale.domain}
        log={log}
        kind="loss"
        unit={log ? 'loss (log scale)' : 'loss (cross-entropy)'}
      />
    </>
  );
}

/** The path's extent in the plane, to judge whether the off-plane distances matter. */
function planeSpan(plane: { pathA: Float32Array; pathB: Float32Array }): number {
  let m = 0;
  for (let k = 0; k < plane.pathA.length; k++)
    m = Math.max(m, Math.hypot(plane.pathA[k]!, plane.pathB[k]!));
  return m;
}
