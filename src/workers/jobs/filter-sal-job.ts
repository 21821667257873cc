/**
 * The per-filter SAL job of the worker (the drill-down): SAL of every output filter of one
 * layer at one epoch of a finished run, measured on that run's own training set.
 */
import { toTensors } from '../../ml/data/tensors';
import { firstImages } from '../../ml/experiment/run-experiment';
import { salPerFilter } from '../../ml/sal/sal';
import type { FilterSalCommand } from '../protocol';
import { trainSetOf } from './adopted-run';
import type { JobContext } from './job-context';

/** Runs one drill-down; throws CancelledError when stopped. */
export async function runFilterSalJob(
  msg: FilterSalCommand,
  ctx: JobContext,
  shouldStop: () => boolean,
): Promise<void> {
  const rec = ctx.runs.require(msg.sourceRunId, 'to drill down');
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
  const trainSet = await trainSetOf(rec, msg.runId, ctx, shouldStop);
  const data = toTensors(firstImages(trainSet, msg.settings.subsetSize));
  try {
    const r = await salPerFilter(rec.spec, weights, msg.layer, data, msg.settings, {
      shouldStop,
      onProgress: (done, total) =>
        ctx.post({
          type: 'status',
          runId: msg.runId,
          stage: 'sal',
          detail: `per-filter SAL of ${msg.layer}, epoch ${msg.epoch}`,
          fraction: done / total,
        }),
    });
    ctx.post({
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
