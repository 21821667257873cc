/**
 * The worker's state and command handling, free of `self` so Node tests can drive it: one
 * backend, cached data sets, at most one training run at a time (a new run cancels the old).
 */
import type { ImageSet } from '../core/dataset';
import type { DatasetName } from '../core/train-config';
import type { BackendReport } from '../core/run-types';
import { CancelledError } from '../ml/train/train-loop';
import { runTraining, sampleImages, selectRunData } from '../ml/train/run-training';
import type { FromWorker, ToWorker } from './protocol';

/** Loads one split of a data set, reporting bytes loaded. */
export type DataLoader = (
  id: DatasetName,
  split: 'train' | 'test',
  onProgress: (loaded: number, total: number) => void,
) => Promise<ImageSet>;

/** Starts the backend for an init message. */
export type BackendStarter = (msg: Extract<ToWorker, { type: 'init' }>) => Promise<BackendReport>;

export class LabSession {
  private readonly cache = new Map<string, Promise<ImageSet>>();
  private active: { runId: string; cancelled: boolean } | null = null;
  private ready: Promise<BackendReport> | null = null;

  constructor(
    private readonly post: (msg: FromWorker) => void,
    private readonly startBackend: BackendStarter,
    private readonly load: DataLoader,
  ) {}

  /** Handles one validated message; never throws (errors become 'error' messages). */
  async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'init':
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
        return;
      case 'train':
        return this.train(msg.runId, msg.config);
      case 'cancel':
        if (this.active?.runId === msg.runId) this.active.cancelled = true;
        return;
      default: {
        const never: never = msg;
        this.post({
          type: 'error',
          runId: null,
          message: `unknown command ${JSON.stringify(never)}`,
        });
      }
    }
  }

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

  private async train(
    runId: string,
    config: Extract<ToWorker, { type: 'train' }>['config'],
  ): Promise<void> {
    if (this.active) this.active.cancelled = true;
    const run = { runId, cancelled: false };
    this.active = run;
    const t0 = Date.now();
    try {
      if (!this.ready) throw new Error('the worker was not initialised');
      await this.ready;
      const [train, test] = await Promise.all([
        this.data(config.dataset, 'train', runId),
        this.data(config.dataset, 'test', runId),
      ]);
      if (run.cancelled) throw new CancelledError();
      this.post({
        type: 'status',
        runId,
        stage: 'preparing',
        detail: 'choosing subsets',
        fraction: 1,
      });
      const subsets = selectRunData(config, train, test);
      const s = sampleImages(subsets.train, 4);
      this.post({
        type: 'samples',
        runId,
        samples: {
          images: s.images,
          labels: s.labels,
          count: s.count,
          height: s.height,
          width: s.width,
          channels: s.channels,
          classNames: s.classNames,
        },
      });
      this.post({
        type: 'status',
        runId,
        stage: 'training',
        detail: `${config.model} on ${config.trainSize} images`,
        fraction: 0,
      });
      await runTraining(config, subsets, {
        shouldStop: () => run.cancelled,
        onProgress: (progress) => this.post({ type: 'progress', runId, progress }),
        onEpoch: (metrics, checkpoint) => this.post({ type: 'epoch', runId, metrics, checkpoint }),
      });
      this.post({ type: 'done', runId, seconds: (Date.now() - t0) / 1000 });
    } catch (e) {
      if (e instanceof CancelledError) this.post({ type: 'cancelled', runId });
      else this.post({ type: 'error', runId, message: (e as Error).message });
    } finally {
      if (this.active === run) this.active = null;
    }
  }
}
