/**
 * Landscape jobs of the store: one per (kind, run, target run, settings), reduced from worker
 * messages. Pure: no zustand, no DOM; tested in Node.
 */
import type { LandscapeSettings } from '../core/landscape-types';
import type { RunMessage } from '../workers/client';
import type { LandscapeKind, LandscapeResult } from '../workers/protocol';

export type LandscapeJobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

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

export const isActiveLandscape = (j: LandscapeJob): boolean =>
  j.status === 'queued' || j.status === 'running';

/** Applies one worker message to a landscape job; the same object when nothing changes. */
export function reduceLandscape(j: LandscapeJob, msg: RunMessage): LandscapeJob {
  if (msg.runId !== j.jobId || !isActiveLandscape(j)) return j;
  switch (msg.type) {
    case 'status':
      return msg.stage === 'queued'
        ? { ...j, status: 'queued', detail: 'waiting for the jobs before it', fraction: 0 }
        : { ...j, status: 'running', detail: msg.detail, fraction: msg.fraction };
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
    case 'cancelled':
      return { ...j, status: 'cancelled', detail: 'cancelled' };
    case 'error':
      return { ...j, status: 'failed', detail: 'failed', error: msg.message };
    default:
      return j;
  }
}
