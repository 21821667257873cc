/**
 * One task run from a configuration: the task model, its seeded init, training on given task
 * data with the clean test set, and per-head SAL of the trunk after every epoch. The CLI's
 * `train --task` and the cross-task experiment both call this.
 */
import {
  emptySalRecord,
  pushSalRow,
  salRowOf,
  type SalRecord,
  type SalSettings,
} from '../../core/sal-types';
import type { TaskEpochMetrics, TaskRunResult, TaskSalRow } from '../../core/task-run-types';
import type { HeadTask, TaskData, TaskId } from '../../core/tasks';
import type { TrainConfig } from '../../core/train-config';
import type { WeightSnapshot } from '../../core/weights';
import { disposeTaskTensors, taskTensors } from './task-data';
import { buildTaskModel, initTaskWeights, type TaskModel } from './task-model';
import { taskSal } from './task-sal';
import { trainTask, type TaskStepProgress } from './task-train';

/**
 * Learning rate of a task when none is given: the configuration's, capped where measurement
 * showed training stall or break down (MNIST, clean test figures):
 * - multi (any model) at most 0.01: the summed loss of three heads drives the shared trunk
 *   harder. cnn-s, 1,000 images, 3 epochs: at 0.05 it fell to chance on digits (0.10) and
 *   rotation (0.23), at 0.02 it reached 0.75 / 0.79 / IoU 0.37; but at the default 2,000
 *   images and 4 epochs 0.02 broke down too (0.10 / 0.27 / 0.14, `npm run bench:crosstask`),
 *   while 0.01 reached 0.917 / 0.863 / IoU 0.61 and 0.005 0.833 / 0.848 / 0.53
 *   (`salscape train --task multi --lr L --json`).
 * - vgg-s rotation, segmentation and multi at most 0.01. Rotation: the PyTorch
 *   measurement (vgg-s at 0.05 stayed at chance, clean data included; 0.01 learned it); here,
 *   2,000 images, 3 epochs: 0.61 at 0.01, 0.67 at 0.02. Segmentation: 0.16 IoU at 0.05 (the
 *   constant-mask level is 0.11), 0.45 at 0.01, 0.20 at 0.002.
 */
export function taskLr(config: TrainConfig, task: TaskId): number {
  if (config.model === 'vgg-s' && task !== 'digits') return Math.min(config.lr, 0.01);
  if (task === 'multi') return Math.min(config.lr, 0.01);
  return config.lr;
}

/** Callbacks of a task run. */
export interface TaskRunHooks {
  onProgress?: (p: TaskStepProgress) => void;
  onEpoch?: (m: TaskEpochMetrics, checkpoint: WeightSnapshot) => void | Promise<void>;
  onSalProgress?: (epoch: number, fraction: number) => void;
  onSal?: (row: TaskSalRow) => void;
  shouldStop?: () => boolean;
}

/**
 * Trains the `task` model of `config.model` on `train` (inputs as given, targets from the clean
 * images) and evaluates on `test` after every epoch; with `sal`, measures per-head SAL of the
 * trunk on the first `sal.subsetSize` training rows after every epoch. Frees every tensor.
 */
export async function runTask(o: {
  task: TaskId;
  config: TrainConfig;
  train: TaskData;
  test: TaskData;
  sal: SalSettings | null;
  lr?: number;
  keepCheckpoints?: boolean;
  hooks?: TaskRunHooks;
}): Promise<TaskRunResult> {
  const { task, config } = o;
  const hooks = o.hooks ?? {};
  const model: TaskModel = buildTaskModel(
    config.model,
    task,
    [o.train.height, o.train.width, o.train.channels],
    o.train.numClasses,
  );
  const heads = model.heads.map((h) => h.task);
  const lr = o.lr ?? taskLr(config, task);
  const train = taskTensors(o.train, heads);
  const test = taskTensors(o.test, heads);
  const sal: Partial<Record<HeadTask, SalRecord>> = {};
  if (o.sal) for (const h of heads) sal[h] = emptySalRecord(o.sal, model.trunkLayers);
  const t0 = performance.now();
  try {
    const r = await trainTask({
      model,
      init: initTaskWeights(model, config.seed),
      train,
      test,
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
      lr,
      momentum: config.momentum,
      weightDecay: config.weightDecay,
      ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
      onEpoch: async (m, ckpt) => {
        await hooks.onEpoch?.(m, ckpt);
        if (!o.sal) return;
        for (const [hi, h] of heads.entries()) {
          const ts = performance.now();
          const s = await taskSal(model, ckpt, h, train, o.sal, {
            onProgress: (done, total) =>
              hooks.onSalProgress?.(m.epoch, (hi + done / total) / heads.length),
            ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
          });
          const row: TaskSalRow = {
            ...salRowOf(m.epoch, s, (performance.now() - ts) / 1000),
            head: h,
          };
          pushSalRow(sal[h]!, row);
          hooks.onSal?.(row);
        }
      },
    });
    const final = r.checkpoints[r.checkpoints.length - 1]!;
    return {
      task,
      lr,
      heads,
      trunkLayers: model.trunkLayers,
      metrics: r.metrics,
      sal,
      final,
      ...(o.keepCheckpoints ? { checkpoints: r.checkpoints } : {}),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    disposeTaskTensors(train);
    disposeTaskTensors(test);
  }
}
