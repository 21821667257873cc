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

/** App -> worker. */
export type ToWorker =
  | { type: 'init'; backend: BackendPreference; dataUrl: string }
  | { type: 'train'; runId: string; config: TrainConfig }
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
      stage: 'loading-data' | 'preparing' | 'training';
      detail: string;
      fraction: number;
    }
  | { type: 'samples'; runId: string; samples: SampleImages }
  | { type: 'progress'; runId: string; progress: StepProgress }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics; checkpoint: WeightSnapshot }
  | { type: 'done'; runId: string; seconds: number }
  | { type: 'cancelled'; runId: string }
  | { type: 'error'; runId: string | null; message: string };

const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    backend: z.enum(['auto', ...BACKENDS]),
    dataUrl: z.string(),
  }),
  z.object({ type: z.literal('train'), runId: z.string().min(1), config: TrainConfigSchema }),
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
