/**
 * The run records of the store and the pure reducer that applies worker messages to them.
 * No zustand, no DOM: tested in Node.
 */
import type { BackendName, EpochMetrics, StepProgress } from '../core/run-types';
import type { TrainConfig } from '../core/train-config';
import type { RunMessage } from '../workers/client';
import type { SampleImages } from '../workers/protocol';
import { CLEAN_RUN_COLOR } from './palette';

/** The visible life cycle of a run. */
export type RunStatus = 'queued' | 'loading' | 'training' | 'done' | 'cancelled' | 'failed';

/** Statuses after which no message changes a run any more. */
export const FINAL_STATUSES: readonly RunStatus[] = ['done', 'cancelled', 'failed'];

/** True while a run may still receive messages (queued, loading or training). */
export function isActiveStatus(status: RunStatus): boolean {
  return !FINAL_STATUSES.includes(status);
}

/**
 * Training loss over steps for the live chart, as parallel arrays. `x` is in epochs
 * (epoch - 1 + step / steps); `recent` is the mean loss of the steps since the previous report;
 * `mean` is the running mean over the epoch so far (what the worker reports).
 */
export interface LossHistory {
  x: number[];
  recent: number[];
  mean: number[];
}

/** One run as the app sees it. */
export interface RunState {
  id: string;
  /** 1-based number in the order runs were started ("run #2"). */
  index: number;
  config: TrainConfig;
  /** The backend that was active when the run started (null if not known yet). */
  backend: BackendName | null;
  /** The run's colour in every chart (clean runs: neutral blue). */
  color: string;
  status: RunStatus;
  /** What is being done now, in words ("mnist train data", "epoch 2 / 4, step 30 / 63"). */
  detail: string;
  /** Fraction [0, 1] of the current stage (data loading, or the current epoch). */
  fraction: number;
  /** Loading fractions per part (train and test data load in parallel). */
  loadParts: Record<string, number>;
  /** Metrics of each finished epoch, in order. */
  epochs: EpochMetrics[];
  /** The latest progress report inside an epoch. */
  progress: StepProgress | null;
  loss: LossHistory;
  /** Number of weight checkpoints the worker produced (one per finished epoch). */
  checkpoints: number;
  samples: SampleImages | null;
  /** The failure message when status is 'failed'. */
  error: string | null;
  /** True once the user asked to cancel (the 'cancelled' message may still be on its way). */
  cancelRequested: boolean;
  /** Start time in ms of the store's clock. */
  startedAt: number;
  /** Seconds since the start, as of the latest message (the worker's total when done). */
  elapsed: number;
}

/** The most points kept in a loss history; older points are thinned by half beyond it. */
export const MAX_LOSS_POINTS = 4000;

/** A fresh queued run. */
export function createRun(
  id: string,
  index: number,
  config: TrainConfig,
  backend: BackendName | null,
  now: number,
): RunState {
  return {
    id,
    index,
    config: { ...config },
    backend,
    color: CLEAN_RUN_COLOR,
    status: 'queued',
    detail: 'waiting for the worker',
    fraction: 0,
    loadParts: {},
    epochs: [],
    progress: null,
    loss: { x: [], recent: [], mean: [] },
    checkpoints: 0,
    samples: null,
    error: null,
    cancelRequested: false,
    startedAt: now,
    elapsed: 0,
  };
}

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
      const status = msg.stage === 'training' ? 'training' : 'loading';
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

/** The epoch the run is in or has last finished (0 before training starts). */
export function currentEpoch(run: RunState): number {
  const done = run.epochs[run.epochs.length - 1]?.epoch ?? 0;
  return Math.max(done, run.progress?.epoch ?? 0);
}

/**
 * Seconds left until the run finishes, from the training speed (evaluation time excluded);
 * null before the first progress report or when the run is not training.
 */
export function etaSeconds(run: RunState): number | null {
  const p = run.progress;
  if (run.status !== 'training' || !p || !(p.examplesPerSec > 0)) return null;
  const perEpoch = run.config.trainSize;
  const doneInEpoch = Math.min(perEpoch, p.step * run.config.batchSize);
  const left = (run.config.epochs - p.epoch) * perEpoch + (perEpoch - doneInEpoch);
  return left / p.examplesPerSec;
}
