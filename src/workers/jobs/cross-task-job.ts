/**
 * The cross-task job of the worker: one poison made against digit classification, every task
 * model trained on clean and on poisoned images, per-task SAL and UD. The clean runs of a
 * configuration are kept, so trying another poison retrains only the poisoned side.
 */
import type { CrossTaskResult, CrossTaskRun } from '../../core/cross-task-types';
import type { SurrogateModel } from '../../core/model-spec';
import { runCrossTask } from '../../ml/tasks/cross-task';
import { CancelledError } from '../../ml/train/train-loop';
import { selectRunData } from '../../ml/train/run-training';
import type { CrossTaskCommand } from '../protocol';
import { loadSplits, type JobContext } from './job-context';

/** A clean digits model (TAP / SEP attack it) and the clean runs of one configuration. */
interface CleanSide {
  runs: CrossTaskRun[];
  surrogate: SurrogateModel | null;
}

/** Clean sides by configuration (a few; oldest dropped first). */
const MAX_CLEAN = 4;

export class CrossTaskJobs {
  private readonly clean = new Map<string, CleanSide>();

  /** Runs one job; throws CancelledError when stopped. */
  async run(msg: CrossTaskCommand, ctx: JobContext, shouldStop: () => boolean): Promise<void> {
    const { config } = msg;
    const { post } = ctx;
    const [train, test] = await loadSplits(ctx, config.dataset, msg.runId);
    if (shouldStop()) throw new CancelledError();
    const data = selectRunData(config, train, test);
    const key = JSON.stringify([msg.config, msg.sal]);
    const cached = this.clean.get(key);
    const result: CrossTaskResult = await runCrossTask(
      { config: msg.config, poison: msg.poison, sal: msg.sal },
      data,
      {
        shouldStop,
        onStage: (stage, tag, detail, fraction) =>
          post({
            type: 'status',
            runId: msg.runId,
            stage,
            detail: tag ? `${tag.task} model, ${tag.variant} images: ${detail}` : detail,
            fraction,
          }),
      },
      cached
        ? { clean: cached.runs, ...(cached.surrogate ? { surrogate: cached.surrogate } : {}) }
        : {},
    );
    if (!cached) {
      this.clean.set(key, {
        runs: result.runs.filter((r) => r.variant === 'clean'),
        surrogate: result.cleanDigits,
      });
      while (this.clean.size > MAX_CLEAN) this.clean.delete(this.clean.keys().next().value!);
    }
    // The surrogate's weights stay here: the app draws from metrics, SAL and outcomes.
    post({ type: 'cross-task', runId: msg.runId, result: { ...result, cleanDigits: null } });
  }
}
