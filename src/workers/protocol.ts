/**
 * The one message protocol between the app and the lab worker: a discriminated union per
 * direction, run ids so results of a stale run are dropped, and the list of buffers each
 * message transfers instead of copying.
 */
import { z } from 'zod';
import type { CrossTaskResult } from '../core/cross-task-types';
import { DefenceSettingsSchema } from '../core/defence-types';
import type { GallerySample, PoisonSummary, SampleImages } from '../core/experiment-types';
import {
  LandscapeSettingsSchema,
  type InterpolationCurve,
  type PathPlane,
  type SurfaceGrid,
} from '../core/landscape-types';
import { PoisonSettingsSchema } from '../core/poison-types';
import {
  BACKENDS,
  type BackendReport,
  type EpochMetrics,
  type StepProgress,
} from '../core/run-types';
import {
  SalSettingsSchema,
  type FilterSal,
  type SalRow,
  type SalSettings,
} from '../core/sal-types';
import { TrainConfigSchema } from '../core/train-config';
import type { WeightSnapshot } from '../core/weights';

const runId = z.string().min(1);

/*
 * App -> worker: each command is written once, as its schema; its type is inferred from it, so
 * a field cannot reach the type without reaching the validation (zod drops unknown keys).
 */

/** Starts (or restarts) the backend; `dataUrl` is where the prepared data sets are. */
const InitCommandSchema = z.object({
  type: z.literal('init'),
  backend: z.enum(['auto', ...BACKENDS]),
  dataUrl: z.string(),
});
export type InitCommand = z.infer<typeof InitCommandSchema>;

/** A training run: its settings, an optional poison and defence, optional SAL after every epoch. */
const TrainCommandSchema = z.object({
  type: z.literal('train'),
  runId,
  config: TrainConfigSchema,
  poison: PoisonSettingsSchema.nullable(),
  /** Applied after the poison: to the training set (data defences) or every step (loop). */
  defence: DefenceSettingsSchema.nullable(),
  sal: SalSettingsSchema.nullable(),
  /** A finished clean run of this session whose model TAP / SEP attack. */
  surrogateRunId: runId.nullable(),
});
export type TrainCommand = z.infer<typeof TrainCommandSchema>;

/** Per-filter SAL of one layer at one epoch of a finished run (the drill-down). */
const FilterSalCommandSchema = z.object({
  type: z.literal('filter-sal'),
  runId,
  sourceRunId: runId,
  layer: z.string().min(1),
  epoch: z.number().int().min(0),
  settings: SalSettingsSchema,
});
export type FilterSalCommand = z.infer<typeof FilterSalCommandSchema>;

/** What a landscape job computes. */
export const LANDSCAPE_KINDS = ['surface', 'interpolation', 'path'] as const;
export type LandscapeKind = (typeof LANDSCAPE_KINDS)[number];

/**
 * A landscape of a finished run of this session: a filter-normalised surface around its final
 * weights, a 1-D interpolation (to `targetRunId`'s final weights, or from its own initial
 * weights when that is null), or the surface over its training-path plane.
 */
const LandscapeCommandSchema = z.object({
  type: z.literal('landscape'),
  runId,
  kind: z.enum(LANDSCAPE_KINDS),
  sourceRunId: runId,
  targetRunId: runId.nullable(),
  settings: LandscapeSettingsSchema,
});
export type LandscapeCommand = z.infer<typeof LandscapeCommandSchema>;

/** A landscape result; surfaces arrive several times, sharpening (coarse to fine). */
export type LandscapeResult =
  | { kind: 'surface'; surface: SurfaceGrid }
  | { kind: 'interpolation'; curve: InterpolationCurve }
  | { kind: 'path'; surface: SurfaceGrid; plane: PathPlane };

/** Weights of a model as plain arrays (see core/weights.ts). */
const WeightSnapshotSchema: z.ZodType<WeightSnapshot> = z.object({
  names: z.array(z.string()),
  shapes: z.array(z.array(z.number().int().min(0))),
  data: z.array(z.instanceof(Float32Array)),
});

/**
 * A finished run handed to the worker (a pretrained demo run, or one restored from IndexedDB),
 * so landscapes and drill-downs work on it as on a run trained in this session. Its training
 * set is rebuilt (same subset, poison and defence, from the seeds) only when a job needs it.
 */
const AdoptCommandSchema = z.object({
  type: z.literal('adopt'),
  /** The run's id in the app (later jobs name it as their source). */
  runId,
  config: TrainConfigSchema,
  poison: PoisonSettingsSchema.nullable(),
  defence: DefenceSettingsSchema.nullable(),
  /** The adopted clean run TAP / SEP attacked (to rebuild their poisoned set). */
  surrogateRunId: runId.nullable(),
  /**
   * Checkpoints in epoch order: epochs 0..T, or 1..T, or the final weights alone; a missing
   * epoch 0 (the seeded init) is re-created from the config's seed.
   */
  checkpoints: z.array(WeightSnapshotSchema).min(1),
});
export type AdoptCommand = z.infer<typeof AdoptCommandSchema>;

/**
 * The cross-task experiment: one poison made against digit classification, then every task
 * model (digits, rotation, segmentation, multi-task) trained on clean and on poisoned images.
 */
const CrossTaskCommandSchema = z.object({
  type: z.literal('cross-task'),
  runId,
  config: TrainConfigSchema,
  poison: PoisonSettingsSchema,
  sal: SalSettingsSchema.nullable(),
});
export type CrossTaskCommand = z.infer<typeof CrossTaskCommandSchema>;

/** Stops the named job, running or queued. */
const CancelCommandSchema = z.object({ type: z.literal('cancel'), runId });
export type CancelCommand = z.infer<typeof CancelCommandSchema>;

/** The commands that start a job: each has its own run id, messages and place in the queue. */
export type JobCommand = TrainCommand | FilterSalCommand | LandscapeCommand | CrossTaskCommand;

const ToWorkerSchema = z.discriminatedUnion('type', [
  InitCommandSchema,
  TrainCommandSchema,
  FilterSalCommandSchema,
  LandscapeCommandSchema,
  AdoptCommandSchema,
  CrossTaskCommandSchema,
  CancelCommandSchema,
]);

/**
 * App -> worker. Trains and filter-SAL jobs run one at a time in arrival order; `cancel`
 * stops the named job (running or queued); `adopt` hands over a finished run (set up
 * before the next job, so handing runs over costs nothing until one is used).
 */
export type ToWorker = z.infer<typeof ToWorkerSchema>;

/** Worker -> app. */
export type FromWorker =
  | { type: 'ready'; backend: BackendReport }
  | {
      type: 'status';
      runId: string;
      stage:
        'queued' | 'loading-data' | 'preparing' | 'poisoning' | 'training' | 'sal' | 'landscape';
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
  | {
      type: 'landscape';
      runId: string;
      result: LandscapeResult;
      /** Share of the points evaluated so far (1 with the last message). */
      fraction: number;
      /** The model's own loss and accuracy on that data (the centre point, or alpha 0). */
      centre: { loss: number; acc: number } | null;
    }
  | { type: 'cross-task'; runId: string; result: CrossTaskResult }
  | { type: 'done'; runId: string; seconds: number }
  | { type: 'cancelled'; runId: string }
  | { type: 'error'; runId: string | null; message: string };

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
    case 'landscape':
      return landscapeBuffers(msg.result);
    case 'sal':
    case 'filter-sal':
    case 'cross-task':
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

function landscapeBuffers(r: LandscapeResult): ArrayBuffer[] {
  const grid = (g: SurfaceGrid) => [g.xs, g.ys, g.loss, g.acc, g.done];
  switch (r.kind) {
    case 'surface':
      return grid(r.surface).map((a) => a.buffer as ArrayBuffer);
    case 'interpolation':
      return [r.curve.alphas, r.curve.loss, r.curve.acc].map((a) => a.buffer as ArrayBuffer);
    case 'path':
      return [...grid(r.surface), r.plane.pathA, r.plane.pathB, r.plane.offPlane].map(
        (a) => a.buffer as ArrayBuffer,
      );
    default: {
      const never: never = r;
      throw new Error(`unknown landscape ${JSON.stringify(never)}`);
    }
  }
}
