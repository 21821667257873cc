/** The backend report as a list (each backend, its status and why) and the override select. */
import type { BackendPreference } from '../../core/run-types';
import { BACKENDS } from '../../core/run-types';
import { selectBusy, useApp } from '../../store';
import { CalibrationFigures } from './CalibrationFigures';

const STATUS_WORDS = {
  chosen: 'in use',
  skipped: 'skipped',
  unavailable: 'not available',
  failed: 'failed to start',
} as const;

/** Each backend with its status and the reason, from `BackendReport.notes`. */
export function BackendNotes() {
  const report = useApp((s) => s.backend);
  const status = useApp((s) => s.backendStatus);
  if (!report || status === 'starting') {
    return (
      <p className="muted">
        {status === 'failed'
          ? 'No backend could start (see the error above).'
          : 'Starting the lab worker…'}
      </p>
    );
  }
  return (
    <ul className="backend-notes" data-testid="backend-notes">
      {report.notes.map((n) => (
        <li key={n.backend} className={`note-${n.status}`}>
          <span className="note-name">{n.backend.toUpperCase()}</span>
          <span className="note-status">{STATUS_WORDS[n.status]}</span>
          <span className="note-why" title={n.why}>
            {n.why}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Select to override the automatic backend choice; re-initialises the worker's backend. */
export function BackendSelect() {
  const pref = useApp((s) => s.backendPreference);
  const busy = useApp(selectBusy);
  const setPref = useApp((s) => s.setBackendPreference);
  return (
    <label className="field inline">
      <span>Use</span>
      <select
        value={pref}
        disabled={busy}
        title={busy ? 'The backend cannot change during a run' : 'Choose the TF.js backend'}
        onChange={(e) => setPref(e.target.value as BackendPreference)}
      >
        <option value="auto">auto (fastest that works)</option>
        {BACKENDS.map((b) => (
          <option key={b} value={b}>
            {b.toUpperCase()}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The badge's popover: the backend in use, why, the calibration, and the override. */
export function BackendDetails() {
  return (
    <section className="backend-details" aria-labelledby="backend-h">
      <h2 id="backend-h">Compute backend</h2>
      <BackendNotes />
      <CalibrationFigures />
      <BackendSelect />
    </section>
  );
}
