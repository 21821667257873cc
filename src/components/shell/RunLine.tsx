/** One run of the experiment in one line: colour, name, what it is doing, progress, result. */
import { currentEpoch, etaSeconds, runBreakdown, type RunState } from '../../store';
import { runLabel } from '../../store/poison-config';
import { fmtPct, fmtSeconds } from '../common/format';
import { ProgressBar } from '../common/ProgressBar';
import { DidNotTrainMark } from '../common/DidNotTrain';

/** The run's state in a few words ("poisoning 40 %", "training epoch 2 / 4"). */
export function runStateText(run: RunState): string {
  const pct = fmtPct(run.fraction, 0);
  switch (run.status) {
    case 'queued':
      return 'queued: waits for the runs before it';
    case 'loading':
      return `${run.detail} ${pct}`;
    case 'poisoning':
      return `poisoning ${pct}${run.detail ? ` (${run.detail})` : ''}`;
    case 'training': {
      const eta = etaSeconds(run);
      return `training epoch ${currentEpoch(run) || 1} / ${run.config.epochs}, ${pct}${eta !== null ? `, about ${fmtSeconds(eta)} left` : ''}`;
    }
    case 'sal':
      return `${run.detail || 'SAL'} ${pct}`;
    case 'done':
      return `done in ${fmtSeconds(run.elapsed)}`;
    case 'cancelled':
      return `cancelled after ${run.epochs.length} of ${run.config.epochs} epochs`;
    case 'failed':
      return `failed: ${run.error ?? 'unknown error'}`;
  }
}

export function RunLine({ run }: { run: RunState }) {
  const last = run.epochs[run.epochs.length - 1];
  const active = !['done', 'cancelled', 'failed', 'queued'].includes(run.status);
  const broke = runBreakdown(run);
  return (
    <li
      className={`run-line state-${run.status}`}
      data-testid="run-line"
      data-state={run.status}
      data-did-not-train={broke.didNotTrain || undefined}
    >
      <span className="swatch" style={{ background: run.color }} aria-hidden />
      <span className="run-name" title={`run #${run.index}`}>
        {runLabel(run.method)}
      </span>
      <span
        className={`run-state ${run.status === 'failed' ? 'error' : ''}`}
        title={run.error ?? run.detail}
      >
        {runStateText(run)}
        {run.cancelRequested && run.status !== 'cancelled' ? ' (cancelling…)' : ''}
        {broke.reason && (
          <>
            {' · '}
            <DidNotTrainMark reason={broke.reason} advice />
          </>
        )}
      </span>
      <span className="run-bar">
        {active && (
          <ProgressBar
            fraction={run.fraction}
            label={`${runLabel(run.method)} progress`}
            color={run.color}
          />
        )}
      </span>
      <span className="run-acc" title="clean test accuracy after the last finished epoch">
        {last ? `test ${fmtPct(last.testAcc)}` : ''}
      </span>
    </li>
  );
}
