/**
 * The training job of the worker: loads the data, picks the run's subsets, posts a few sample
 * images, runs the experiment (poison, defence, training, SAL per epoch) posting each step,
 * and keeps the finished run for later jobs (TAP / SEP surrogates, drill-downs, landscapes).
 */
import { runExperiment } from '../../ml/experiment/run-experiment';
import { CancelledError } from '../../ml/train/train-loop';
import { sampleImages, selectRunData } from '../../ml/train/run-training';
import type { TrainCommand } from '../protocol';
import { loadSplits, type JobContext } from './job-context';
import { surrogateOf } from './run-records';

/** Runs one training job; throws CancelledError when stopped. */
export async function runTrainJob(
  msg: TrainCommand,
  ctx: JobContext,
  shouldStop: () => boolean,
): Promise<void> {
  const { runId, config } = msg;
  const { post } = ctx;
  const [train, test] = await loadSplits(ctx, config.dataset, runId);
  if (shouldStop()) throw new CancelledError();
  post({
    type: 'status',
    runId,
    stage: 'preparing',
    detail: 'choosing subsets',
    fraction: 1,
  });
  const subsets = selectRunData(config, train, test);
  const s = sampleImages(subsets.train, 4);
  post({
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
  const source = msg.surrogateRunId ? ctx.runs.get(msg.surrogateRunId) : undefined;
  if (msg.surrogateRunId && !source)
    throw new Error(
      `the clean run ${msg.surrogateRunId} is not in this session any more: train it again`,
    );
  const surrogate = source ? surrogateOf(source) : undefined;
  const result = await runExperiment(
    { config, poison: msg.poison, sal: msg.sal, defence: msg.defence },
    subsets,
    {
      shouldStop,
      onProgress: (progress) => post({ type: 'progress', runId, progress }),
      onEpoch: (metrics, checkpoint) =>
        post({
          type: 'epoch',
          runId,
          metrics,
          checkpoint: { ...checkpoint, data: checkpoint.data.map((d) => d.slice()) },
        }),
      onStage: (stage, detail, fraction) =>
        post({ type: 'status', runId, stage, detail, fraction }),
      onPoison: (summary, gallery) => post({ type: 'poison', runId, summary, gallery }),
      onSal: (row) => post({ type: 'sal', runId, row }),
      onDefence: (d) =>
        post({
          type: 'status',
          runId,
          stage: 'preparing',
          detail: `defence: ${d.label}${d.note ? ` (${d.note})` : ''}`,
          fraction: 1,
        }),
    },
    { ...(surrogate ? { surrogate } : {}), ...(ctx.jpeg ? { jpeg: ctx.jpeg } : {}) },
  );
  ctx.runs.keep(runId, {
    spec: result.spec,
    config,
    checkpoints: result.checkpoints,
    trainSet: result.trainSet,
  });
}
