/** The top-bar badge naming the backend that runs; opens the reasons and the override. */
import { useApp } from '../../store';
import { BackendDetails } from './BackendDetails';

export function BackendBadge() {
  const report = useApp((s) => s.backend);
  const status = useApp((s) => s.backendStatus);
  const ready = report !== null && status !== 'starting';
  const text = ready ? report.chosen.toUpperCase() : status === 'failed' ? 'NO BACKEND' : '…';
  const title = ready
    ? report.notes.map((n) => `${n.backend.toUpperCase()}: ${n.status}, ${n.why}`).join('\n')
    : 'Starting the lab worker';
  const pref = !ready
    ? ''
    : report.preference === 'auto'
      ? 'auto'
      : report.preference === report.chosen
        ? 'your choice'
        : `${report.preference.toUpperCase()} failed`;
  return (
    <details className="backend-badge">
      <summary title={title}>
        <span className="badge-label">backend</span>
        <span
          data-testid="backend-badge"
          className={`badge ${status === 'failed' ? 'badge-failed' : ''}`}
          aria-live="polite"
        >
          {text}
        </span>
        {pref && <span className="badge-pref">{pref}</span>}
      </summary>
      <div className="popover">
        <BackendDetails />
      </div>
    </details>
  );
}
