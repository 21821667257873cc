/** Task data as resident tensors, batches of it, and the per-head losses and scores. */
import * as tf from '@tensorflow/tfjs-core';
import type { HeadTask, TaskData } from '../../core/tasks';
import { correctCount, crossEntropy } from '../models/forward';
import { headLogits, trunkFeatures, type TaskModel } from './task-model';

/**
 * What the heads of a model eat; only the fields its heads need are set. x and xRot [N, H, W, C]
 * float32 in [0, 1]; labels and rotation [N] int32; masks [N, H*W] float32 of 0/1.
 */
export interface TaskTensors {
  count: number;
  x?: tf.Tensor4D;
  xRot?: tf.Tensor4D;
  labels?: tf.Tensor1D;
  rotation?: tf.Tensor1D;
  masks?: tf.Tensor2D;
}

const scaled = (bytes: Uint8Array, d: TaskData) =>
  tf.tensor4d(
    Float32Array.from(bytes, (v) => v / 255),
    [d.count, d.height, d.width, d.channels],
  );

/** Tensors of `d` for the given heads (caller disposes with {@link disposeTaskTensors}). */
export function taskTensors(d: TaskData, heads: readonly HeadTask[]): TaskTensors {
  const out: TaskTensors = { count: d.count };
  if (heads.includes('digits') || heads.includes('segmentation')) out.x = scaled(d.images, d);
  if (heads.includes('digits')) out.labels = tf.tensor1d(Int32Array.from(d.labels), 'int32');
  if (heads.includes('segmentation'))
    out.masks = tf.tensor2d(Float32Array.from(d.masks), [d.count, d.height * d.width]);
  if (heads.includes('rotation')) {
    out.xRot = scaled(d.rotated, d);
    out.rotation = tf.tensor1d(Int32Array.from(d.rotation), 'int32');
  }
  return out;
}

/** Frees every tensor of `t`. */
export function disposeTaskTensors(t: TaskTensors): void {
  tf.dispose([t.x, t.xRot, t.labels, t.rotation, t.masks].filter((v) => v !== undefined));
}

/** The same rows of every tensor of `t`, taken by `rows` (inside the caller's tidy). */
function mapRows(t: TaskTensors, count: number, rows: (v: tf.Tensor) => tf.Tensor): TaskTensors {
  const out: TaskTensors = { count };
  if (t.x) out.x = rows(t.x) as tf.Tensor4D;
  if (t.xRot) out.xRot = rows(t.xRot) as tf.Tensor4D;
  if (t.labels) out.labels = rows(t.labels) as tf.Tensor1D;
  if (t.rotation) out.rotation = rows(t.rotation) as tf.Tensor1D;
  if (t.masks) out.masks = rows(t.masks) as tf.Tensor2D;
  return out;
}

/** Rows `ids` of every tensor of `t` (inside the caller's tidy). */
export function gatherBatch(t: TaskTensors, ids: tf.Tensor1D): TaskTensors {
  return mapRows(t, ids.shape[0], (v) => tf.gather(v, ids));
}

/** Rows [start, start + size) of every tensor of `t` (inside the caller's tidy). */
export function sliceBatch(t: TaskTensors, start: number, size: number): TaskTensors {
  return mapRows(t, size, (v) =>
    tf.slice(
      v,
      [start, ...Array<number>(v.rank - 1).fill(0)],
      [size, ...Array<number>(v.rank - 1).fill(-1)],
    ),
  );
}

function need<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`task batch has no ${what}`);
  return v;
}

/**
 * Logits of every head of `m` on batch `b`: digits and segmentation share one trunk pass on
 * the unrotated inputs, rotation runs the trunk on the rotated inputs.
 */
export function headLogitsAll(
  m: TaskModel,
  weights: readonly tf.Tensor[],
  b: TaskTensors,
  fused = false,
): Map<HeadTask, tf.Tensor2D> {
  const out = new Map<HeadTask, tf.Tensor2D>();
  let plain: tf.Tensor2D | null = null;
  for (const head of m.heads) {
    let feats: tf.Tensor2D;
    if (head.task === 'rotation') feats = trunkFeatures(m, weights, need(b.xRot, 'xRot'), fused);
    else feats = plain ??= trunkFeatures(m, weights, need(b.x, 'x'), fused);
    out.set(head.task, headLogits(m, head, weights, feats, fused));
  }
  return out;
}

/**
 * Mean binary cross-entropy of per-pixel logits z against 0/1 targets t, in the stable form
 * max(z, 0) - z t + log(1 + exp(-|z|)).
 */
export function sigmoidBce(z: tf.Tensor2D, t: tf.Tensor2D): tf.Scalar {
  return tf.mean(
    tf.add(tf.sub(tf.relu(z), tf.mul(z, t)), tf.log1p(tf.exp(tf.neg(tf.abs(z))))),
  ) as tf.Scalar;
}

/**
 * Weight of the segmentation loss. The mask head is one dense layer to h*w logits with a
 * per-pixel sigmoid (the smallest per-pixel head on the zoo's flat trunk features; no decoder,
 * so the trunk is the only thing the tasks share), trained with the mean BCE over pixels. That
 * mean gives each of its 784 logits 1/784 of the gradient a class logit gets, so at the
 * classification rate it barely moves. Measured (cnn-s, 1,000 MNIST images, 3 epochs, clean
 * test IoU): mean BCE at lr 0.05 reached 0.17 after 2 epochs; at lr 1.0, 0.61; at lr 2.0,
 * 0.61; at lr 4.0 it broke down (0.14). Weighting the loss by 20 gives the lr 1.0 step at the
 * shared lr 0.05, so the summed multi-task loss keeps the three heads on one scale.
 */
export const SEGMENTATION_LOSS_WEIGHT = 20;

/**
 * The task's own loss, unweighted: cross-entropy for digits and rotation, the mean per-pixel
 * BCE for the mask. SAL steps on and reports this one (task-sal.ts), so its lr means what it
 * says for every head (docs/science.md section 7).
 */
export function taskLoss(task: HeadTask, logits: tf.Tensor2D, b: TaskTensors): tf.Scalar {
  switch (task) {
    case 'digits':
      return crossEntropy(logits, need(b.labels, 'labels'));
    case 'rotation':
      return crossEntropy(logits, need(b.rotation, 'rotation'));
    case 'segmentation':
      return sigmoidBce(logits, need(b.masks, 'masks'));
    default: {
      const never: never = task;
      throw new Error(`unknown task ${String(never)}`);
    }
  }
}

/**
 * The training loss of one head: {@link taskLoss}, times SEGMENTATION_LOSS_WEIGHT for the mask
 * (training only; reported training losses are in these units).
 */
export function headLoss(task: HeadTask, logits: tf.Tensor2D, b: TaskTensors): tf.Scalar {
  const loss = taskLoss(task, logits, b);
  return task === 'segmentation' ? tf.mul(loss, SEGMENTATION_LOSS_WEIGHT) : loss;
}

/**
 * Summed score of a batch: correct predictions (digits, rotation) or the sum of per-image IoU
 * of the mask {logit > 0} (sigmoid > 0.5) against the target; an image whose prediction and
 * target are both empty scores 1. Divide by the count for the mean.
 */
export function headScore(task: HeadTask, logits: tf.Tensor2D, b: TaskTensors): tf.Scalar {
  if (task === 'digits') return tf.cast(correctCount(logits, need(b.labels, 'labels')), 'float32');
  if (task === 'rotation')
    return tf.cast(correctCount(logits, need(b.rotation, 'rotation')), 'float32');
  const t = need(b.masks, 'masks');
  const p = tf.cast(tf.greater(logits, 0), 'float32');
  const inter = tf.sum(tf.mul(p, t), 1);
  const union = tf.sum(tf.maximum(p, t), 1);
  const empty = tf.equal(union, 0);
  return tf.sum(tf.where(empty, tf.onesLike(union), tf.div(inter, tf.maximum(union, 1))));
}
