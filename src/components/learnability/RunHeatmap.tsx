/** One run's SAL heatmap: layers (rows) x epochs (columns), labelled, clickable for drill-down. */
import { useMemo } from 'react';
import type { ColorScale } from '../../scene/colormap';
import { useApp, type RunState } from '../../store';
import { salCellText, salHeatmap } from '../../store/derived/heatmap-model';
import { runLabel } from '../../store/poison-config';
import { HeatmapView } from '../common/HeatmapView';

/** Height of one layer row in pixels. */
const ROW_PX = 24;

interface Props {
  run: RunState;
  beta: number | null;
  scale: ColorScale;
}

function pendingText(run: RunState): string {
  if (!run.salSettings) return 'SAL was off for this run.';
  if (run.status === 'failed') return `No SAL: the run failed (${run.error ?? 'unknown error'}).`;
  if (run.status === 'cancelled') return 'No SAL: the run was cancelled before epoch 1 ended.';
  return 'SAL appears here after epoch 1.';
}

export function RunHeatmap({ run, beta, scale }: Props) {
  const view = useApp((s) => s.filterView);
  const open = useApp((s) => s.openFilterSal);
  const model = useMemo(
    () => (run.sal ? salHeatmap(run.sal, run.config.epochs, beta) : null),
    [run.sal, run.config.epochs, beta],
  );
  const selected =
    model && view && view.runId === run.id
      ? { row: model.layers.indexOf(view.layer), col: view.epoch - 1 }
      : null;
  const name = runLabel(run.method);
  return (
    <figure className="run-heatmap">
      <figcaption>
        <span className="swatch" style={{ background: run.color }} aria-hidden />
        {name}
      </figcaption>
      {model && run.sal && run.salSettings ? (
        <div className="heatmap-grid" data-testid="sal-heatmap" data-run={run.id}>
          <div className="row-labels" style={{ height: model.rows * ROW_PX }}>
            {model.layers.map((l) => (
              <span key={l}>{l}</span>
            ))}
          </div>
          <div style={{ height: model.rows * ROW_PX }}>
            <HeatmapView
              cols={model.cols}
              rows={model.rows}
              values={model.values}
              mask={model.mask}
              scale={scale}
              selected={selected && selected.row >= 0 ? selected : null}
              label={`SAL of ${name}: ${model.rows} layers by ${model.cols} epochs`}
              describe={(c) =>
                `${name}: ${salCellText(run.sal!, run.salSettings!, c.row, c.col + 1, beta)}. Click for the per-filter SAL.`
              }
              onPick={(c) => {
                if (run.sal?.epochs.includes(c.col + 1))
                  open(run.id, model.layers[c.row] ?? '', c.col + 1);
              }}
            />
          </div>
          <span />
          <div className="col-labels">
            {model.epochs.map((e) => (
              <span key={e}>{e}</span>
            ))}
          </div>
        </div>
      ) : (
        <p className="muted small heatmap-pending">{pendingText(run)}</p>
      )}
    </figure>
  );
}
