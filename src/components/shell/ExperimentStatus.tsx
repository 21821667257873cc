/**
 * The selected experiment's state: a headline in words, then one line per run (queued,
 * poisoning, training, SAL, done, cancelled, failed with its message and what to try).
 */
import {
  experimentStatus,
  selectExperiment,
  selectExperimentRuns,
  useApp,
  type RunState,
} from '../../store';
import { describeDefence } from '../../core/defence-types';
import { DATASET_SHORT } from '../../store/config-fields';
import { DemoBanner } from './DemoBanner';
import { fmtInt } from '../common/format';
import { RunLine } from './RunLine';

const hintFor = (error: string): string =>
  /nan|diverg|infinite/i.test(error)
    ? 'Lower the learning rate or raise the batch size, then press Train again.'
    : /fetch|HTTP|prepare:data|manifest/i.test(error)
      ? 'The data files could not be read: run `npm run prepare:data` and reload.'
      : /backend|kernel|webgl|webgpu|wasm/i.test(error)
        ? 'Pick another backend in the backend badge (top right), then press Train again.'
        : 'Your settings are kept: change them or press Train to try again.';

function headline(state: ReturnType<typeof experimentStatus>, runs: RunState[]): string {
  const n = runs.length;
  switch (state) {
    case 'done':
      return `All ${n} run${n === 1 ? '' : 's'} finished.`;
    case 'cancelled':
      return 'Cancelled. Finished epochs are kept in the charts.';
    case 'failed':
      return 'Some runs failed; the others are kept.';
    case 'queued':
      return 'Waiting for the lab worker…';
    default:
      return `Training ${n} run${n === 1 ? '' : 's'} one after the other in the worker.`;
  }
}

export function ExperimentStatus() {
  const exp = useApp(selectExperiment);
  const runs = useApp(selectExperimentRuns);
  const workerErrors = useApp((s) => s.workerErrors);
  const dismiss = useApp((s) => s.dismissWorkerErrors);
  const state = experimentStatus(runs);
  const failed = runs.find((r) => r.status === 'failed');
  return (
    <section className="card status" data-testid="run-status" data-state={state} aria-live="polite">
      <DemoBanner />
      {exp ? (
        <>
          <p className="status-head">
            <strong>Experiment #{exp.index}</strong>{' '}
            <span className="muted">
              {DATASET_SHORT[exp.config.dataset]} · {exp.config.model} ·{' '}
              {fmtInt(exp.config.trainSize)} images · {exp.config.epochs} epoch
              {exp.config.epochs === 1 ? '' : 's'} · seed {exp.config.seed}
              {exp.defence ? ` · defence: ${describeDefence(exp.defence)}` : ''}
            </span>{' '}
            — {headline(state, runs)}
          </p>
          <ul className="run-lines">
            {runs.map((r) => (
              <RunLine key={r.id} run={r} />
            ))}
          </ul>
          {failed && <p className="muted small">{hintFor(failed.error ?? '')}</p>}
        </>
      ) : (
        <p>
          Press <strong>Train</strong>: a clean model and one model per toggled poison train on the
          same images with the same seed, so you can see where each poison bites.
        </p>
      )}
      {workerErrors.length > 0 && (
        <div className="worker-errors" role="alert">
          {workerErrors.map((e, i) => (
            <p key={i} className="error small">
              {e}
            </p>
          ))}
          <button type="button" className="link-button" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
