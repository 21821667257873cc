/**
 * The cross-task setting (docs/science.md section 6; issue 8): tasks on the same images, and their
 * targets. Targets always come from the CLEAN images, so a poison can only act through the
 * inputs: the question is whether an input perturbation made against digit classification
 * also stops a model from learning rotation or the digit's shape. Pure, no tfjs.
 */
import type { ImageSet } from './dataset';
import { Rng, deriveSeed } from './rng';

/** Task ids: three heads and the multi-task model that has all three. */
export const TASKS = ['digits', 'rotation', 'segmentation', 'multi'] as const;
/** One of {@link TASKS}. */
export type TaskId = (typeof TASKS)[number];
/** The tasks a head can solve (every task but `multi`, which is all three). */
export const HEAD_TASKS = ['digits', 'rotation', 'segmentation'] as const;
/** One of {@link HEAD_TASKS}. */
export type HeadTask = (typeof HEAD_TASKS)[number];

/** How a head task is scored on the clean test set. */
export type TaskMetric = 'acc' | 'iou';

/** Display and reporting facts of a head task. */
export interface HeadTaskInfo {
  label: string;
  metric: TaskMetric;
  /** e.g. "test accuracy". */
  metricLabel: string;
  /** Key of the clean test metric in `salscape train --task ... --json`, e.g. `rotationTestAcc`. */
  jsonKey: string;
  /** Score of guessing: 1/classes for accuracy; for IoU see {@link constantMaskIoU}. */
  chance: (numClasses: number) => number | null;
}

/** Facts of the three head tasks. */
export const HEAD_TASK_INFO: Record<HeadTask, HeadTaskInfo> = {
  digits: {
    label: 'Digit classification',
    metric: 'acc',
    metricLabel: 'test accuracy',
    jsonKey: 'digitsTestAcc',
    chance: (c) => 1 / c,
  },
  rotation: {
    label: 'Rotation (0/90/180/270\u00b0)',
    metric: 'acc',
    metricLabel: 'test accuracy',
    jsonKey: 'rotationTestAcc',
    chance: () => 1 / ROTATIONS,
  },
  segmentation: {
    label: 'Foreground segmentation',
    metric: 'iou',
    metricLabel: 'test IoU',
    jsonKey: 'segmentationTestIoU',
    chance: () => null,
  },
};

/** Labels of the four task models. */
export const TASK_LABELS: Record<TaskId, string> = {
  digits: HEAD_TASK_INFO.digits.label,
  rotation: HEAD_TASK_INFO.rotation.label,
  segmentation: HEAD_TASK_INFO.segmentation.label,
  multi: 'Multi-task (shared trunk, three heads, summed losses)',
};

/** True when `id` names a task. */
export function isTaskId(id: string): id is TaskId {
  return (TASKS as readonly string[]).includes(id);
}

/** The heads of a task model: one, or all three for `multi`. */
export function headsOf(task: TaskId): HeadTask[] {
  return task === 'multi' ? [...HEAD_TASKS] : [task];
}

/** Number of rotation classes (k * 90 degrees, k = 0..3). */
export const ROTATIONS = 4;

/**
 * Foreground threshold as a fraction of full scale: a pixel belongs to the digit when its
 * clean value is above half of white. MNIST strokes are near 255 with a one-pixel
 * anti-aliased rim; the midpoint splits that rim evenly, so the mask neither swells nor
 * thins the stroke (measured on the 2,000-image default MNIST subset: 19.4% of pixels are > 0, 13.4% > 0.5,
 * 7.5% >= 250).
 */
export const FOREGROUND_THRESHOLD = 0.5;

/**
 * An image turned by k * 90 degrees counter-clockwise (numpy's rot90 on the first two axes).
 * `src` is one HWC image; for odd k the result is w x h. Returns the same array type.
 */
export function rotateImage<T extends Uint8Array | Float32Array>(
  src: T,
  h: number,
  w: number,
  c: number,
  k: number,
): T {
  if (src.length !== h * w * c)
    throw new Error(`rotateImage: ${src.length} values do not fit ${h}x${w}x${c}`);
  const kk = (((k % 4) + 4) % 4) as 0 | 1 | 2 | 3;
  const out = (
    src instanceof Uint8Array ? new Uint8Array(src.length) : new Float32Array(src.length)
  ) as T;
  const oh = kk % 2 === 0 ? h : w;
  const ow = kk % 2 === 0 ? w : h;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      // Source pixel of output (i, j) for a counter-clockwise turn.
      let si: number;
      let sj: number;
      if (kk === 0) [si, sj] = [i, j];
      else if (kk === 1) [si, sj] = [j, w - 1 - i];
      else if (kk === 2) [si, sj] = [h - 1 - i, w - 1 - j];
      else [si, sj] = [h - 1 - j, i];
      for (let ch = 0; ch < c; ch++) out[(i * ow + j) * c + ch] = src[(si * w + sj) * c + ch]!;
    }
  }
  return out;
}

/** A seeded rotation class k in 0..3 per image: n bytes. */
export function rotationTargets(n: number, seed: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`rotationTargets: n must be a non-negative integer, got ${n}`);
  const rng = new Rng(deriveSeed(seed, 'task/rotation'));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(ROTATIONS);
  return out;
}

/**
 * The 0/1 foreground mask of clean images (bytes, any count of HWC images): 1 where the pixel
 * is above `threshold` of full scale (averaged over channels), one byte per pixel.
 */
export function foregroundMask(
  clean: Uint8Array,
  channels = 1,
  threshold = FOREGROUND_THRESHOLD,
): Uint8Array {
  if (!(threshold >= 0 && threshold < 1))
    throw new Error(`foregroundMask: threshold must be in [0, 1), got ${threshold}`);
  if (clean.length % channels !== 0)
    throw new Error(`foregroundMask: ${clean.length} bytes are not a multiple of ${channels}`);
  const pixels = clean.length / channels;
  const out = new Uint8Array(pixels);
  const cut = threshold * 255 * channels;
  for (let p = 0; p < pixels; p++) {
    let s = 0;
    for (let ch = 0; ch < channels; ch++) s += clean[p * channels + ch]!;
    out[p] = s > cut ? 1 : 0;
  }
  return out;
}

/** Intersection over union of two 0/1 masks of one image; 1 when both are empty. */
export function iou(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  if (pred.length !== target.length)
    throw new Error(`iou: masks of ${pred.length} and ${target.length} pixels`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < pred.length; i++) {
    const a = pred[i]! > 0;
    const b = target[i]! > 0;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** Mean per-image IoU of `count` masks laid end to end (the segmentation test metric). */
export function meanIou(pred: ArrayLike<number>, target: ArrayLike<number>, count: number): number {
  if (count < 1 || pred.length !== target.length || pred.length % count !== 0)
    throw new Error(`meanIou: ${pred.length} and ${target.length} values for ${count} masks`);
  const per = pred.length / count;
  let s = 0;
  for (let n = 0; n < count; n++) {
    let inter = 0;
    let union = 0;
    for (let i = n * per; i < (n + 1) * per; i++) {
      const a = pred[i]! > 0;
      const b = target[i]! > 0;
      if (a && b) inter++;
      if (a || b) union++;
    }
    s += union === 0 ? 1 : inter / union;
  }
  return s / count;
}

/**
 * The segmentation baseline a model must beat: the mean IoU on `test` of the one fixed mask
 * "pixels that are foreground in more than half of `train`'s masks" (what a head that ignores
 * its input would learn). Masks are `count` x pixels bytes.
 */
export function constantMaskIoU(train: Uint8Array, test: Uint8Array, pixels: number): number {
  const nTrain = train.length / pixels;
  const nTest = test.length / pixels;
  const votes = new Float64Array(pixels);
  for (let n = 0; n < nTrain; n++)
    for (let p = 0; p < pixels; p++) votes[p]! += train[n * pixels + p]!;
  const fixed = Uint8Array.from(votes, (v) => (v > nTrain / 2 ? 1 : 0));
  const pred = new Uint8Array(test.length);
  for (let n = 0; n < nTest; n++) pred.set(fixed, n * pixels);
  return meanIou(pred, test, nTest);
}

/**
 * Inputs and targets of every task for one set of images. Inputs are the given (possibly
 * poisoned) bytes; targets are derived from the matching clean images only.
 */
export interface TaskData {
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  /** Inputs of digits and segmentation: the given images, unrotated, HWC bytes. */
  images: Uint8Array;
  /** Digit labels, from the clean set. */
  labels: Uint8Array;
  /** Inputs of rotation: image i turned by rotation[i] * 90 degrees counter-clockwise. */
  rotated: Uint8Array;
  /** Rotation class per image, 0..3 (seeded). */
  rotation: Uint8Array;
  /** Foreground mask of the clean, unrotated image: count x height x width bytes of 0/1. */
  masks: Uint8Array;
}

/**
 * Task data from `inputs` (poisoned, or the clean set itself) and the matching `clean` set
 * (same images in the same order): inputs stay as given (rotation turns them by the seeded
 * k), digit labels, rotation classes and masks come from `clean`. Segmentation uses unrotated
 * images. Images must be square so every rotation keeps the shape.
 */
export function buildTaskData(
  inputs: ImageSet,
  clean: ImageSet,
  seed: number,
  threshold = FOREGROUND_THRESHOLD,
): TaskData {
  const { count, height: h, width: w, channels: c } = clean;
  if (inputs.count !== count || inputs.height !== h || inputs.width !== w || inputs.channels !== c)
    throw new Error(
      `buildTaskData: inputs are ${inputs.count}x${inputs.height}x${inputs.width}x${inputs.channels} ` +
        `but the clean set is ${count}x${h}x${w}x${c}`,
    );
  if (h !== w) throw new Error(`buildTaskData: rotation needs square images, got ${h}x${w}`);
  const per = h * w * c;
  const rotation = rotationTargets(count, seed);
  const rotated = new Uint8Array(count * per);
  for (let n = 0; n < count; n++) {
    const img = inputs.images.subarray(n * per, (n + 1) * per);
    rotated.set(rotateImage(img, h, w, c, rotation[n]!), n * per);
  }
  return {
    count,
    height: h,
    width: w,
    channels: c,
    numClasses: clean.numClasses,
    images: inputs.images,
    labels: clean.labels,
    rotated,
    rotation,
    masks: foregroundMask(clean.images, c, threshold),
  };
}
