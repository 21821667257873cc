/**
 * The result of the cross-task experiment (issue 8): every task model trained on clean and on
 * poisoned images, per-head outcomes and UD. Plain data: the engine makes it, the worker posts
 * it, the store and the views read it, demo files hold it.
 */
import type { PoisonSummary } from './experiment-types';
import type { SurrogateModel } from './model-spec';
import type { SalSettings } from './sal-types';
import type { TaskRunResult } from './task-run-types';
import type { HeadTask, TaskId, TaskMetric } from './tasks';
import type { TrainConfig } from './train-config';
import type { UdResult } from './ud';

/** Clean or poisoned training images. */
export type CrossVariant = 'clean' | 'poisoned';

/** Which run a callback is about. */
export interface RunTag {
  task: TaskId;
  variant: CrossVariant;
}

/** One run of the experiment; `final` weights are left out to keep the result small. */
export type CrossTaskRun = Omit<TaskRunResult, 'final' | 'checkpoints'> & { variant: CrossVariant };

/** One head of one task model: clean vs poisoned test quality and its UD. */
export interface HeadOutcome {
  /** The model the head belongs to (`multi` for the shared-trunk model). */
  model: TaskId;
  head: HeadTask;
  metric: TaskMetric;
  /** Final clean-test accuracy (digits, rotation) or mean IoU (segmentation). */
  clean: number;
  /** The same after training on the poisoned images; null without a poison. */
  poisoned: number | null;
  /** UD of the trunk's SAL for this head, poisoned vs clean; null without poison or SAL. */
  ud: UdResult | null;
}

/** Everything the experiment measured (plain data, safe to postMessage). */
export interface CrossTaskResult {
  config: TrainConfig;
  poison: PoisonSummary | null;
  sal: SalSettings | null;
  /** The shared layers SAL and UD are measured on. */
  trunkLayers: string[];
  runs: CrossTaskRun[];
  outcomes: HeadOutcome[];
  /**
   * What guessing scores on the clean test set: 1/classes, 1/4, and the mean IoU of the best
   * input-independent mask (pixels foreground in most training masks).
   */
  chance: Record<HeadTask, number>;
  /**
   * The clean digits model under the zoo's names with its per-epoch checkpoints (the model TAP
   * and SEP attack); null when this call trained no clean digits run. Pass it and `runs` back
   * (opts.surrogate, opts.clean) to test another poison without retraining the clean side.
   */
  cleanDigits: SurrogateModel | null;
  seconds: number;
}
