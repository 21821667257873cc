/**
 * The finished runs the worker keeps for later jobs: TAP / SEP attack a clean run's model,
 * drill-downs and landscapes read a run's checkpoints and training set. A few dozen at most,
 * oldest dropped first; their results live in the app too.
 */
import type { ImageSet } from '../../core/dataset';
import type { ModelSpec, SurrogateModel } from '../../core/model-spec';
import type { TrainConfig } from '../../core/train-config';
import type { WeightSnapshot } from '../../core/weights';
import type { TrainSetRecipe } from '../../ml/experiment/prepare-train-set';

/** A finished run kept for later jobs. */
export interface RunRecord {
  spec: ModelSpec;
  config: TrainConfig;
  checkpoints: WeightSnapshot[];
  /** Null for an adopted run until a job needs it (then rebuilt from `rebuild`). */
  trainSet: ImageSet | null;
  rebuild?: Required<TrainSetRecipe> & { surrogateRunId: string | null };
}

/** Finished runs kept in memory (oldest dropped first). */
const MAX_RECORDS = 24;

export class RunRecords {
  private readonly records = new Map<string, RunRecord>();

  get(runId: string): RunRecord | undefined {
    return this.records.get(runId);
  }

  delete(runId: string): void {
    this.records.delete(runId);
  }

  /** The run `runId`; throws, saying what to do, when it is gone (`why`: what it was for). */
  require(runId: string, why: string): RunRecord {
    const rec = this.records.get(runId);
    if (!rec)
      throw new Error(`run ${runId} is not in this session any more: train it again ${why}`);
    return rec;
  }

  /** Keeps a run as the newest, dropping the oldest beyond the limit. */
  keep(runId: string, rec: RunRecord): void {
    this.records.delete(runId);
    this.records.set(runId, rec);
    while (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value!);
  }
}

/** A kept clean run as the model TAP / SEP attack: its final weights and the checkpoints after init. */
export function surrogateOf(rec: RunRecord): SurrogateModel {
  return {
    spec: rec.spec,
    weights: rec.checkpoints[rec.checkpoints.length - 1]!,
    checkpoints: rec.checkpoints.slice(1),
  };
}
