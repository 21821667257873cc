/**
 * Landscape jobs of the store: one per (kind, run, target run, settings), reduced from worker
 * messages. Pure: no zustand, no DOM; tested in Node.
 */
import type { LandscapeSettings } from '../../core/landscape-types';
import type { RunMessage } from '../../workers/client';
import type { LandscapeKind, LandscapeResult } from '../../workers/protocol';
import { isActiveJob, reduceJobLifecycle, type WorkerJobStatus } from './worker-job';

export type LandscapeJobStatus = WorkerJobStatus;

export interface LandscapeJob {
  jobId: string;
  kind: LandscapeKind;
  sourceRunId: string;
  targetRunId: string | null;
  settings: LandscapeSettings;
  status: LandscapeJobStatus;
  detail: string;
  fraction: number;
  /** The latest (possibly still sharpening) result. */
  result: LandscapeResult | null;
  /** The model's own loss and accuracy on the chosen images. */
  centre: { loss: number; acc: number } | null;
  error: string | null;
}

/** The settings a kind of landscape depends on (others do not trigger a recomputation). */
function relevant(kind: LandscapeKind, s: LandscapeSettings): string {
  const base = `${s.data}/${s.limit}/${s.grid}`;
  return kind === 'surface' ? `${base}/${s.range}/${s.seed}/${s.includeBiases ? 1 : 0}` : base;
}

/** The store key of a landscape. */
export function landscapeKey(
  kind: LandscapeKind,
  sourceRunId: string,
  targetRunId: string | null,
  settings: LandscapeSettings,
): string {
  return `${kind}|${sourceRunId}|${targetRunId ?? '-'}|${relevant(kind, settings)}`;
}

export const isActiveLandscape: (j: LandscapeJob) => boolean = isActiveJob;

/** Applies one worker message to a landscape job; the same object when nothing changes. */
export function reduceLandscape(j: LandscapeJob, msg: RunMessage): LandscapeJob {
  const common = reduceJobLifecycle(j, msg);
  if (common) return common;
  switch (msg.type) {
    case 'landscape':
      return {
        ...j,
        status: 'running',
        result: msg.result,
        centre: msg.centre ?? j.centre,
        fraction: msg.fraction,
      };
    case 'done':
      return j.result && j.fraction >= 1
        ? { ...j, status: 'done', detail: 'finished', fraction: 1 }
        : { ...j, status: 'failed', error: 'the worker finished without sending the landscape' };
    default:
      return j;
  }
}
