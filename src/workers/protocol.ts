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
import {
  SalSettingsSchema,
  type FilterSal,
  type SalSettings,
  type SalRow,
} from '../core/sal-types';
import type { CrossTaskResult } from '../core/cross-task-types';
import {
  LandscapeSettingsSchema,
  type InterpolationCurve,
  type LandscapeSettings,
  type PathPlane,
  type SurfaceGrid,
} from '../core/landscape-types';
import type { GallerySample, PoisonSummary, SampleImages } from '../core/experiment-types';

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

/** What a landscape job computes. */
export const LANDSCAPE_KINDS = ['surface', 'interpolation', 'path'] as const;
export type LandscapeKind = (typeof LANDSCAPE_KINDS)[number];

/**
 * A landscape of a finished run of this session: a filter-normalised surface around its final
 * weights, a 1-D interpolation (to `targetRunId`'s final weights, or from its own initial
 * weights when that is null), or the surface over its training-path plane.
 */
export interface LandscapeCommand {
  type: 'landscape';
  runId: string;
  kind: LandscapeKind;
  sourceRunId: string;
  targetRunId: string | null;
  settings: LandscapeSettings;
}

/** A landscape result; surfaces arrive several times, sharpening (coarse to fine). */
export type LandscapeResult =
  | { kind: 'surface'; surface: SurfaceGrid }
  | { kind: 'interpolation'; curve: InterpolationCurve }
  | { kind: 'path'; surface: SurfaceGrid; plane: PathPlane };

/**
 * A finished run handed to the worker (a pretrained demo run, or one restored from IndexedDB),
 * so landscapes and drill-downs work on it as on a run trained in this session. Its training
 * set is rebuilt (same subset, poison and defence, from the seeds) only when a job needs it.
 */
export interface AdoptCommand {
  type: 'adopt';
  /** The run's id in the app (later jobs name it as their source). */
  runId: string;
  config: TrainConfig;
  poison: PoisonSettings | null;
  defence: DefenceSettings | null;
  /** The adopted clean run TAP / SEP attacked (to rebuild their poisoned set). */
  surrogateRunId: string | null;
  /**
   * Checkpoints in epoch order: epochs 0..T, or 1..T, or the final weights alone; a missing
   * epoch 0 (the seeded init) is re-created from the config's seed.
   */
  checkpoints: WeightSnapshot[];
}

/**
 * The cross-task experiment: one poison made against digit classification, then every task
 * model (digits, rotation, segmentation, multi-task) trained on clean and on poisoned images.
 */
export interface CrossTaskCommand {
  type: 'cross-task';
  runId: string;
  config: TrainConfig;
  poison: PoisonSettings;
  sal: SalSettings | null;
}

/**
 * App -> worker. Trains and filter-SAL jobs run one at a time in arrival order; `cancel`
 * stops the named job (running or queued); `adopt` hands over a finished run (set up
 * before the next job, so handing runs over costs nothing until one is used).
 */
export type ToWorker =
  | { type: 'init'; backend: BackendPreference; dataUrl: string }
  | TrainCommand
  | FilterSalCommand
  | LandscapeCommand
  | CrossTaskCommand
  | AdoptCommand
  | { type: 'cancel'; runId: string };

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
  z.object({
    type: z.literal('landscape'),
    runId: z.string().min(1),
    kind: z.enum(LANDSCAPE_KINDS),
    sourceRunId: z.string().min(1),
    targetRunId: z.string().min(1).nullable(),
    settings: LandscapeSettingsSchema,
  }),
  z.object({
    type: z.literal('adopt'),
    runId: z.string().min(1),
    config: TrainConfigSchema,
    poison: PoisonSettingsSchema.nullable(),
    defence: DefenceSettingsSchema.nullable(),
    surrogateRunId: z.string().min(1).nullable(),
    checkpoints: z
      .array(
        z.object({
          names: z.array(z.string()),
          shapes: z.array(z.array(z.number().int().min(0))),
          data: z.array(z.instanceof(Float32Array)),
        }),
      )
      .min(1),
  }),
  z.object({
    type: z.literal('cross-task'),
    runId: z.string().min(1),
    config: TrainConfigSchema,
    poison: PoisonSettingsSchema,
    sal: SalSettingsSchema.nullable(),
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
