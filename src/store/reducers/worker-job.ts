/**
 * What every background job of the worker (landscapes, cross-task runs) has in common: its
 * status and the messages that move it, whatever result it carries. Pure; tested in Node.
 */
import type { RunMessage } from '../../workers/client';

export type WorkerJobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface WorkerJob {
  jobId: string;
  status: WorkerJobStatus;
  detail: string;
  fraction: number;
  error: string | null;
}

export const isActiveJob = (j: WorkerJob): boolean =>
  j.status === 'queued' || j.status === 'running';

/**
 * Applies a status, cancelled or error message to an active job of that id; null for any other
 * message (results and 'done' are the job kind's own), the job itself when it is not addressed.
 * `waiting` is the detail shown while the job is queued.
 */
export function reduceJobLifecycle<J extends WorkerJob>(
  j: J,
  msg: RunMessage,
  waiting = 'waiting for the jobs before it',
): J | null {
  if (msg.runId !== j.jobId || !isActiveJob(j)) return j;
  switch (msg.type) {
    case 'status':
      return msg.stage === 'queued'
        ? { ...j, status: 'queued', detail: waiting, fraction: 0 }
        : { ...j, status: 'running', detail: msg.detail, fraction: msg.fraction };
    case 'cancelled':
      return { ...j, status: 'cancelled', detail: 'cancelled' };
    case 'error':
      return { ...j, status: 'failed', detail: 'failed', error: msg.message };
    default:
      return null;
  }
}
