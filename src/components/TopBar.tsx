/** Title, Train / Cancel, the epoch counter, what trains, and the backend badge. */
import { currentEpoch, selectActiveRun, selectSelectedRun, useApp } from '../store';
import { DATASET_SHORT } from '../store/config-fields';
import { BackendBadge } from './BackendBadge';
import { fmtInt } from './format';
import { RunPicker } from './RunPicker';

export function TopBar() {
  const active = useApp(selectActiveRun);
  const selected = useApp(selectSelectedRun);
  const config = useApp((s) => s.config);
  const startRun = useApp((s) => s.startRun);
  const cancelRun = useApp((s) => s.cancelRun);
  const connected = useApp((s) => s.client !== null);

  const shown = selected ?? null;
  const c = shown?.config ?? config;
  const epochs = Number.isFinite(c.epochs) ? c.epochs : '–';
  const epochNow = shown ? currentEpoch(shown) : 0;
  const summary = `${DATASET_SHORT[c.dataset]} · ${c.model} · ${fmtInt(c.trainSize || 0)} train / ${fmtInt(c.testSize || 0)} test images`;

  return (
    <header className="topbar">
      <h1>SALscape</h1>
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid="train-button"
          disabled={active !== null || !connected}
          onClick={() => startRun()}
        >
          Train
        </button>
        <button
          type="button"
          data-testid="cancel-button"
          disabled={active === null || active.cancelRequested}
          onClick={() => active && cancelRun(active.id)}
        >
          {active?.cancelRequested ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <span
        className="epoch-counter"
        data-testid="epoch-counter"
        title="current epoch / epochs of the shown run"
      >
        epoch {epochNow > 0 ? epochNow : '–'} / {epochs}
      </span>
      <span className="summary" title={shown ? `run #${shown.index}` : 'the settings on the left'}>
        {summary}
      </span>
      <span className="spacer" />
      <RunPicker />
      <BackendBadge />
    </header>
  );
}
