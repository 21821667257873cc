/**
 * SAL of the shared trunk layers measured with one head's own loss (issue 8, item 3): the
 * procedure of docs/science.md section 2 and sal/sal.ts (descent and ascent copies of one kernel,
 * K rounds of plain SGD over the data in stored order, projection onto the eps-ball, running
 * max / min from L0 in inference mode, the same L0 departure), with the task's loss in place
 * of cross-entropy: CE for digits and rotation, the mean per-pixel BCE for segmentation.
 *
 * Unweighted on purpose: training multiplies the mask's BCE by SEGMENTATION_LOSS_WEIGHT (20)
 * so its head learns at the shared rate, but a SAL step on that loss would be a step of 20 lr
 * on the BCE (2.0 where the settings say 0.1). SAL steps on, and reports, the unweighted loss,
 * so the printed lr is the rate used for every head (docs/science.md section 7). UD counts
 * layers against the same head's clean run, so the choice does not favour one side.
 *
 * A wrapper rather than a hook in sal/: those functions cut a zoo model into prefix and
 * suffix and cache the prefix activations; a task model has a trunk, a head and (rotation)
 * other inputs, so here every step runs the whole trunk and head. That costs a prefix pass
 * per step, which on the trunks of the zoo (2-4 convolutions) is a small part of the step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseSalSettings, type LayerSal, type SalSettings } from '../../core/sal-types';
import type { HeadTask } from '../../core/tasks';
import type { WeightSnapshot } from '../../core/weights';
import { snapshotToTensors } from '../models/params';
import { salFromParts, type SalHooks } from '../sal/copies';
import { CancelledError } from '../train/train-loop';
import { disposeTaskTensors, sliceBatch, taskLoss, type TaskTensors } from './task-data';
import { headLogits, headOf, trunkFeatures, type TaskModel } from './task-model';

/** SAL of every trunk layer for one head, in forward order. */
export interface TaskSal {
  head: HeadTask;
  l0: number;
  layers: LayerSal[];
}

const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

/** Logits of one head only (inputs rotated for the rotation head). */
function oneHead(
  m: TaskModel,
  head: HeadTask,
  ws: readonly tf.Tensor[],
  b: TaskTensors,
  fused: boolean,
): tf.Tensor2D {
  const h = headOf(m, head);
  const x = head === 'rotation' ? b.xRot : b.x;
  if (!x) throw new Error(`SAL: the data has no inputs for the ${head} head`);
  return headLogits(m, h, ws, trunkFeatures(m, ws, x, fused), fused);
}

/**
 * SAL of each trunk weight layer of `m` at `weights` for head `head`, on the first
 * `settings.subsetSize` rows of `data` (its training data, poisoned for a poisoned run).
 * Progress counts rounds over all layers; cancellation throws CancelledError, tensors freed.
 */
export async function taskSal(
  m: TaskModel,
  weights: WeightSnapshot | readonly tf.Tensor[],
  head: HeadTask,
  data: TaskTensors,
  settings: SalSettings,
  hooks: Pick<SalHooks, 'onProgress' | 'shouldStop'> = {},
): Promise<TaskSal> {
  const s = parseSalSettings(settings);
  headOf(m, head);
  const owned = Array.isArray(weights) ? null : snapshotToTensors(weights as WeightSnapshot);
  const ws: tf.Tensor[] = owned ?? [...(weights as readonly tf.Tensor[])];
  const n = Math.min(data.count, s.subsetSize);
  if (n < 1) throw new Error('SAL: no images to measure on');
  const batches: TaskTensors[] = [];
  for (let start = 0; start < n; start += s.batchSize) {
    const size = Math.min(s.batchSize, n - start);
    // One slice op per field and no intermediates: the slices are ours to free.
    batches.push(sliceBatch(data, start, size));
  }
  const stop = () => {
    if (hooks.shouldStop?.()) throw new CancelledError();
  };
  const meanLoss = async (kIndex: number, kernels: tf.Tensor[]): Promise<number[]> => {
    const per = tf.tidy(() =>
      tf.stack(
        kernels.map((k) =>
          tf.sum(
            tf.stack(
              batches.map((b) => {
                const w2 = [...ws];
                if (kIndex >= 0) w2[kIndex] = k;
                return tf.mul(taskLoss(head, oneHead(m, head, w2, b, true), b), b.count);
              }),
            ),
          ),
        ),
      ),
    );
    const v = await per.data();
    per.dispose();
    return Array.from(v, (x) => x / n);
  };
  try {
    const l0 = (await meanLoss(-1, [ws[0]!]))[0]!;
    const total = m.trunkLayers.length * s.rounds;
    let done = 0;
    const layers: LayerSal[] = [];
    for (const name of m.trunkLayers) {
      const ki = m.names.indexOf(`${name}/kernel`);
      const w0 = ws[ki]!;
      const normT = tf.tidy(() => tf.norm(w0));
      const radius = s.eps * ((await normT.data())[0] ?? NaN);
      normT.dispose();
      const pass = (w: tf.Tensor, sign: -1 | 1): tf.Tensor => {
        let cur = w;
        for (const b of batches) {
          const next = tf.tidy(() => {
            const g = tf.grad((k: tf.Tensor) => {
              const w2 = [...ws];
              w2[ki] = k;
              return taskLoss(head, oneHead(m, head, w2, b, false), b);
            })(cur);
            const step = tf.mul(g, s.lr);
            return sign < 0 ? tf.sub(cur, step) : tf.add(cur, step);
          });
          cur.dispose();
          cur = next;
        }
        return cur;
      };
      const project = async (w: tf.Tensor): Promise<tf.Tensor> => {
        const dT = tf.tidy(() => tf.norm(tf.sub(w, w0)));
        const dist = (await dT.data())[0] ?? NaN;
        dT.dispose();
        if (!(dist > radius)) return w;
        const out = tf.tidy(() => tf.add(w0, tf.mul(tf.sub(w, w0), radius / dist)));
        w.dispose();
        return out;
      };
      let descent = tf.clone(w0);
      let ascent = tf.clone(w0);
      let maxLoss = l0;
      let minLoss = l0;
      try {
        for (let r = 1; r <= s.rounds; r++) {
          stop();
          descent = await project(pass(descent, -1));
          await yieldToEvents();
          stop();
          ascent = await project(pass(ascent, 1));
          const [dl, al] = (await meanLoss(ki, [descent, ascent])) as [number, number];
          if (al > maxLoss) maxLoss = al;
          if (dl < minLoss) minLoss = dl;
          hooks.onProgress?.(++done, total);
          await yieldToEvents();
        }
      } finally {
        tf.dispose([descent, ascent]);
      }
      const up = maxLoss - l0;
      const down = l0 - minLoss;
      layers.push({ name, sal: salFromParts(up, down), up, down });
    }
    return { head, l0, layers };
  } finally {
    owned?.forEach((t) => t.dispose());
    batches.forEach(disposeTaskTensors);
  }
}
