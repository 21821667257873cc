/**
 * The worker's state and command handling, free of `self` so Node tests can drive it: one
 * backend, cached data sets, a queue that runs jobs (trainings, per-filter SAL) one at a time
 * in arrival order, and the finished runs a later job may need (TAP/SEP surrogates, drill-down).
 */
import type { ImageSet } from '../core/dataset';
import type { BackendReport } from '../core/run-types';
import type { DatasetName, TrainConfig } from '../core/train-config';
import type { WeightSnapshot } from '../core/weights';
import { runExperiment, firstImages } from '../ml/experiment/run-experiment';
import { toTensors } from '../ml/data/tensors';
import type { ModelSpec } from '../core/model-spec';
import { salPerFilter } from '../ml/sal/sal';
import type { JpegCodec } from '../ml/defences/jpeg';
import { CancelledError } from '../ml/train/train-loop';
import { sampleImages, selectRunData, specFor } from '../ml/train/run-training';
import { adoptedCheckpoints, rebuildTrainSet, type RebuildRecipe } from './adopted-run';
import { CrossTaskJobs } from './cross-task-job';
import { landscapeImages, runLandscapeJob } from './landscape-job';
import type {
  AdoptCommand,
  CrossTaskCommand,
  FilterSalCommand,
  FromWorker,
  LandscapeCommand,
  ToWorker,
  TrainCommand,
} from './protocol';

/** Loads one split of a data set, reporting bytes loaded. */
export type DataLoader = (
  id: DatasetName,
  split: 'train' | 'test',
  onProgress: (loaded: number, total: number) => void,
) => Promise<ImageSet>;

/** Starts the backend for an init message. */
export type BackendStarter = (msg: Extract<ToWorker, { type: 'init' }>) => Promise<BackendReport>;

/** A finished run kept for later jobs. */
interface RunRecord {
  spec: ModelSpec;
  config: TrainConfig;
  checkpoints: WeightSnapshot[];
  /** Null for an adopted run until a job needs it (then rebuilt from `rebuild`). */
  trainSet: ImageSet | null;
  rebuild?: RebuildRecipe & { surrogateRunId: string | null };
}

/** Finished runs kept in memory (oldest dropped first); their results live in the app too. */
const MAX_RECORDS = 24;

export class LabSession {
  private readonly cache = new Map<string, Promise<ImageSet>>();
  private readonly cancelled = new Set<string>();
  private readonly records = new Map<string, RunRecord>();
  private readonly crossTasks = new CrossTaskJobs();
  /** Runs handed over but not set up yet: that waits for a job, so adopting costs nothing. */
  private readonly pending = new Map<string, AdoptCommand>();
  private queue: Promise<void> = Promise.resolve();
  private ready: Promise<BackendReport> | null = null;

  constructor(
    private readonly post: (msg: FromWorker) => void,
    private readonly startBackend: BackendStarter,
    private readonly load: DataLoader,
    /** The JPEG codec of the JPEG defence (the browser's in the worker). */
    private readonly jpeg?: JpegCodec,
  ) {}

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
        this.records.delete(msg.runId);
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

  private async init(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
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

  private async runJob(
    msg: TrainCommand | FilterSalCommand | LandscapeCommand | CrossTaskCommand,
  ): Promise<void> {
    const { runId } = msg;
    const t0 = Date.now();
    const shouldStop = () => this.cancelled.has(runId);
    try {
      if (shouldStop()) throw new CancelledError();
      if (!this.ready) throw new Error('the worker was not initialised');
      await this.ready;
      for (const m of [...this.pending.values()]) {
        this.pending.delete(m.runId);
        await this.adopt(m);
      }
      if (msg.type === 'train') await this.train(msg, shouldStop);
      else if (msg.type === 'filter-sal') await this.filterSal(msg, shouldStop);
      else if (msg.type === 'cross-task') await this.crossTask(msg, shouldStop);
      else await this.landscape(msg, shouldStop);
      this.post({ type: 'done', runId, seconds: (Date.now() - t0) / 1000 });
    } catch (e) {
      if (e instanceof CancelledError) this.post({ type: 'cancelled', runId });
      else this.post({ type: 'error', runId, message: (e as Error).message });
    } finally {
      this.cancelled.delete(runId);
    }
  }

  private async crossTask(msg: CrossTaskCommand, shouldStop: () => boolean): Promise<void> {
    const { config } = msg;
    const [train, test] = await Promise.all([
      this.data(config.dataset, 'train', msg.runId),
      this.data(config.dataset, 'test', msg.runId),
    ]);
    if (shouldStop()) throw new CancelledError();
    await this.crossTasks.run(msg, selectRunData(config, train, test), this.post, shouldStop);
  }

  private async train(msg: TrainCommand, shouldStop: () => boolean): Promise<void> {
    const { runId, config } = msg;
    const [train, test] = await Promise.all([
      this.data(config.dataset, 'train', runId),
      this.data(config.dataset, 'test', runId),
    ]);
    if (shouldStop()) throw new CancelledError();
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
    const source = msg.surrogateRunId ? this.records.get(msg.surrogateRunId) : undefined;
    if (msg.surrogateRunId && !source)
      throw new Error(
        `the clean run ${msg.surrogateRunId} is not in this session any more: train it again`,
      );
    const surrogate = source
      ? {
          spec: source.spec,
          weights: source.checkpoints[source.checkpoints.length - 1]!,
          checkpoints: source.checkpoints.slice(1),
        }
      : undefined;
    const result = await runExperiment(
      { config, poison: msg.poison, sal: msg.sal, defence: msg.defence },
      subsets,
      {
        shouldStop,
        onProgress: (progress) => this.post({ type: 'progress', runId, progress }),
        onEpoch: (metrics, checkpoint) =>
          this.post({
            type: 'epoch',
            runId,
            metrics,
            checkpoint: { ...checkpoint, data: checkpoint.data.map((d) => d.slice()) },
          }),
        onStage: (stage, detail, fraction) =>
          this.post({ type: 'status', runId, stage, detail, fraction }),
        onPoison: (summary, gallery) => this.post({ type: 'poison', runId, summary, gallery }),
        onSal: (row) => this.post({ type: 'sal', runId, row }),
        onDefence: (d) =>
          this.post({
            type: 'status',
            runId,
            stage: 'preparing',
            detail: `defence: ${d.label}${d.note ? ` (${d.note})` : ''}`,
            fraction: 1,
          }),
      },
      { ...(surrogate ? { surrogate } : {}), ...(this.jpeg ? { jpeg: this.jpeg } : {}) },
    );
    this.keep(runId, {
      spec: result.spec,
      config,
      checkpoints: result.checkpoints,
      trainSet: result.trainSet,
    });
  }

  /**
   * Sets up a run handed over by the app (before the first job after it). Its model spec needs
   * the data set's image shape, so this waits for the (cached) test split; errors name the run
   * and belong to no job.
   */
  private async adopt(msg: AdoptCommand): Promise<void> {
    try {
      const test = await this.data(msg.config.dataset, 'test', msg.runId);
      const spec = specFor(msg.config, test);
      this.keep(msg.runId, {
        spec,
        config: msg.config,
        checkpoints: adoptedCheckpoints(spec, msg.config, msg.checkpoints),
        trainSet: null,
        rebuild: { poison: msg.poison, defence: msg.defence, surrogateRunId: msg.surrogateRunId },
      });
    } catch (e) {
      this.post({
        type: 'error',
        runId: null,
        message: `Could not hand run ${msg.runId} to the worker: ${(e as Error).message}`,
      });
    }
  }

  private keep(runId: string, rec: RunRecord): void {
    this.records.delete(runId);
    this.records.set(runId, rec);
    while (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
  }

  /**
   * The run's training set; for an adopted run it is rebuilt once (the clean subset from the
   * seed, then its poison and data defence), reporting progress under `jobId`.
   */
  private async trainSetOf(
    rec: RunRecord,
    jobId: string,
    shouldStop: () => boolean,
  ): Promise<ImageSet> {
    if (rec.trainSet) return rec.trainSet;
    const r = rec.rebuild ?? { poison: null, defence: null, surrogateRunId: null };
    const [train, test] = await Promise.all([
      this.data(rec.config.dataset, 'train', jobId),
      this.data(rec.config.dataset, 'test', jobId),
    ]);
    const clean = selectRunData(rec.config, train, test).train;
    const src = r.surrogateRunId ? this.records.get(r.surrogateRunId) : undefined;
    if (r.poison && (r.poison.method === 'tap' || r.poison.method === 'sep') && !src)
      throw new Error(
        `rebuilding this ${r.poison.method} run's training set needs its clean run, which is not in the worker any more: reload the experiment, or measure on the clean test set`,
      );
    rec.trainSet = await rebuildTrainSet(clean, r, {
      ...(src
        ? {
            surrogate: {
              spec: src.spec,
              weights: src.checkpoints[src.checkpoints.length - 1]!,
              checkpoints: src.checkpoints.slice(1),
            },
          }
        : {}),
      ...(this.jpeg ? { jpeg: this.jpeg } : {}),
      shouldStop,
      onProgress: (fraction, detail) =>
        this.post({
          type: 'status',
          runId: jobId,
          stage: 'poisoning',
          detail: `rebuilding the run's training set: ${detail}`,
          fraction,
        }),
    });
    return rec.trainSet;
  }

  private record(runId: string, why: string): RunRecord {
    const rec = this.records.get(runId);
    if (!rec)
      throw new Error(`run ${runId} is not in this session any more: train it again ${why}`);
    return rec;
  }

  private async landscape(msg: LandscapeCommand, shouldStop: () => boolean): Promise<void> {
    const source = this.record(msg.sourceRunId, 'to draw its landscape');
    const target = msg.targetRunId ? this.record(msg.targetRunId, 'to interpolate to it') : null;
    const [train, test] = await Promise.all([
      this.data(source.config.dataset, 'train', msg.runId),
      this.data(source.config.dataset, 'test', msg.runId),
    ]);
    const trainSet =
      msg.settings.data === 'train'
        ? await this.trainSetOf(source, msg.runId, shouldStop)
        : (source.trainSet ?? train);
    const images = landscapeImages(
      msg.settings,
      { ...source, trainSet },
      selectRunData(source.config, train, test),
    );
    await runLandscapeJob(
      msg,
      { ...source, trainSet },
      target && { ...target, trainSet },
      images,
      this.post,
      shouldStop,
    );
  }

  private async filterSal(msg: FilterSalCommand, shouldStop: () => boolean): Promise<void> {
    const rec = this.records.get(msg.sourceRunId);
    if (!rec)
      throw new Error(
        `run ${msg.sourceRunId} is not in this session any more: train it again to drill down`,
      );
    // An adopted run may come with its initial and final weights only (epochs 0 and T).
    const whole = rec.checkpoints.length === rec.config.epochs + 1;
    const weights = whole
      ? rec.checkpoints[msg.epoch]
      : msg.epoch === rec.config.epochs
        ? rec.checkpoints[rec.checkpoints.length - 1]
        : undefined;
    if (!weights)
      throw new Error(
        whole
          ? `run ${msg.sourceRunId} has no checkpoint for epoch ${msg.epoch}`
          : `only the final weights of run ${msg.sourceRunId} were kept: drill down into its last epoch (${rec.config.epochs}), or train it again`,
      );
    const t0 = Date.now();
    const trainSet = await this.trainSetOf(rec, msg.runId, shouldStop);
    const data = toTensors(firstImages(trainSet, msg.settings.subsetSize));
    try {
      const r = await salPerFilter(rec.spec, weights, msg.layer, data, msg.settings, {
        shouldStop,
        onProgress: (done, total) =>
          this.post({
            type: 'status',
            runId: msg.runId,
            stage: 'sal',
            detail: `per-filter SAL of ${msg.layer}, epoch ${msg.epoch}`,
            fraction: done / total,
          }),
      });
      this.post({
        type: 'filter-sal',
        runId: msg.runId,
        sourceRunId: msg.sourceRunId,
        layer: msg.layer,
        epoch: msg.epoch,
        l0: r.l0,
        filters: r.filters,
        settings: msg.settings,
        seconds: (Date.now() - t0) / 1000,
      });
    } finally {
      data.x.dispose();
      data.y.dispose();
    }
  }
}
