/** The per-filter SAL of one layer at one epoch: progress while the worker measures, then a grid. */
import { useMemo } from 'react';
import { filterKey, selectCleanRun, selectFocusedRun, useApp } from '../../store';
import { filterGrid, fmtSal, fmtSalHover, sharedSalScale } from '../../store/derived/heatmap-model';
import { runLabel } from '../../store/poison-config';
import { fmtSeconds } from '../common/format';
import { HeatmapView } from '../common/HeatmapView';
import { ProgressBar } from '../common/ProgressBar';

export function FilterDrilldown() {
  const view = useApp((s) => s.filterView);
  const run = useApp((s) => (s.filterView ? s.runs[s.filterView.runId] : undefined));
  const cleanSal = useApp((s) => selectCleanRun(s)?.sal ?? null);
  const focusedSal = useApp((s) => selectFocusedRun(s)?.sal ?? null);
  const close = useApp((s) => s.closeFilterSal);
  const f = view && run ? run.filters[filterKey(view.layer, view.epoch)] : undefined;
  const filters = f?.filters ?? null;
  const scale = useMemo(() => sharedSalScale([cleanSal, focusedSal]), [cleanSal, focusedSal]);
  const grid = useMemo(() => (filters ? filterGrid(filters) : null), [filters]);
  const mask = useMemo(() => new Uint8Array(grid?.values.length ?? 0), [grid]);
  if (!view || !run || !f) return null;
  const above = filters?.filter((x) => x.sal > scale.max).length ?? 0;
  return (
    <section
      className="card drilldown"
      data-testid="filter-grid"
      data-state={f.status}
      aria-labelledby="drill-h"
    >
      <h2 id="drill-h">
        <span className="swatch" style={{ background: run.color }} aria-hidden />
        Per-filter SAL: {runLabel(run.method)}, {view.layer}, epoch {view.epoch}{' '}
        <button type="button" className="link-button" onClick={close}>
          close
        </button>
      </h2>
      {(f.status === 'queued' || f.status === 'running') && (
        <>
          <p className="small">
            {f.status === 'queued'
              ? 'Queued: waits for the runs before it.'
              : `Measuring each filter: ${f.detail}`}
          </p>
          <ProgressBar fraction={f.fraction} label="per-filter SAL progress" color={run.color} />
        </>
      )}
      {f.status === 'failed' && <p className="error small">Failed: {f.error}</p>}
      {f.status === 'cancelled' && (
        <p className="muted small">Cancelled (a new experiment started).</p>
      )}
      {grid && filters && (
        <>
          <div className="filter-box" style={{ height: grid.rows * 22 }}>
            <HeatmapView
              cols={grid.cols}
              rows={grid.rows}
              values={grid.values}
              mask={mask}
              scale={scale}
              label={`SAL of ${filters.length} filters of ${view.layer}`}
              describe={(c) => {
                const x = filters[c.row * grid.cols + c.col];
                return x
                  ? `filter ${x.index}: SAL ${fmtSal(x.sal)} (up ${fmtSal(x.up)}, down ${fmtSal(x.down)}), ${fmtSalHover(f.settings)}, radius eps × the filter's own norm`
                  : '';
              }}
            />
          </div>
          <p className="muted small">
            {filters.length} filters (output units), {grid.cols} per row, on the heatmaps&apos;
            colour scale{above > 0 ? `; ${above} above its top are drawn in its top colour` : ''}.
            Each filter alone may move (radius eps × its own norm); L0{' '}
            {f.l0 !== null ? f.l0.toFixed(3) : '–'}
            {f.seconds !== null ? `, measured in ${fmtSeconds(f.seconds)}` : ''}.
          </p>
        </>
      )}
    </section>
  );
}
