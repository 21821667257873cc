/**
 * The Unlearnable Distance of one poisoned run: the number (or "undefined" and why), a gauge
 * with 1 = clean marked, #LP of both runs, beta, what it rests on, the settings, a reading;
 * no number, and the mark, for a run that did not train (the message says which and what to try).
 */
import { useMemo } from 'react';
import { runBreakdown, udView, useApp, type RunState } from '../../store';
import { fmtSal } from '../../store/derived/heatmap-model';
import { fmtSalSettings, runLabel } from '../../store/poison-config';
import { fmtPct } from '../common/format';
import { coarseNote, udExplanation } from './ud-text';
import { UdGauge } from './UdGauge';
import { DidNotTrainMark } from '../common/DidNotTrain';

export function UdCard({
  clean,
  run,
  focused,
}: {
  clean: RunState;
  run: RunState;
  focused: boolean;
}) {
  const focus = useApp((s) => s.focusRun);
  // Recomputed only when SAL or a status changes (udView memoises the UD itself).
  const v = useMemo(() => udView(clean, run), [clean, run]);
  const r = v.result;
  const live = v.state === 'running' || v.state === 'waiting';
  const big = r ? (r.ud === null ? 'undefined' : r.ud.toFixed(2)) : '–';
  const acc = run.epochs[run.epochs.length - 1]?.testAcc;
  const cleanAcc = clean.epochs[clean.epochs.length - 1]?.testAcc;
  const broke = runBreakdown(run);
  const note = coarseNote(run.config.model, v.layers || (run.sal?.layers.length ?? 0));
  return (
    <article
      className={`card ud-card ${focused ? 'focused' : ''}`}
      style={{ borderColor: focused ? run.color : undefined }}
      data-testid="ud-card"
      data-state={v.state}
      role="button"
      tabIndex={0}
      aria-pressed={focused}
      onClick={() => focus(run.id)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          focus(run.id);
        }
      }}
      title={focused ? udExplanation(v) : 'Click to compare this run with the clean run below'}
    >
      <header>
        <span className="swatch" style={{ background: run.color }} aria-hidden />
        <span className="ud-name">{runLabel(run.method)}</span>
        {broke.reason && <DidNotTrainMark reason={broke.reason} />}
        {live && (
          <span
            className="badge-running"
            title="both runs are still training: UD over the epochs both have finished"
          >
            {v.state === 'running' ? 'running' : 'waiting'}
          </span>
        )}
        <span className="ud-value" data-testid="ud-value" title="UD = #LP(poisoned) / #LP(clean)">
          <span className="ud-label">UD</span> {big}
        </span>
      </header>
      <UdGauge ud={r?.ud ?? null} color={run.color} />
      {r ? (
        <p
          className="ud-stats small"
          title="#LP: learnable layers per epoch (SAL above β), averaged over the epochs; β: mean of the clean run's per-epoch 2-means thresholds"
        >
          #LP clean <b>{r.lpClean.toFixed(2)}</b> · poisoned <b>{r.lpPoisoned.toFixed(2)}</b> · β{' '}
          <b>{fmtSal(r.beta)}</b> · rests on {r.epochs} epoch{r.epochs === 1 ? '' : 's'} ×{' '}
          {r.layers} layers{live ? ` (of ${v.plannedEpochs} planned)` : ''}
          {acc !== undefined && cleanAcc !== undefined && (
            <>
              {' '}
              · test acc. {fmtPct(acc, 0)} (clean {fmtPct(cleanAcc, 0)})
            </>
          )}
        </p>
      ) : (
        <p className="ud-stats small muted">{v.message}</p>
      )}
      {r && v.message && <p className="small muted">Final, but {v.message}</p>}
      {/* The compared run's card explains; the others stay compact (click one to read it). */}
      {focused && <p className="ud-explain small">{udExplanation(v)}</p>}
      {note && <p className="ud-note small">{note}</p>}
      {focused && v.settings && (
        <p className="fine-print">SAL: {fmtSalSettings(v.settings)}; L0 in inference mode.</p>
      )}
    </article>
  );
}
