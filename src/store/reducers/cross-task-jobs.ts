/**
 * A cross-task job (one per configuration and poison) and how worker messages change it: the
 * cross-task counterpart of `landscape-jobs`.
 */
import type { PoisonMethodId, PoisonSettings } from '../../core/poison-types';
import type { SalSettings } from '../../core/sal-types';
import type { TrainConfig } from '../../core/train-config';
import type { CrossTaskResult } from '../../core/cross-task-types';
import type { RunMessage } from '../../workers/client';
import { isActiveJob, reduceJobLifecycle, type WorkerJobStatus } from './worker-job';

export type CrossTaskStatus = WorkerJobStatus;

export interface CrossTaskJob {
  jobId: string;
  method: PoisonMethodId;
  config: TrainConfig;
  sal: SalSettings | null;
  status: CrossTaskStatus;
  detail: string;
  fraction: number;
  result: CrossTaskResult | null;
  error: string | null;
  /** Set for a pretrained result: how it was made (the view offers to retrain it live). */
  demo?: string;
}

export const isActiveCrossTask: (j: CrossTaskJob) => boolean = isActiveJob;

/**
 * The key of a cross-task experiment: configuration, poison (method, budget, and the ratio and
 * seed it is sent with) and SAL settings.
 */
export function crossTaskKey(
  config: TrainConfig,
  poison: Pick<PoisonSettings, 'method' | 'eps' | 'ratio' | 'seed'>,
  sal: SalSettings | null,
): string {
  return JSON.stringify([config, poison.method, poison.eps, poison.ratio, poison.seed, sal]);
}

/** Applies one worker message; the same object when nothing changes. */
export function reduceCrossTask(j: CrossTaskJob, msg: RunMessage): CrossTaskJob {
  const common = reduceJobLifecycle(j, msg);
  if (common) return common;
  switch (msg.type) {
    case 'cross-task':
      return { ...j, status: 'running', result: msg.result, fraction: 1 };
    case 'done':
      return j.result
        ? { ...j, status: 'done', detail: 'finished', fraction: 1 }
        : { ...j, status: 'failed', error: 'the worker finished without sending results' };
    default:
      return j;
  }
}
