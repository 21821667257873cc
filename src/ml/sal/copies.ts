/**
 * The core of SAL (docs/science.md section 2, steps 2-4): a descent and an ascent copy of one
 * weight tensor, K rounds of plain SGD over the batches, projection onto the eps-ball after
 * every round, evaluation after every round, running max/min from L0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SalSettings } from '../../core/sal-types';
import { crossEntropy } from '../models/forward';
import { CancelledError } from '../train/train-loop';
import {
  meanLosses,
  suffixLogits,
  type LayerInputs,
  type LayerSplit,
  type PreparedSal,
} from './prepare';

/** What one round measured (after projection). */
export interface RoundReport {
  /** 1-based round number. */
  round: number;
  /** Mean CE of the descent copy over the data after this round. */
  descentLoss: number;
  /** Mean CE of the ascent copy. */
  ascentLoss: number;
  /** ||W_descent - W||_F after projection (float32). */
  descentDist: number;
  /** ||W_ascent - W||_F after projection. */
  ascentDist: number;
  /** The allowed distance eps * ||W||_F (of the tensor, or of the filter). */
  radius: number;
}

/** Weights of one round, valid only during the `onRound` call (they are freed afterwards). */
export interface RoundTensors {
  original: tf.Tensor;
  descent: tf.Tensor;
  ascent: tf.Tensor;
}

/** Progress, cancellation and an inspection hook for SAL computations. */
export interface SalHooks {
  /** Rounds done so far out of the total of the whole call (layers or filters x K). */
  onProgress?(done: number, total: number): void;
  /** Polled before every pass; true stops the call with a CancelledError (tensors freed). */
  shouldStop?(): boolean;
  /** After every round's projection and evaluation; for tests and detailed views. */
  onRound?(report: RoundReport, tensors: RoundTensors): void;
}

/** Shared progress counter of one call. */
export interface Progress {
  done: number;
  total: number;
}

/** The two parts and the signed choice, plus the per-round record. */
export interface CopiesResult {
  up: number;
  down: number;
  sal: number;
  rounds: RoundReport[];
}

/** Lets queued messages (cancel) through; a macrotask, unlike an awaited read-back. */
const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

/** SAL from the running extremes: the larger of S_up and S_down, signed choice as the paper. */
export function salFromParts(up: number, down: number): number {
  return Math.abs(up) > Math.abs(down) ? up : down;
}

/**
 * Runs both copies of the split layer's kernel for `settings.rounds` rounds. `acts` gives the
 * activations entering the layer, per batch. `mask` (broadcastable to the kernel, or null)
 * restricts the update to part of the tensor (one filter); `radius` is the allowed distance.
 */
export async function runCopies(
  p: PreparedSal,
  split: LayerSplit,
  acts: LayerInputs,
  l0: number,
  settings: SalSettings,
  radius: number,
  mask: tf.Tensor | null,
  hooks: SalHooks,
  progress: Progress,
): Promise<CopiesResult> {
  const w0 = p.weights[split.paramIndex]!;
  const stop = () => {
    if (hooks.shouldStop?.()) throw new CancelledError();
  };

  /** One full pass of plain SGD (no momentum, no decay) in stored order; disposes `w`. */
  const pass = (w: tf.Tensor, sign: -1 | 1): tf.Tensor => {
    let cur = w;
    try {
      p.batches.forEach((b, i) => {
        const next = tf.tidy(() => {
          const a = acts.get(i); // outside the gradient's tape
          const lossOf = (k: tf.Tensor) => crossEntropy(suffixLogits(p, split, k, a, false), b.y);
          const g = tf.grad(lossOf)(cur);
          const step = tf.mul(mask ? tf.mul(g, mask) : g, settings.lr);
          return sign < 0 ? tf.sub(cur, step) : tf.add(cur, step);
        });
        cur.dispose();
        cur = next;
      });
    } catch (e) {
      cur.dispose(); // `w` itself is freed by the caller (disposing twice is harmless)
      throw e;
    }
    return cur;
  };

  /** Pulls `w` back onto the sphere of `radius` around w0 when it is farther; disposes `w`. */
  const project = (w: tf.Tensor, dist: number): tf.Tensor => {
    if (!(dist > radius)) return w;
    const scale = radius / dist;
    const out = tf.tidy(() => tf.add(w0, tf.mul(tf.sub(w, w0), scale)));
    w.dispose();
    return out;
  };

  const distances = async (a: tf.Tensor, b: tf.Tensor): Promise<[number, number]> => {
    const d = tf.tidy(() => tf.stack([tf.norm(tf.sub(a, w0)), tf.norm(tf.sub(b, w0))]));
    try {
      const v = await d.data();
      return [v[0] ?? NaN, v[1] ?? NaN];
    } finally {
      d.dispose();
    }
  };

  let descent = tf.clone(w0);
  let ascent = tf.clone(w0);
  let maxLoss = l0;
  let minLoss = l0;
  const rounds: RoundReport[] = [];
  try {
    for (let r = 1; r <= settings.rounds; r++) {
      stop();
      descent = pass(descent, -1);
      await yieldToEvents();
      stop();
      ascent = pass(ascent, 1);
      const [dd, da] = await distances(descent, ascent);
      descent = project(descent, dd);
      ascent = project(ascent, da);
      const perBatch = tf.tidy(
        () =>
          tf.stack(
            [descent, ascent].map((k) =>
              tf.stack(
                p.batches.map((b, i) =>
                  crossEntropy(suffixLogits(p, split, k, acts.get(i), true), b.y),
                ),
              ),
            ),
          ) as tf.Tensor2D,
      );
      let losses: number[];
      try {
        losses = await meanLosses(perBatch, p.batches);
      } finally {
        perBatch.dispose();
      }
      const [descentLoss, ascentLoss] = losses as [number, number];
      if (ascentLoss > maxLoss) maxLoss = ascentLoss;
      if (descentLoss < minLoss) minLoss = descentLoss;
      const [descentDist, ascentDist] = await distances(descent, ascent);
      const report = { round: r, descentLoss, ascentLoss, descentDist, ascentDist, radius };
      rounds.push(report);
      hooks.onRound?.(report, { original: w0, descent, ascent });
      progress.done++;
      hooks.onProgress?.(progress.done, progress.total);
      await yieldToEvents();
    }
  } finally {
    tf.dispose([descent, ascent]);
  }
  const up = maxLoss - l0;
  const down = l0 - minLoss;
  return { up, down, sal: salFromParts(up, down), rounds };
}
