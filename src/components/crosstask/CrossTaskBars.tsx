/**
 * Clean vs poisoned quality per task as paired horizontal bars (HTML, no chart library: four
 * to six pairs of bars with a chance mark read better as plain elements than as a plot).
 */
import type { CrossTaskRow } from '../../store/derived/cross-task-view';
import { CLEAN_RUN_COLOR } from '../../store/palette';

export function CrossTaskBars({
  rows,
  color,
  method,
}: {
  rows: CrossTaskRow[];
  color: string;
  method: string;
}) {
  return (
    <div
      className="crosstask-bars"
      role="img"
      aria-label={`Bar chart: test quality per task, clean vs ${method}: ${rows
        .map(
          (r) =>
            `${r.model} ${r.task} ${Math.round(r.clean * 100)} vs ${
              r.poisoned === null ? 'none' : Math.round(r.poisoned * 100)
            } percent`,
        )
        .join('; ')}`}
      data-testid="crosstask-bars"
    >
      {rows.map((r) => (
        <div className="bar-row" key={`${r.model}/${r.head}`}>
          <span className="bar-label">
            {r.model === `${r.head} model` ? r.task : `${r.task} (${r.model})`}
          </span>
          <div className="bar-track">
            <div
              className="bar"
              style={{ width: `${r.clean * 100}%`, background: CLEAN_RUN_COLOR }}
            />
            {r.poisoned !== null && (
              <div className="bar" style={{ width: `${r.poisoned * 100}%`, background: color }} />
            )}
            <div className="bar-chance" style={{ left: `${r.chance * 100}%` }} title="chance" />
          </div>
        </div>
      ))}
      <p className="muted small">
        <span className="swatch" style={{ background: CLEAN_RUN_COLOR }} aria-hidden="true" /> clean{' '}
        <span className="swatch" style={{ background: color }} aria-hidden="true" /> {method} · grey
        tick: chance (what guessing scores)
      </p>
    </div>
  );
}
