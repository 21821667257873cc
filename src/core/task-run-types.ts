/**
 * Records of one task run (digits, rotation, segmentation or the multi-task model): per-head
 * metrics after each epoch, per-head SAL rows of the shared trunk, and the finished run. The
 * engine makes them; the cross-task result carries them to the worker, store and CLI.
 */
import type { SalRecord, SalRow } from './sal-types';
import type { HeadTask, TaskId } from './tasks';
import type { WeightSnapshot } from './weights';

/** Per-head figures: loss and score (accuracy or mean IoU), keyed by head task. */
export type PerHead = Partial<Record<HeadTask, number>>;

/** Metrics after one epoch. Train figures are running means over the epoch. */
export interface TaskEpochMetrics {
  epoch: number;
  /** Summed loss of all heads (the loss that was minimised). */
  trainLoss: number;
  trainLossByHead: PerHead;
  /** Accuracy (digits, rotation) or mean IoU (segmentation) on the training batches. */
  trainScore: PerHead;
  testLoss: PerHead;
  /** Accuracy (digits, rotation) or mean IoU (segmentation) on the clean test set. */
  testScore: PerHead;
  seconds: number;
  examplesPerSec: number;
}

/** SAL of the trunk layers for one head after one epoch. */
export type TaskSalRow = SalRow & { head: HeadTask };

/** A finished task run (plain data, safe to postMessage). */
export interface TaskRunResult {
  task: TaskId;
  lr: number;
  heads: HeadTask[];
  trunkLayers: string[];
  metrics: TaskEpochMetrics[];
  /** Per head: SAL of the trunk layers after every epoch (absent without SAL settings). */
  sal: Partial<Record<HeadTask, SalRecord>>;
  /** Final weights (task model names; see ml/tasks/task-model.ts). */
  final: WeightSnapshot;
  /** Weights after every epoch (epoch 0 = init) when `keepCheckpoints`. */
  checkpoints?: WeightSnapshot[];
  seconds: number;
}
