/**
 * The cross-task experiment (issue 8): one poisoned training set (poisoned against digit
 * classification), every task model trained on the clean and on the poisoned images (the same
 * poisoned bytes for every task, targets always from the clean images, the clean test set),
 * per-head SAL of the shared trunk after every epoch and per-head UD against the same head's
 * clean run. The worker, the CLI bench and tests call {@link runCrossTask}.
 */
import { type ImageSet } from '../../core/dataset';
import {
  POISON_METHODS,
  resolvePoisonSettings,
  type PoisonSettings,
} from '../../core/poison-types';
import { deriveSeed } from '../../core/rng';
import type { SalSettings } from '../../core/sal-types';
import {
  buildTaskData,
  constantMaskIoU,
  HEAD_TASK_INFO,
  ROTATIONS,
  TASKS,
  type HeadTask,
  type TaskData,
  type TaskId,
} from '../../core/tasks';
import type { TrainConfig } from '../../core/train-config';
import type { WeightSnapshot } from '../../core/weights';
import { unlearnableDistance } from '../../core/ud';
import type {
  CrossTaskResult,
  CrossTaskRun,
  CrossVariant,
  HeadOutcome,
  RunTag,
} from '../../core/cross-task-types';
import { poisonSummary, type PoisonSummary } from '../../core/experiment-types';
import type { SurrogateModel } from '../../core/model-spec';
import type { TaskEpochMetrics, TaskSalRow } from '../../core/task-run-types';
import { getPoison } from '../poisons';
import { buildTaskModel, digitsAsZooSnapshot } from './task-model';
import { runTask, type TaskRunHooks } from './task-run';
import type { TaskStepProgress } from './task-train';

/** What to run. */
export interface CrossTaskSpec {
  config: TrainConfig;
  /** The poison (made against digit classification); null runs the clean side only. */
  poison: PoisonSettings | null;
  /** Per-epoch SAL settings; null skips SAL and UD. */
  sal: SalSettings | null;
  /** Task models to train (default: all four, in TASKS order). */
  tasks?: readonly TaskId[];
  /** Learning rate per task model (default: {@link taskLr}). */
  lr?: Partial<Record<TaskId, number>>;
  /** Foreground threshold of the masks (default FOREGROUND_THRESHOLD). */
  threshold?: number;
}

/** Callbacks: progress, per-epoch metrics and SAL, the poison, stages, cancel. */
export interface CrossTaskHooks {
  /** 'poisoning' once, then 'training' / 'sal' per run; fraction in [0, 1] of that stage. */
  onStage?: (
    stage: 'poisoning' | 'training' | 'sal',
    tag: RunTag | null,
    detail: string,
    fraction: number,
  ) => void;
  onProgress?: (tag: RunTag, p: TaskStepProgress) => void;
  onEpoch?: (tag: RunTag, m: TaskEpochMetrics) => void;
  onSal?: (tag: RunTag, row: TaskSalRow) => void;
  onPoison?: (summary: PoisonSummary) => void;
  shouldStop?: () => boolean;
}

const HEAD_ORDER: Record<HeadTask, number> = { digits: 0, rotation: 1, segmentation: 2 };

/**
 * Runs the experiment on already-selected subsets (see train/run-training.ts selectRunData).
 * Clean runs first: the clean digits model is the surrogate TAP and SEP attack, unless
 * `opts.surrogate` is given. Frees every tensor it made, also on error or cancel.
 */
export async function runCrossTask(
  spec: CrossTaskSpec,
  data: { train: ImageSet; test: ImageSet },
  hooks: CrossTaskHooks = {},
  opts: {
    surrogate?: SurrogateModel;
    /** Finished clean runs of the same config and data (from an earlier result): not retrained. */
    clean?: readonly CrossTaskRun[];
  } = {},
): Promise<CrossTaskResult> {
  const t0 = performance.now();
  const { config } = spec;
  const tasks = [...(spec.tasks ?? TASKS)].sort((a, b) => TASKS.indexOf(a) - TASKS.indexOf(b));
  if (tasks.length === 0) throw new Error('cross-task: no task selected');
  // Fail early on a model without a trunk.
  const trunkLayers = buildTaskModel(
    config.model,
    'digits',
    shapeOf(data.train),
    data.train.numClasses,
  ).trunkLayers;
  const trainSeed = deriveSeed(config.seed, 'task/train');
  const test = buildTaskData(
    data.test,
    data.test,
    deriveSeed(config.seed, 'task/test'),
    spec.threshold,
  );
  const cleanTrain = buildTaskData(data.train, data.train, trainSeed, spec.threshold);
  const runs: CrossTaskRun[] = [];
  const method = spec.poison ? resolvePoisonSettings(spec.poison).method : null;
  let surrogate = opts.surrogate;

  const run = async (task: TaskId, variant: CrossVariant, train: TaskData, keep: boolean) => {
    const tag = { task, variant };
    const label = `${task} (${variant})`;
    const runHooks: TaskRunHooks = {
      onProgress: (p) => {
        hooks.onProgress?.(tag, p);
        hooks.onStage?.('training', tag, label, (p.epoch - 1 + p.step / p.steps) / config.epochs);
      },
      onEpoch: (m) => hooks.onEpoch?.(tag, m),
      onSalProgress: (epoch, f) =>
        hooks.onStage?.('sal', tag, `SAL of ${label} after epoch ${epoch}`, f),
      onSal: (row) => hooks.onSal?.(tag, row),
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
    };
    const lr = spec.lr?.[task];
    const r = await runTask({
      task,
      config,
      train,
      test,
      sal: spec.sal,
      keepCheckpoints: keep,
      hooks: runHooks,
      ...(lr !== undefined ? { lr } : {}),
    });
    const { final, checkpoints, ...rest } = r;
    runs.push({ ...rest, variant });
    return { final, checkpoints };
  };

  const wantsSurrogate = method !== null && POISON_METHODS[method].needsCleanModel;
  const toSurrogate = (w: { final: WeightSnapshot; checkpoints?: WeightSnapshot[] }) => {
    const m = buildTaskModel(config.model, 'digits', shapeOf(data.train), data.train.numClasses);
    return {
      spec: m.base,
      weights: digitsAsZooSnapshot(m, w.final),
      checkpoints: (w.checkpoints ?? []).slice(1).map((c) => digitsAsZooSnapshot(m, c)),
    };
  };
  let cleanDigits: SurrogateModel | null = null;
  if (opts.clean) {
    for (const task of tasks) {
      const r = opts.clean.find((x) => x.task === task && x.variant === 'clean');
      if (!r) throw new Error(`cross-task: the given clean runs have no ${task} run`);
      runs.push(r);
    }
  } else {
    for (const task of tasks) {
      // The clean digits model is kept whole: it is the model TAP and SEP attack.
      const w = await run(task, 'clean', cleanTrain, task === 'digits');
      if (task === 'digits') cleanDigits = toSurrogate(w);
    }
  }
  surrogate ??= cleanDigits ?? undefined;

  let poison: PoisonSummary | null = null;
  if (spec.poison) {
    if (wantsSurrogate && !surrogate) {
      // No digits run to attack: train one, clean, without SAL.
      const w = await runTask({
        task: 'digits',
        config,
        train: cleanTrain,
        test,
        sal: null,
        keepCheckpoints: true,
      });
      const m = buildTaskModel(config.model, 'digits', shapeOf(data.train), data.train.numClasses);
      surrogate = {
        spec: m.base,
        weights: digitsAsZooSnapshot(m, w.final),
        checkpoints: (w.checkpoints ?? []).slice(1).map((c) => digitsAsZooSnapshot(m, c)),
      };
    }
    const settings = resolvePoisonSettings(spec.poison);
    const r = await getPoison(settings.method).generate(data.train, settings, {
      onProgress: (f, detail) => hooks.onStage?.('poisoning', null, detail, f),
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
      ...(surrogate ? { surrogate } : {}),
    });
    poison = poisonSummary(r);
    hooks.onPoison?.(poison);
    const poisonedTrain = buildTaskData(r.poisoned, data.train, trainSeed, spec.threshold);
    for (const task of tasks) await run(task, 'poisoned', poisonedTrain, false);
  }

  return {
    config,
    poison,
    sal: spec.sal,
    trunkLayers,
    runs,
    outcomes: outcomesOf(runs),
    chance: {
      digits: HEAD_TASK_INFO.digits.chance(data.train.numClasses) ?? 0,
      rotation: 1 / ROTATIONS,
      segmentation: constantMaskIoU(cleanTrain.masks, test.masks, test.height * test.width),
    },
    cleanDigits,
    seconds: (performance.now() - t0) / 1000,
  };
}

const shapeOf = (s: ImageSet): [number, number, number] => [s.height, s.width, s.channels];

/** Final test scores per head and UD per head from the finished runs. */
export function outcomesOf(runs: readonly CrossTaskRun[]): HeadOutcome[] {
  const out: HeadOutcome[] = [];
  for (const clean of runs.filter((r) => r.variant === 'clean')) {
    const poisoned = runs.find((r) => r.variant === 'poisoned' && r.task === clean.task);
    for (const head of clean.heads) {
      const last = (r: CrossTaskRun) => r.metrics[r.metrics.length - 1]?.testScore[head] ?? NaN;
      const sc = clean.sal[head];
      const sp = poisoned?.sal[head];
      out.push({
        model: clean.task,
        head,
        metric: HEAD_TASK_INFO[head].metric,
        clean: last(clean),
        poisoned: poisoned ? last(poisoned) : null,
        ud: sc && sp && sc.values.length > 0 ? unlearnableDistance(sc.values, sp.values) : null,
      });
    }
  }
  return out.sort(
    (a, b) =>
      TASKS.indexOf(a.model) - TASKS.indexOf(b.model) || HEAD_ORDER[a.head] - HEAD_ORDER[b.head],
  );
}
