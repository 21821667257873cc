/** Title, Train / Cancel, the epoch counter, what trains, the experiment picker, the backend badge. */
import {
  currentEpoch,
  selectActiveRun,
  selectExperiment,
  selectExperimentRuns,
  useApp,
} from '../../store';
import { DATASET_SHORT } from '../../store/config-fields';
import { runLabel } from '../../store/poison-config';
import { BackendBadge } from './BackendBadge';
import { CopyLinkButton } from './CopyLinkButton';
import { ExperimentPicker } from './ExperimentPicker';
import { LessonMenu } from '../lessons/LessonMenu';
import { fmtInt } from '../common/format';

export function TopBar() {
  const active = useApp(selectActiveRun);
  const exp = useApp(selectExperiment);
  const runs = useApp(selectExperimentRuns);
  const config = useApp((s) => s.config);
  const nMethods = useApp((s) => s.poison.methods.length);
  const start = useApp((s) => s.startExperiment);
  const cancel = useApp((s) => s.cancelExperiment);
  const connected = useApp((s) => s.client !== null);

  const c = exp?.config ?? config;
  const epochs = Number.isFinite(c.epochs) ? c.epochs : '–';
  // The run the worker is on; afterwards the furthest epoch any run of the experiment reached.
  const shown = active && runs.includes(active) ? active : null;
  const epochNow = shown ? currentEpoch(shown) : Math.max(0, ...runs.map((r) => currentEpoch(r)));
  const summary = `${DATASET_SHORT[c.dataset]} · ${c.model} · ${fmtInt(c.trainSize || 0)} train / ${fmtInt(c.testSize || 0)} test images`;
  const cancelling = runs.some((r) => r.cancelRequested && r.status !== 'cancelled');

  return (
    <header className="topbar">
      <h1>SALscape</h1>
      <div className="actions">
        <button
          type="button"
          className="primary"
          data-testid="train-button"
          disabled={active !== null || !connected}
          title={`Trains the clean model and ${nMethods} poisoned model${nMethods === 1 ? '' : 's'} with the same settings and seed`}
          onClick={() => start()}
        >
          Train {nMethods > 0 ? `clean + ${nMethods}` : 'clean'}
        </button>
        <button
          type="button"
          data-testid="cancel-button"
          disabled={active === null || cancelling}
          onClick={() => cancel()}
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <span
        className="epoch-counter"
        data-testid="epoch-counter"
        title="current epoch / epochs of the run the worker is on"
      >
        {shown && <span className="swatch" style={{ background: shown.color }} aria-hidden />}
        {shown ? `${runLabel(shown.method)} ` : ''}epoch {epochNow > 0 ? epochNow : '–'} / {epochs}
      </span>
      <span
        className="summary"
        title={exp ? `experiment #${exp.index}` : 'the settings on the left'}
      >
        {summary}
      </span>
      <span className="spacer" />
      <LessonMenu />
      <CopyLinkButton />
      <ExperimentPicker />
      <BackendBadge />
    </header>
  );
}
