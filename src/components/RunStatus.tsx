/** The selected run's state in words: empty, queued, loading, training, done, cancelled, failed. */
import { etaSeconds, currentEpoch, selectSelectedRun, useApp, type RunState } from '../store';
import { fmtInt, fmtLoss, fmtPct, fmtRate, fmtSeconds } from './format';

function Bar({ fraction, label }: { fraction: number; label: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuenow={pct}
      aria-valuemin={0}
      aria-valuemax={100}
    >
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

const hintFor = (error: string): string =>
  /nan|diverg|infinite/i.test(error)
    ? 'Lower the learning rate or raise the batch size, then press Train again.'
    : /fetch|HTTP|prepare:data|manifest/i.test(error)
      ? 'The data files could not be read: run `npm run prepare:data` and reload.'
      : /backend|kernel|webgl|webgpu|wasm/i.test(error)
        ? 'Pick another backend in the backend settings (right), then press Train again.'
        : 'Your settings are kept: change them or press Train to try again.';

function Body({ run }: { run: RunState }) {
  const last = run.epochs[run.epochs.length - 1];
  const of = `${run.config.epochs} epoch${run.config.epochs === 1 ? '' : 's'}`;
  switch (run.status) {
    case 'queued':
      return <p>Starting run #{run.index}: waiting for the lab worker…</p>;
    case 'loading':
      return (
        <>
          <p>
            Preparing data: {run.detail} <strong>{fmtPct(run.fraction, 0)}</strong>
          </p>
          <Bar fraction={run.fraction} label="data loading" />
        </>
      );
    case 'training': {
      const p = run.progress;
      const eta = etaSeconds(run);
      return (
        <>
          <p>
            Training run #{run.index}: epoch {currentEpoch(run) || 1} of {run.config.epochs}
            {p && `, step ${fmtInt(p.step)} / ${fmtInt(p.steps)}`}
            {run.cancelRequested && ' (cancelling…)'}
          </p>
          <Bar fraction={run.fraction} label="epoch progress" />
          <p className="stats">
            {p && <span>loss {fmtLoss(p.loss)}</span>}
            {p && <span>train acc. {fmtPct(p.acc)}</span>}
            {p && <span>{fmtRate(p.examplesPerSec)}</span>}
            {last && (
              <span>
                test acc. {fmtPct(last.testAcc)} after epoch {last.epoch}
              </span>
            )}
            <span>elapsed {fmtSeconds(run.elapsed)}</span>
            {eta !== null && <span>about {fmtSeconds(eta)} left</span>}
          </p>
        </>
      );
    }
    case 'done':
      return (
        <p>
          Run #{run.index} finished {of} in {fmtSeconds(run.elapsed)}
          {last && (
            <>
              : clean test accuracy <strong>{fmtPct(last.testAcc)}</strong>, training accuracy{' '}
              {fmtPct(last.trainAcc)}, test loss {fmtLoss(last.testLoss)}
            </>
          )}
          .
        </p>
      );
    case 'cancelled':
      return (
        <p>
          Run #{run.index} was cancelled after {run.epochs.length} of {of} (
          {fmtSeconds(run.elapsed)}). Its finished epochs are kept in the charts.
        </p>
      );
    case 'failed':
      return (
        <>
          <p className="error">
            Run #{run.index} failed: {run.error ?? 'unknown error'}
          </p>
          <p className="muted">{hintFor(run.error ?? '')}</p>
        </>
      );
  }
}

export function RunStatus() {
  const run = useApp(selectSelectedRun);
  const workerErrors = useApp((s) => s.workerErrors);
  const dismiss = useApp((s) => s.dismissWorkerErrors);
  return (
    <section
      className="card status"
      data-testid="run-status"
      data-state={run?.status ?? 'empty'}
      aria-live="polite"
    >
      {run ? (
        <Body run={run} />
      ) : (
        <p>Press Train to start: the settings on the left train a small network in your browser.</p>
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
