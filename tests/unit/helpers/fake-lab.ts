/**
 * The one fake worker client of the store tests. It implements `LabClientLike` by recording:
 * every job by kind with the run id the store gave it, every cancel, backend start and adopted run,
 * and the message handler of each job, so a test plays the worker with `send`. No tfjs, no worker.
 */
import type { BackendPreference } from '../../../src/core/run-types';
import type { LabClientLike } from '../../../src/store';
import type { AdoptJob, RunMessage, TrainJob } from '../../../src/workers/client';
import type {
  CrossTaskCommand,
  FilterSalCommand,
  LandscapeCommand,
} from '../../../src/workers/protocol';

/** A job as the store hands it to the client (the client adds the type and run id). */
type JobOf<C> = Omit<C, 'type' | 'runId'>;
type FilterSalJob = JobOf<FilterSalCommand>;
type LandscapeJob = JobOf<LandscapeCommand>;
type CrossJob = JobOf<CrossTaskCommand>;

/** The kinds of job a client can be sent; each can be set to fail. */
export type JobKind = 'train' | 'filterSal' | 'landscape' | 'crossTask';

/** One job the store sent, under the run id its messages will carry. */
export interface SentJob<J> {
  runId: string;
  job: J;
}

type Handler = (msg: RunMessage) => void;

export class FakeLab implements LabClientLike {
  readonly inits: { backend: BackendPreference; dataUrl: string }[] = [];
  readonly trains: SentJob<TrainJob>[] = [];
  readonly filterJobs: SentJob<FilterSalJob>[] = [];
  readonly landscapeJobs: SentJob<LandscapeJob>[] = [];
  readonly crossJobs: SentJob<CrossJob>[] = [];
  readonly adopted: AdoptJob[] = [];
  readonly cancels: string[] = [];
  /** The message handler of each job by run id; `send` delivers through it. */
  readonly handlers = new Map<string, Handler>();
  /**
   * A message per job kind that sending such a job throws, as a client whose worker is gone does;
   * the job is then not recorded.
   */
  readonly fail: Partial<Record<JobKind, string>> = {};
  /** Absent on a client built with `{ crossTask: false }` (an older worker client). */
  crossTask?: (job: CrossJob, onMessage: Handler, runId?: string) => string;

  constructor(opts: { crossTask?: boolean } = {}) {
    if (opts.crossTask !== false)
      this.crossTask = (job, onMessage, runId) =>
        this.record('crossTask', this.crossJobs, job, onMessage, runId);
  }

  init(backend: BackendPreference, dataUrl: string): void {
    this.inits.push({ backend, dataUrl });
  }
  train(job: TrainJob, onMessage: Handler, runId?: string): string {
    return this.record('train', this.trains, job, onMessage, runId);
  }
  filterSal(job: FilterSalJob, onMessage: Handler, runId?: string): string {
    return this.record('filterSal', this.filterJobs, job, onMessage, runId);
  }
  landscape(job: LandscapeJob, onMessage: Handler, runId?: string): string {
    return this.record('landscape', this.landscapeJobs, job, onMessage, runId);
  }
  cancel(runId: string): void {
    this.cancels.push(runId);
  }
  adopt(job: AdoptJob): void {
    this.adopted.push(job);
  }

  /** Delivers a message as the worker would, to the job its run id names (if any). */
  send(msg: RunMessage): void {
    this.handlers.get(msg.runId)?.(msg);
  }

  private record<J>(
    kind: JobKind,
    list: SentJob<J>[],
    job: J,
    onMessage: Handler,
    runId = `${kind}-${list.length + 1}`,
  ): string {
    const failure = this.fail[kind];
    if (failure !== undefined) throw new Error(failure);
    list.push({ runId, job });
    this.handlers.set(runId, onMessage);
    return runId;
  }
}
