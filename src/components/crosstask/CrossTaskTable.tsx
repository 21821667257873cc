/** The cross-task table: per task head, clean vs poisoned test quality, change and UD. */
import type { CrossTaskRow } from '../../store/derived/cross-task-view';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const ud = (v: number) => v.toFixed(2);

export function CrossTaskTable({
  rows,
  color,
  method,
}: {
  rows: CrossTaskRow[];
  color: string;
  method: string;
}) {
  return (
    <table className="crosstask-table" data-testid="crosstask-table">
      <caption className="muted small">
        Quality on the clean test set after training on clean vs {method}-poisoned images; UD of the
        shared layers measured with each task&apos;s own loss (spread: lowest and highest per-epoch
        value).
      </caption>
      <thead>
        <tr>
          <th scope="col">model</th>
          <th scope="col">task</th>
          <th scope="col">metric</th>
          <th scope="col">clean</th>
          <th scope="col">
            <span className="swatch" style={{ background: color }} aria-hidden="true" />
            poisoned
          </th>
          <th scope="col">chance</th>
          <th scope="col">UD [spread]</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const drop = r.poisoned !== null ? r.poisoned - r.clean : null;
          return (
            <tr key={`${r.model}/${r.head}`} className={r.multi ? 'multi' : ''}>
              <td>{r.model}</td>
              <td>{r.task}</td>
              <td>{r.metric}</td>
              <td>{pct(r.clean)}</td>
              <td>
                {r.poisoned !== null ? pct(r.poisoned) : '–'}
                {drop !== null && (
                  <span className={drop < -0.05 ? 'drop' : 'muted'}>
                    {' '}
                    ({drop >= 0 ? '+' : ''}
                    {(drop * 100).toFixed(1)})
                  </span>
                )}
              </td>
              <td className="muted">{pct(r.chance)}</td>
              <td title={r.udWhy ?? undefined}>
                {r.ud !== null ? ud(r.ud) : r.udWhy ? 'undefined' : '–'}
                {r.spread && (
                  <span className="muted small">
                    {' '}
                    [{ud(r.spread[0])}–{ud(r.spread[1])}]
                  </span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
