/**
 * The pure reducers that apply worker messages to runs: training progress, the poison report,
 * SAL rows, and the per-filter drill-down jobs. No zustand, no DOM: tested in Node.
 */
import type { StepProgress } from '../../core/run-types';
import type { RunMessage } from '../../workers/client';
import type { FromWorker } from '../../workers/protocol';
import {
  isActiveStatus,
  type FilterSalState,
  type LossHistory,
  type RunState,
  type RunStatus,
  type SalSeries,
} from './run-state';
import { isActiveJob, reduceJobLifecycle } from './worker-job';

export * from './run-state';

/** The most points kept in a loss history; older points are thinned by half beyond it. */
export const MAX_LOSS_POINTS = 4000;

/** Appends one point, thinning every other old point once the history is full. */
function appendLoss(h: LossHistory, x: number, recent: number, mean: number): LossHistory {
  let { x: xs, recent: rs, mean: ms } = h;
  if (xs.length >= MAX_LOSS_POINTS) {
    const keep = (_: number, i: number) => i % 2 === 1;
    xs = xs.filter(keep);
    rs = rs.filter(keep);
    ms = ms.filter(keep);
  }
  return { x: [...xs, x], recent: [...rs, recent], mean: [...ms, mean] };
}

/** True when progress `p` is not newer than `q` (same or earlier step). */
function notNewer(p: StepProgress, q: StepProgress | null): boolean {
  return q !== null && (p.epoch < q.epoch || (p.epoch === q.epoch && p.step <= q.step));
}

type SalRowMsg = Extract<FromWorker, { type: 'sal' }>['row'];

/** Appends a SAL row (a new epoch, same layers); returns null when it does not fit. */
export function appendSal(sal: SalSeries | null, row: SalRowMsg): SalSeries | null {
  if (sal) {
    const last = sal.epochs[sal.epochs.length - 1] ?? 0;
    if (row.epoch <= last) return null;
    if (row.layers.join('\u0000') !== sal.layers.join('\u0000')) return null;
  }
  const base: SalSeries = sal ?? {
    layers: [...row.layers],
    epochs: [],
    values: [],
    up: [],
    down: [],
    l0: [],
    seconds: [],
  };
  return {
    layers: base.layers,
    epochs: [...base.epochs, row.epoch],
    values: [...base.values, [...row.values]],
    up: [...base.up, [...row.up]],
    down: [...base.down, [...row.down]],
    l0: [...base.l0, row.l0],
    seconds: [...base.seconds, row.seconds],
  };
}

const STAGE_STATUS: Record<Extract<FromWorker, { type: 'status' }>['stage'], RunStatus> = {
  queued: 'queued',
  'loading-data': 'loading',
  preparing: 'loading',
  poisoning: 'poisoning',
  training: 'training',
  sal: 'sal',
  landscape: 'sal', // never sent for a training run: landscapes are jobs of their own
};

/** Applies one message to one run; returns the same object when the message changes nothing. */
export function reduceRun(run: RunState, msg: RunMessage, now: number): RunState {
  if (!isActiveStatus(run.status)) return run; // a late message of a finished run
  const elapsed = Math.max(0, (now - run.startedAt) / 1000);
  switch (msg.type) {
    case 'status': {
      if (msg.stage === 'loading-data') {
        const loadParts = { ...run.loadParts, [msg.detail]: msg.fraction };
        const parts = Object.values(loadParts);
        const fraction = parts.reduce((a, b) => a + b, 0) / parts.length;
        const detail = `loading ${Object.keys(loadParts).join(' and ')}`;
        return { ...run, status: 'loading', detail, fraction, loadParts, elapsed };
      }
      const status = STAGE_STATUS[msg.stage];
      return { ...run, status, detail: msg.detail, fraction: msg.fraction, elapsed };
    }
    case 'samples':
      return { ...run, samples: msg.samples, elapsed };
    case 'progress': {
      const p = msg.progress;
      if (notNewer(p, run.progress)) return run;
      const prev = run.progress;
      // Mean over the steps since the last report, from the two running means (equal batch
      // sizes assumed; the smaller last batch makes it approximate, hence the clamp).
      const recent =
        prev !== null && prev.epoch === p.epoch && p.step > prev.step
          ? Math.max(0, (p.loss * p.step - prev.loss * prev.step) / (p.step - prev.step))
          : p.loss;
      const x = p.epoch - 1 + p.step / Math.max(1, p.steps);
      return {
        ...run,
        status: 'training',
        progress: p,
        fraction: p.step / Math.max(1, p.steps),
        detail: `epoch ${p.epoch} / ${run.config.epochs}, step ${p.step} / ${p.steps}`,
        loss: appendLoss(run.loss, x, recent, p.loss),
        elapsed,
      };
    }
    case 'epoch': {
      const last = run.epochs[run.epochs.length - 1];
      if (last && msg.metrics.epoch <= last.epoch) return run;
      return {
        ...run,
        status: 'training',
        epochs: [...run.epochs, msg.metrics],
        checkpoints: run.checkpoints + 1,
        elapsed,
      };
    }
    case 'poison':
      return { ...run, poison: { summary: msg.summary, gallery: msg.gallery }, elapsed };
    case 'sal': {
      const sal = appendSal(run.sal, msg.row);
      return sal ? { ...run, sal, elapsed } : run;
    }
    case 'filter-sal':
    case 'landscape':
    case 'cross-task':
      return run; // belongs to a drill-down, landscape or cross-task job, not to the run
    case 'done':
      return { ...run, status: 'done', detail: 'finished', fraction: 1, elapsed: msg.seconds };
    case 'cancelled':
      return { ...run, status: 'cancelled', detail: 'cancelled', elapsed };
    case 'error':
      return { ...run, status: 'failed', detail: 'failed', error: msg.message, elapsed };
    default: {
      const never: never = msg;
      void never;
      return run;
    }
  }
}

/**
 * Applies one message to the run it names. Messages for unknown runs or for runs that have
 * already finished are ignored; then the same object is returned, so callers can skip updates.
 */
export function applyRunMessage(
  runs: Readonly<Record<string, RunState>>,
  msg: RunMessage,
  now: number,
): Readonly<Record<string, RunState>> {
  const run = runs[msg.runId];
  if (!run) return runs;
  const next = reduceRun(run, msg, now);
  return next === run ? runs : { ...runs, [msg.runId]: next };
}

/** True while a drill-down may still receive messages. */
export const isActiveFilter: (f: FilterSalState) => boolean = isActiveJob;

/** Applies one message of a drill-down job; the same object when nothing changes. */
export function reduceFilter(f: FilterSalState, msg: RunMessage): FilterSalState {
  const common = reduceJobLifecycle(f, msg, 'waiting for the runs before it');
  if (common) return common;
  switch (msg.type) {
    case 'filter-sal':
      return {
        ...f,
        status: 'running',
        filters: msg.filters,
        l0: msg.l0,
        settings: msg.settings,
        seconds: msg.seconds,
        fraction: 1,
      };
    case 'done':
      return f.filters
        ? { ...f, status: 'done', detail: 'finished', fraction: 1 }
        : { ...f, status: 'failed', error: 'the worker finished without sending filter values' };
    default:
      return f;
  }
}

/** Applies a drill-down message to the run that owns the drill-down `key`. */
export function applyFilterMessage(
  runs: Readonly<Record<string, RunState>>,
  runId: string,
  key: string,
  msg: RunMessage,
): Readonly<Record<string, RunState>> {
  const run = runs[runId];
  const f = run?.filters[key];
  if (!run || !f) return runs;
  const next = reduceFilter(f, msg);
  if (next === f) return runs;
  return { ...runs, [runId]: { ...run, filters: { ...run.filters, [key]: next } } };
}
