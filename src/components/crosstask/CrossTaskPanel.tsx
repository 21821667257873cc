/**
 * The "Cross-task" view: for one poison made against digit classification, how well models
 * trained on the poisoned images learn other tasks (rotation, segmentation, a multi-task
 * model), with per-task UD and the SAL of the shared layers per task.
 */
import './crosstask.css';
import { useMemo } from 'react';
import { POISON_METHOD_IDS, type PoisonMethodId } from '../../core/poison-types';
import { SAL_L0_DEPARTURE, SAL_ORDER_DEPARTURE } from '../../core/sal-types';
import { appStore, useApp } from '../../store';
import { crossTaskKey, isActiveCrossTask } from '../../store/reducers/cross-task-jobs';
import { crossTaskRows } from '../../store/derived/cross-task-view';
import { poisonSettingsFor, runLabel } from '../../store/poison-config';
import { runColor } from '../../store/palette';
import { ProgressBar } from '../common/ProgressBar';
import { CrossTaskBars } from './CrossTaskBars';
import { CrossTaskHeatmaps } from './CrossTaskHeatmaps';
import { CrossTaskTable } from './CrossTaskTable';

export function CrossTaskPanel() {
  const method = useApp((s) => s.crossTaskMethod);
  const config = useApp((s) => s.config);
  const poison = useApp((s) => s.poison);
  const salOn = useApp((s) => s.salOn);
  const salSettings = useApp((s) => s.salSettings);
  const jobs = useApp((s) => s.crossTasks);
  const error = useApp((s) => s.crossTaskError);
  const key = useMemo(() => {
    try {
      const p = poisonSettingsFor({ ...poison, methods: [method] }, method, config.dataset);
      return crossTaskKey(config, p, salOn ? salSettings : null);
    } catch {
      return null;
    }
  }, [config, poison, method, salOn, salSettings]);
  const job = key ? jobs[key] : undefined;
  const result = job?.result ?? null;
  const rows = useMemo(() => (result ? crossTaskRows(result) : null), [result]);
  const busy = job ? isActiveCrossTask(job) : false;
  const epsOf = (m: PoisonMethodId) => {
    try {
      return poisonSettingsFor({ ...poison, methods: [m] }, m, config.dataset).eps;
    } catch {
      return '?';
    }
  };
  return (
    <section className="card crosstask" aria-labelledby="crosstask-h" data-testid="crosstask">
      <h2 id="crosstask-h">Cross-task: unlearnable for which task?</h2>
      <p className="muted small">
        The poison is made against digit classification. Here the same poisoned images train other
        tasks, with targets always taken from the clean images: rotation (which way is up?),
        foreground segmentation (which pixels are the digit?) and a multi-task model sharing one
        convolutional trunk. Same settings and seed as the main experiment; 8 trainings, a few
        minutes on a laptop.
      </p>
      <div className="crosstask-controls">
        <label className="field inline">
          <span>poison</span>
          <select
            value={method}
            data-testid="crosstask-method"
            aria-label="poison to test across tasks"
            onChange={(e) =>
              appStore.getState().setCrossTaskMethod(e.target.value as PoisonMethodId)
            }
          >
            {POISON_METHOD_IDS.map((m) => (
              <option key={m} value={m}>
                {runLabel(m)} (ε {epsOf(m)})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          data-testid="crosstask-run"
          disabled={busy || (job?.status === 'done' && !job.demo)}
          title={
            job?.status === 'done'
              ? 'Already measured for these settings: change a setting or the poison to run again'
              : undefined
          }
          onClick={() => appStore.getState().runCrossTask()}
        >
          {job?.demo
            ? 'Train live'
            : job?.status === 'done'
              ? 'Measured ✓'
              : busy
                ? 'Running…'
                : 'Run cross-task'}
        </button>
        {busy && key && (
          <button type="button" onClick={() => appStore.getState().cancelCrossTask(key)}>
            Cancel
          </button>
        )}
      </div>
      {error && <p className="error">{error}</p>}
      <details className="departure small" data-testid="crosstask-departure">
        <summary>
          <b>Departs from the paper:</b> the segmentation head, its loss weight and the task
          learning rates are SALscape&apos;s choices; SAL&apos;s L0 is measured in inference mode.
        </summary>
        <p>
          Segmentation is one dense head to a per-pixel mask of the clean digit, trained with binary
          cross-entropy weighted 20 (unweighted, it reached an IoU of 0.17); its SAL steps on the
          unweighted loss, so the SAL lr shown is the rate used. Learning rates are capped at 0.01
          where training broke down (the multi-task model; rotation and segmentation on vgg-s).{' '}
          {SAL_L0_DEPARTURE} {SAL_ORDER_DEPARTURE}
        </p>
      </details>
      {job?.demo && (
        <p className="demo-note small" data-testid="crosstask-demo">
          Pretrained demo ({job.demo}). <strong>Train live</strong> retrains it in this browser (a
          few minutes).
        </p>
      )}
      {job && busy && (
        <div className="status" data-testid="crosstask-status">
          <span className="small">{job.detail}</span>
          <ProgressBar fraction={job.fraction} label="cross-task progress" />
        </div>
      )}
      {job?.status === 'failed' && <p className="error">Cross-task failed: {job.error}</p>}
      {job?.status === 'cancelled' && <p className="muted">Cancelled: press Run to start again.</p>}
      {rows && job?.result && (
        <>
          <CrossTaskTable rows={rows} color={runColor(method)} method={runLabel(method)} />
          <CrossTaskBars rows={rows} color={runColor(method)} method={runLabel(method)} />
          <CrossTaskHeatmaps
            result={job.result}
            color={runColor(method)}
            method={runLabel(method)}
          />
        </>
      )}
    </section>
  );
}
