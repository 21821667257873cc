/**
 * The record of one run as the app sees it (training, poison, SAL, per-filter drill-downs),
 * and small pure helpers over it. No zustand, no DOM: tested in Node.
 */
import type { PoisonMethodId, PoisonSettings } from '../../core/poison-types';
import type { BackendName, EpochMetrics, StepProgress } from '../../core/run-types';
import type { FilterSal, SalSeries, SalSettings } from '../../core/sal-types';
import type { TrainConfig } from '../../core/train-config';
import type { FromWorker } from '../../workers/protocol';
import type { SampleImages } from '../../core/experiment-types';
import { runColor } from '../palette';
import type { WorkerJob } from './worker-job';

/** The visible life cycle of a run. */
export type RunStatus =
  'queued' | 'loading' | 'poisoning' | 'training' | 'sal' | 'done' | 'cancelled' | 'failed';

/** Statuses after which no message changes a run any more. */
export const FINAL_STATUSES: readonly RunStatus[] = ['done', 'cancelled', 'failed'];

/** True while a run may still receive messages. */
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

/** What a poisoning step reported (norms, settings, notes), as sent by the worker. */
export type PoisonSummary = Extract<FromWorker, { type: 'poison' }>['summary'];
/** A few images per class: original and poisoned bytes, perturbation floats (HWC). */
export type GallerySample = Extract<FromWorker, { type: 'poison' }>['gallery'];

/** SAL after every finished epoch of a run (its one definition is in core). */
export type { SalSeries };

/** One per-filter SAL drill-down of a layer at an epoch. */
export interface FilterSalState extends WorkerJob {
  layer: string;
  epoch: number;
  /** Per-filter values once the worker has sent them. */
  filters: FilterSal[] | null;
  l0: number | null;
  settings: SalSettings;
  seconds: number | null;
}

/** Key of a drill-down in `RunState.filters`. */
export const filterKey = (layer: string, epoch: number): string => `${layer}@${epoch}`;

/** One run as the app sees it. */
export interface RunState {
  id: string;
  /** 1-based number in the order runs were started ("run #2"). */
  index: number;
  /** The experiment (clean run + poisoned runs) this run belongs to. */
  experimentId: string;
  /** The poison of this run; null for the clean run. */
  method: PoisonMethodId | null;
  poisonSettings: PoisonSettings | null;
  /** SAL settings of the run; null when SAL was off. */
  salSettings: SalSettings | null;
  config: TrainConfig;
  /** The backend that was active when the run started (null if not known yet). */
  backend: BackendName | null;
  /** The run's colour everywhere (clean: neutral blue; each method its own). */
  color: string;
  status: RunStatus;
  /** What is being done now, in words ("mnist train data", "epoch 2 / 4, step 30 / 63"). */
  detail: string;
  /** Fraction [0, 1] of the current stage. */
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
  /** The poisoning step's report and gallery (poisoned runs, once generated). */
  poison: { summary: PoisonSummary; gallery: GallerySample } | null;
  /** SAL per finished epoch (null until the first row, or when SAL is off). */
  sal: SalSeries | null;
  /** Per-filter drill-downs, keyed by `filterKey(layer, epoch)`. */
  filters: Readonly<Record<string, FilterSalState>>;
  /** The failure message when status is 'failed'. */
  error: string | null;
  /** True once the user asked to cancel (the 'cancelled' message may still be on its way). */
  cancelRequested: boolean;
  /** Start time in ms of the store's clock. */
  startedAt: number;
  /** Seconds since the start, as of the latest message (the worker's total when done). */
  elapsed: number;
}

/** What makes a run part of an experiment; all optional for a plain clean run. */
export interface RunExtras {
  experimentId?: string;
  method?: PoisonMethodId | null;
  poisonSettings?: PoisonSettings | null;
  salSettings?: SalSettings | null;
}

/** A fresh queued run. */
export function createRun(
  id: string,
  index: number,
  config: TrainConfig,
  backend: BackendName | null,
  now: number,
  extras: RunExtras = {},
): RunState {
  const method = extras.method ?? null;
  return {
    id,
    index,
    experimentId: extras.experimentId ?? id,
    method,
    poisonSettings: extras.poisonSettings ?? null,
    salSettings: extras.salSettings ?? null,
    config: { ...config },
    backend,
    color: runColor(method),
    status: 'queued',
    detail: 'waiting for the worker',
    fraction: 0,
    loadParts: {},
    epochs: [],
    progress: null,
    loss: { x: [], recent: [], mean: [] },
    checkpoints: 0,
    samples: null,
    poison: null,
    sal: null,
    filters: {},
    error: null,
    cancelRequested: false,
    startedAt: now,
    elapsed: 0,
  };
}

/** The epoch the run is in or has last finished (0 before training starts). */
export function currentEpoch(run: RunState): number {
  const done = run.epochs[run.epochs.length - 1]?.epoch ?? 0;
  return Math.max(done, run.progress?.epoch ?? 0);
}

/**
 * Seconds of training left, from the training speed (evaluation and SAL time excluded);
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
