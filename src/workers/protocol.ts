/**
 * The one message protocol between the app and the lab worker: a discriminated union per
 * direction, run ids so results of a stale run are dropped, and the list of buffers each
 * message transfers instead of copying.
 */
import { z } from 'zod';
import type {
  BackendPreference,
  BackendReport,
  EpochMetrics,
  StepProgress,
} from '../core/run-types';
import { BACKENDS } from '../core/run-types';
import { TrainConfigSchema, type TrainConfig } from '../core/train-config';
import type { WeightSnapshot } from '../core/weights';
import { PoisonSettingsSchema, type PoisonSettings } from '../core/poison-types';
import { DefenceSettingsSchema, type DefenceSettings } from '../core/defence-types';
import { SalSettingsSchema, type FilterSal, type SalSettings } from '../core/sal-types';
import type { GallerySample, PoisonSummary, SalRow } from '../ml/experiment/run-experiment';

/** A training run: its settings, an optional poison and defence, optional SAL after every epoch. */
export interface TrainCommand {
  type: 'train';
  runId: string;
  config: TrainConfig;
  poison: PoisonSettings | null;
  /** Applied after the poison: to the training set (data defences) or every step (loop). */
  defence: DefenceSettings | null;
  sal: SalSettings | null;
  /** A finished clean run of this session whose model TAP / SEP attack. */
  surrogateRunId: string | null;
}

/** Per-filter SAL of one layer at one epoch of a finished run (the drill-down). */
export interface FilterSalCommand {
  type: 'filter-sal';
  runId: string;
  sourceRunId: string;
  layer: string;
  epoch: number;
  settings: SalSettings;
}

/**
 * App -> worker. Trains and filter-SAL jobs run one at a time in arrival order; `cancel`
 * stops the named job (running or queued).
 */
export type ToWorker =
  | { type: 'init'; backend: BackendPreference; dataUrl: string }
  | TrainCommand
  | FilterSalCommand
  | { type: 'cancel'; runId: string };

/** A few images of the training subset for the sample grid (bytes, HWC). */
export interface SampleImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
}

/** Worker -> app. */
export type FromWorker =
  | { type: 'ready'; backend: BackendReport }
  | {
      type: 'status';
      runId: string;
      stage: 'queued' | 'loading-data' | 'preparing' | 'poisoning' | 'training' | 'sal';
      detail: string;
      fraction: number;
    }
  | { type: 'samples'; runId: string; samples: SampleImages }
  | { type: 'progress'; runId: string; progress: StepProgress }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics; checkpoint: WeightSnapshot }
  | { type: 'poison'; runId: string; summary: PoisonSummary; gallery: GallerySample }
  | { type: 'sal'; runId: string; row: SalRow }
  | {
      type: 'filter-sal';
      runId: string;
      sourceRunId: string;
      layer: string;
      epoch: number;
      l0: number;
      filters: FilterSal[];
      settings: SalSettings;
      seconds: number;
    }
  | { type: 'done'; runId: string; seconds: number }
  | { type: 'cancelled'; runId: string }
  | { type: 'error'; runId: string | null; message: string };

const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    backend: z.enum(['auto', ...BACKENDS]),
    dataUrl: z.string(),
  }),
  z.object({
    type: z.literal('train'),
    runId: z.string().min(1),
    config: TrainConfigSchema,
    poison: PoisonSettingsSchema.nullable(),
    defence: DefenceSettingsSchema.nullable(),
    sal: SalSettingsSchema.nullable(),
    surrogateRunId: z.string().min(1).nullable(),
  }),
  z.object({
    type: z.literal('filter-sal'),
    runId: z.string().min(1),
    sourceRunId: z.string().min(1),
    layer: z.string().min(1),
    epoch: z.number().int().min(0),
    settings: SalSettingsSchema,
  }),
  z.object({ type: z.literal('cancel'), runId: z.string().min(1) }),
]);

/** Validates a message arriving at the worker; throws with the bad field named. */
export function parseToWorker(data: unknown): ToWorker {
  const r = ToWorkerSchema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new Error(
    `bad message to worker: field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`,
  );
}

/** The buffers a worker message can hand over without copying. */
export function transferablesOf(msg: FromWorker): ArrayBuffer[] {
  switch (msg.type) {
    case 'samples':
      return [msg.samples.images.buffer as ArrayBuffer, msg.samples.labels.buffer as ArrayBuffer];
    case 'epoch':
      return msg.checkpoint.data.map((d) => d.buffer as ArrayBuffer);
    case 'poison':
      return [
        msg.gallery.original,
        msg.gallery.poisoned,
        msg.gallery.perturbation,
        msg.gallery.labels,
      ].map((d) => d.buffer as ArrayBuffer);
    case 'sal':
    case 'filter-sal':
    case 'ready':
    case 'status':
    case 'progress':
    case 'done':
    case 'cancelled':
    case 'error':
      return [];
    default: {
      const never: never = msg;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
}
