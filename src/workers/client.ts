/**
 * The app's side of the worker: one listener, run ids, and callbacks per run so that messages
 * from a run the user has replaced are dropped instead of drawn.
 */
import type { BackendPreference } from '../core/run-types';
import type {
  AdoptCommand,
  CrossTaskCommand,
  FilterSalCommand,
  FromWorker,
  JobCommand,
  LandscapeCommand,
  ToWorker,
  TrainCommand,
} from './protocol';

/** What a training run needs besides its id. */
export type TrainJob = Omit<TrainCommand, 'type' | 'runId'>;

/** A finished run the worker should adopt (a demo's or a restored one). */
export type AdoptJob = Omit<AdoptCommand, 'type'>;

/** Messages that belong to a run. */
export type RunMessage = Exclude<FromWorker, { type: 'ready' }> & { runId: string };

export interface LabClientEvents {
  onReady: (msg: Extract<FromWorker, { type: 'ready' }>) => void;
  onError: (message: string) => void;
}

let counter = 0;
/** A fresh run id: readable and unique within the page. */
export function newRunId(prefix = 'run'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export class LabClient {
  private readonly worker: Worker;
  private readonly runs = new Map<string, (msg: RunMessage) => void>();

  constructor(
    private readonly events: LabClientEvents,
    worker?: Worker,
  ) {
    this.worker =
      worker ?? new Worker(new URL('./lab.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.dispatch(ev.data);
    this.worker.onerror = (ev) =>
      this.events.onError(`The lab worker crashed: ${ev.message || 'unknown error'}`);
  }

  private dispatch(msg: FromWorker): void {
    if (msg.type === 'ready') return this.events.onReady(msg);
    if (msg.type === 'error' && msg.runId === null) return this.events.onError(msg.message);
    const runMsg = msg as RunMessage;
    const handler = this.runs.get(runMsg.runId);
    if (!handler) return; // a stale run: its owner has moved on
    if (runMsg.type === 'done' || runMsg.type === 'cancelled' || runMsg.type === 'error')
      this.runs.delete(runMsg.runId);
    handler(runMsg);
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  /** Starts (or restarts) the backend. */
  init(backend: BackendPreference, dataUrl: string): void {
    this.send({ type: 'init', backend, dataUrl });
  }

  /**
   * Queues a job (run id `runId`); `onMessage` receives only that job's messages, until its
   * 'done', 'cancelled' or 'error'. Returns its id.
   */
  request<C extends JobCommand>(
    cmd: Omit<C, 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId: string,
  ): string {
    this.runs.set(runId, onMessage);
    this.send({ ...cmd, runId } as C);
    return runId;
  }

  /** Queues a training run (poison and SAL optional). Returns its id. */
  train(job: TrainJob, onMessage: (msg: RunMessage) => void, runId = newRunId()): string {
    return this.request<TrainCommand>({ type: 'train', ...job }, onMessage, runId);
  }

  /** Queues a per-filter SAL job on a finished run of this session. Returns its id. */
  filterSal(
    job: Omit<FilterSalCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId = newRunId('filters'),
  ): string {
    return this.request<FilterSalCommand>({ type: 'filter-sal', ...job }, onMessage, runId);
  }

  /** Queues a landscape job on a finished run of this session. Returns its id. */
  landscape(
    job: Omit<LandscapeCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId = newRunId('landscape'),
  ): string {
    return this.request<LandscapeCommand>({ type: 'landscape', ...job }, onMessage, runId);
  }

  /** Queues a cross-task experiment. Returns its id. */
  crossTask(
    job: Omit<CrossTaskCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId = newRunId('crosstask'),
  ): string {
    return this.request<CrossTaskCommand>({ type: 'cross-task', ...job }, onMessage, runId);
  }

  /**
   * Hands the worker a finished run it did not train (a demo run, a restored run), so later
   * landscapes and drill-downs can use it. Failures arrive as worker errors.
   */
  adopt(job: Omit<AdoptCommand, 'type'>): void {
    this.send({ type: 'adopt', ...job });
  }

  /** Asks the worker to stop a run; its 'cancelled' message still arrives. */
  cancel(runId: string): void {
    this.send({ type: 'cancel', runId });
  }

  /** Forgets a run's callback so its late messages are dropped. */
  forget(runId: string): void {
    this.runs.delete(runId);
  }

  terminate(): void {
    this.worker.terminate();
  }
}
