/**
 * SAL of the shared convolutional layers per task (each task's own loss), clean next to
 * poisoned on one scale per task, learnable cells (above that task's beta) outlined.
 */
import { useMemo } from 'react';
import { HEAD_TASK_INFO, type HeadTask } from '../../core/tasks';
import { taskSalSeries, type CrossTaskResult } from '../../store/derived/cross-task-view';
import { salHeatmap, sharedSalScale } from '../../store/derived/heatmap-model';
import { CLEAN_RUN_COLOR } from '../../store/palette';
import { HeatmapView } from '../common/HeatmapView';

const ROW_PX = 22;

export function CrossTaskHeatmaps({
  result,
  color,
  method,
}: {
  result: CrossTaskResult;
  color: string;
  method: string;
}) {
  const heads = result.outcomes.filter((o) => o.model !== 'multi');
  if (!result.sal)
    return (
      <p className="muted small">SAL was off: switch it on to see the per-task heatmaps and UD.</p>
    );
  return (
    <div className="crosstask-maps" data-testid="crosstask-heatmaps">
      {heads.map((o) => (
        <TaskMaps
          key={o.head}
          result={result}
          head={o.head}
          model={o.model}
          beta={o.ud?.beta ?? null}
          color={color}
          method={method}
        />
      ))}
    </div>
  );
}

function TaskMaps(p: {
  result: CrossTaskResult;
  head: HeadTask;
  model: string;
  beta: number | null;
  color: string;
  method: string;
}) {
  const { result, head, model, beta } = p;
  const { maps, scale } = useMemo(() => {
    const clean = taskSalSeries(result, model, head, 'clean');
    const poisoned = taskSalSeries(result, model, head, 'poisoned');
    const epochs = result.config.epochs;
    return {
      maps: {
        clean: clean ? salHeatmap(clean, epochs, beta) : null,
        poisoned: poisoned ? salHeatmap(poisoned, epochs, beta) : null,
      },
      scale: sharedSalScale([clean, poisoned]),
    };
  }, [result, model, head, beta]);
  return (
    <figure className="crosstask-map">
      <figcaption>{HEAD_TASK_INFO[head].label}</figcaption>
      {(['clean', 'poisoned'] as const).map((v) => {
        const m = maps[v];
        if (!m) return null;
        const name = v === 'clean' ? 'clean' : p.method;
        return (
          <div key={v} className="crosstask-map-row">
            <span className="small">
              <span
                className="swatch"
                style={{ background: v === 'clean' ? CLEAN_RUN_COLOR : p.color }}
                aria-hidden="true"
              />
              {name}
            </span>
            <div style={{ height: m.rows * ROW_PX }}>
              <HeatmapView
                cols={m.cols}
                rows={m.rows}
                values={m.values}
                mask={m.mask}
                scale={scale}
                label={`SAL of the shared layers for ${HEAD_TASK_INFO[head].label}, ${name}: ${m.rows} layers by ${m.cols} epochs`}
                describe={(c) => {
                  const val = m.values[c.row * m.cols + c.col];
                  return `${name}, ${m.layers[c.row]}, epoch ${c.col + 1}: SAL ${
                    val === undefined || Number.isNaN(val) ? '–' : val.toFixed(4)
                  }${beta !== null ? ` (beta ${beta.toFixed(4)})` : ''}`;
                }}
              />
            </div>
          </div>
        );
      })}
    </figure>
  );
}
