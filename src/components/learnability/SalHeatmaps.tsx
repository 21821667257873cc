/**
 * The SAL heatmaps of the clean run and the compared poisoned run, side by side on one colour
 * scale, with the legend (beta marked), how to read them, and the L0 departure from the paper.
 */
import { useMemo } from 'react';
import { SAL_L0_DEPARTURE, SAL_ORDER_DEPARTURE } from '../../core/sal-types';
import {
  heatmapBeta,
  selectCleanRun,
  selectExperimentRuns,
  selectFocusedRun,
  useApp,
} from '../../store';
import { fmtSalHover, sharedSalScale } from '../../store/derived/heatmap-model';
import { runLabel } from '../../store/poison-config';
import { RunHeatmap } from './RunHeatmap';
import { ScaleLegend } from './ScaleLegend';

export function SalHeatmaps() {
  const clean = useApp(selectCleanRun);
  const focused = useApp(selectFocusedRun);
  const runs = useApp(selectExperimentRuns);
  const focus = useApp((s) => s.focusRun);
  const cleanSal = clean?.sal ?? null;
  const focusedSal = focused?.sal ?? null;
  // beta follows the live UD (epochs both runs have) of the compared pair.
  const beta = clean ? heatmapBeta(clean, focused) : null;
  const scale = useMemo(() => sharedSalScale([cleanSal, focusedSal]), [cleanSal, focusedSal]);
  if (!clean) return null;
  const poisoned = runs.filter((r) => r.method !== null);
  const settings = clean.salSettings;
  return (
    <section className="card heatmaps" aria-labelledby="heatmaps-h">
      <h2 id="heatmaps-h">
        SAL per layer and epoch{' '}
        {poisoned.length > 1 && (
          <select
            className="compare-select"
            value={focused?.id ?? ''}
            aria-label="poisoned run to compare with the clean run"
            onChange={(e) => focus(e.target.value)}
          >
            {poisoned.map((r) => (
              <option key={r.id} value={r.id}>
                clean vs {runLabel(r.method)}
              </option>
            ))}
          </select>
        )}
      </h2>
      <div className="heatmap-pair">
        <RunHeatmap run={clean} beta={beta} scale={scale} />
        {focused && <RunHeatmap run={focused} beta={beta} scale={scale} />}
      </div>
      {settings && (cleanSal || focusedSal) && <ScaleLegend scale={scale} beta={beta} />}
      <details className="departure small" data-testid="sal-departure">
        <summary>
          <b>Departs from the paper:</b> L0 (the loss SAL starts from) is measured in inference mode
          after each epoch, not taken from the epoch&apos;s running training loss; the SAL rounds
          run over the images in stored order.
        </summary>
        <p>{SAL_L0_DEPARTURE}</p>
        <p>{SAL_ORDER_DEPARTURE}</p>
      </details>
      <p className="axis-note muted small">
        rows: weight layers, input side on top · columns: epochs · outlined: SAL above β (learnable)
        · grey: not measured yet · click a cell for its filters
      </p>
      {settings && <p className="muted small">SAL settings: {fmtSalHover(settings)}.</p>}
    </section>
  );
}
