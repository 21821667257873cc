/**
 * Runs the worker did not train itself (pretrained demos, runs restored from IndexedDB): set up
 * with their checkpoints made whole, and their training set rebuilt from the seeds when a job
 * needs it, with prepareTrainSet (the steps runExperiment takes), so it is the same set.
 */
import type { ImageSet } from '../../core/dataset';
import type { ModelSpec } from '../../core/model-spec';
import { assertSameLayout, type WeightSnapshot } from '../../core/weights';
import { prepareTrainSet } from '../../ml/experiment/prepare-train-set';
import { initSnapshot } from '../../ml/models/params';
import { selectRunData, specFor } from '../../ml/train/run-training';
import type { AdoptCommand } from '../protocol';
import { loadSplits, type JobContext } from './job-context';
import { surrogateOf, type RunRecord } from './run-records';

/**
 * Checkpoints of an adopted run, epoch 0 first. `given` holds epochs 0..T, or 1..T, or the
 * final weights alone; a missing epoch 0 is re-created from the seed (how runs start).
 * Throws when a snapshot does not fit the model.
 */
export function adoptedCheckpoints(
  spec: ModelSpec,
  config: { seed: number; epochs: number },
  given: readonly WeightSnapshot[],
): WeightSnapshot[] {
  const init = initSnapshot(spec, config.seed);
  for (const w of given) assertSameLayout(init, w);
  return given.length === config.epochs + 1 ? [...given] : [init, ...given];
}

/**
 * Sets up a run handed over by the app (before the first job after it). Its model spec needs
 * the data set's image shape, so this waits for the (cached) test split; errors name the run
 * and belong to no job.
 */
export async function adoptRun(msg: AdoptCommand, ctx: JobContext): Promise<void> {
  try {
    const test = await ctx.data(msg.config.dataset, 'test', msg.runId);
    const spec = specFor(msg.config, test);
    ctx.runs.keep(msg.runId, {
      spec,
      config: msg.config,
      checkpoints: adoptedCheckpoints(spec, msg.config, msg.checkpoints),
      trainSet: null,
      rebuild: { poison: msg.poison, defence: msg.defence, surrogateRunId: msg.surrogateRunId },
    });
  } catch (e) {
    ctx.post({
      type: 'error',
      runId: null,
      message: `Could not hand run ${msg.runId} to the worker: ${(e as Error).message}`,
    });
  }
}

/**
 * The run's training set; for an adopted run it is rebuilt once (the clean subset from the
 * seed, then its poison and data defence), reporting progress under `jobId`.
 */
export async function trainSetOf(
  rec: RunRecord,
  jobId: string,
  ctx: JobContext,
  shouldStop: () => boolean,
): Promise<ImageSet> {
  if (rec.trainSet) return rec.trainSet;
  const r = rec.rebuild ?? { poison: null, defence: null, surrogateRunId: null };
  const [train, test] = await loadSplits(ctx, rec.config.dataset, jobId);
  const clean = selectRunData(rec.config, train, test).train;
  const src = r.surrogateRunId ? ctx.runs.get(r.surrogateRunId) : undefined;
  if (r.poison && (r.poison.method === 'tap' || r.poison.method === 'sep') && !src)
    throw new Error(
      `rebuilding this ${r.poison.method} run's training set needs its clean run, which is not in the worker any more: reload the experiment, or measure on the clean test set`,
    );
  const prepared = await prepareTrainSet(
    clean,
    r,
    {
      shouldStop,
      onPoisonProgress: (fraction, detail) =>
        ctx.post({
          type: 'status',
          runId: jobId,
          stage: 'poisoning',
          detail: `rebuilding the run's training set: ${detail}`,
          fraction,
        }),
    },
    { ...(src ? { surrogate: surrogateOf(src) } : {}), ...(ctx.jpeg ? { jpeg: ctx.jpeg } : {}) },
  );
  rec.trainSet = prepared.set;
  return rec.trainSet;
}
