/**
 * The worker's state and command handling, free of `self` so Node tests can drive it: one
 * backend, cached data sets, a queue that runs jobs (trainings, per-filter SAL, landscapes,
 * cross-task) one at a time in arrival order, and the finished runs a later job may need
 * (TAP/SEP surrogates, drill-downs). Each job's body lives in jobs/.
 */
import type { ImageSet } from '../core/dataset';
import type { BackendReport } from '../core/run-types';
import type { DatasetName } from '../core/train-config';
import type { JpegCodec } from '../ml/defences/jpeg';
import { CancelledError } from '../ml/train/train-loop';
import { adoptRun } from './jobs/adopted-run';
import { CrossTaskJobs } from './jobs/cross-task-job';
import { runFilterSalJob } from './jobs/filter-sal-job';
import type { JobContext } from './jobs/job-context';
import { runLandscapeJob } from './jobs/landscape-job';
import { RunRecords } from './jobs/run-records';
import { runTrainJob } from './jobs/train-job';
import type { AdoptCommand, FromWorker, InitCommand, JobCommand, ToWorker } from './protocol';

/** Loads one split of a data set, reporting bytes loaded. */
export type DataLoader = (
  id: DatasetName,
  split: 'train' | 'test',
  onProgress: (loaded: number, total: number) => void,
) => Promise<ImageSet>;

/** Starts the backend for an init message. */
export type BackendStarter = (msg: InitCommand) => Promise<BackendReport>;

export class LabSession {
  private readonly cache = new Map<string, Promise<ImageSet>>();
  private readonly cancelled = new Set<string>();
  private readonly runs = new RunRecords();
  private readonly crossTasks = new CrossTaskJobs();
  /** Runs handed over but not set up yet: that waits for a job, so adopting costs nothing. */
  private readonly pending = new Map<string, AdoptCommand>();
  private queue: Promise<void> = Promise.resolve();
  private ready: Promise<BackendReport> | null = null;
  /** What every job is given. */
  private readonly ctx: JobContext;

  constructor(
    private readonly post: (msg: FromWorker) => void,
    private readonly startBackend: BackendStarter,
    private readonly load: DataLoader,
    /** The JPEG codec of the JPEG defence (the browser's in the worker). */
    jpeg?: JpegCodec,
  ) {
    this.ctx = {
      post,
      data: (id, split, runId) => this.data(id, split, runId),
      runs: this.runs,
      ...(jpeg ? { jpeg } : {}),
    };
  }

  /** Handles one validated message; never throws (errors become 'error' messages). */
  handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init':
        return this.init(msg);
      case 'train':
      case 'filter-sal':
      case 'landscape':
      case 'cross-task':
        this.post({
          type: 'status',
          runId: msg.runId,
          stage: 'queued',
          detail: 'waiting for the jobs before it',
          fraction: 0,
        });
        this.queue = this.queue.then(() => this.runJob(msg));
        return this.queue;
      case 'cancel':
        this.cancelled.add(msg.runId);
        return Promise.resolve();
      case 'adopt':
        this.runs.delete(msg.runId);
        this.pending.set(msg.runId, msg);
        return Promise.resolve();
      default: {
        const never: never = msg;
        this.post({
          type: 'error',
          runId: null,
          message: `unknown command ${JSON.stringify(never)}`,
        });
        return Promise.resolve();
      }
    }
  }

  private async init(msg: InitCommand): Promise<void> {
    this.ready = this.startBackend(msg);
    try {
      this.post({ type: 'ready', backend: await this.ready });
    } catch (e) {
      this.post({
        type: 'error',
        runId: null,
        message: `No TF.js backend could start: ${(e as Error).message}`,
      });
    }
  }

  /** One split of a data set, loaded once per session (a failed load is tried again later). */
  private data(id: DatasetName, split: 'train' | 'test', runId: string): Promise<ImageSet> {
    const key = `${id}/${split}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.load(id, split, (loaded, total) =>
        this.post({
          type: 'status',
          runId,
          stage: 'loading-data',
          detail: `${id} ${split} data`,
          fraction: total > 0 ? loaded / total : 0,
        }),
      );
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
    }
    return p;
  }

  /** Runs one queued job to its 'done', 'cancelled' or 'error' message. */
  private async runJob(msg: JobCommand): Promise<void> {
    const { runId } = msg;
    const t0 = Date.now();
    const shouldStop = () => this.cancelled.has(runId);
    try {
      if (shouldStop()) throw new CancelledError();
      if (!this.ready) throw new Error('the worker was not initialised');
      await this.ready;
      for (const m of [...this.pending.values()]) {
        this.pending.delete(m.runId);
        await adoptRun(m, this.ctx);
      }
      await this.dispatch(msg, shouldStop);
      this.post({ type: 'done', runId, seconds: (Date.now() - t0) / 1000 });
    } catch (e) {
      if (e instanceof CancelledError) this.post({ type: 'cancelled', runId });
      else this.post({ type: 'error', runId, message: (e as Error).message });
    } finally {
      this.cancelled.delete(runId);
    }
  }

  /** The job's body, by type. */
  private dispatch(msg: JobCommand, shouldStop: () => boolean): Promise<void> {
    switch (msg.type) {
      case 'train':
        return runTrainJob(msg, this.ctx, shouldStop);
      case 'filter-sal':
        return runFilterSalJob(msg, this.ctx, shouldStop);
      case 'landscape':
        return runLandscapeJob(msg, this.ctx, shouldStop);
      case 'cross-task':
        return this.crossTasks.run(msg, this.ctx, shouldStop);
      default: {
        const never: never = msg;
        throw new Error(`unknown job ${JSON.stringify(never)}`);
      }
    }
  }
}
