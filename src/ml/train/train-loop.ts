/**
 * The training loop: mini-batch SGD over resident tensors, per-epoch metrics and checkpoints,
 * throttled progress, cancellation and a clear stop when the loss diverges.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../core/rng';
import type { WeightSnapshot } from '../../core/weights';
import type { EpochMetrics, EpochProgress, StepProgress } from '../../core/run-types';
import { crossEntropy, correctCount } from '../models/forward';
import { snapshotToTensors, tensorsToSnapshot } from '../models/params';
import type { ModelSpec } from '../../core/model-spec';
import { evaluate } from './evaluate';
import { Sgd, type SgdSettings } from './sgd';
import { applyStep, disposeStats, trainingGrads } from './train-step';
import { recomputeBnStats } from './bn-stats';

export type { EpochMetrics, StepProgress };

/** A data set as resident tensors: x [N, H, W, C] float32 in [0, 1], y [N] int32. */
export interface TensorData {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
}

/** Where a batch transform is called: the epoch (1-based), step (0-based) and current weights. */
export interface BatchContext {
  epoch: number;
  step: number;
  weights: readonly tf.Tensor[];
}

/**
 * A training-loop defence: the inputs to train on instead of `xb` and, optionally, the loss of
 * the logits (default: cross-entropy against `yb`). Called inside the step's tf.tidy.
 */
export type BatchTransform = (
  xb: tf.Tensor4D,
  yb: tf.Tensor1D,
  ctx: BatchContext,
) => { x: tf.Tensor4D; loss?: (logits: tf.Tensor2D) => tf.Scalar };

export interface TrainOptions extends SgdSettings {
  spec: ModelSpec;
  init: WeightSnapshot;
  train: TensorData;
  test: TensorData;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Called at most every `progressMs` ms and at the end of each epoch. */
  onProgress?: (p: StepProgress) => void;
  /**
   * Called after each epoch with its metrics and checkpoint; training waits for a returned
   * promise (per-epoch SAL runs there, between epochs).
   */
  onEpoch?: (m: EpochMetrics, checkpoint: WeightSnapshot) => void | Promise<void>;
  /** Polled between steps; when it returns true the run stops with a CancelledError. */
  shouldStop?: () => boolean;
  progressMs?: number;
  /** A loop defence (cutout, mixup, adversarial training) applied to every batch. */
  transformBatch?: BatchTransform;
}

/** Everything a finished run produced; checkpoints[0] holds the initial weights. */
export interface TrainResult {
  metrics: EpochMetrics[];
  checkpoints: WeightSnapshot[];
}

/** Thrown when the caller cancelled the run. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/**
 * A mean cross-entropy above this means the logits are thousands apart: the weights have blown
 * up even if float32 has not reached NaN yet (at lr 1e30 the loss sits near 1e29 for steps).
 */
export const DIVERGED_LOSS = 1e4;

/** Thrown when the training loss becomes NaN, infinite or larger than DIVERGED_LOSS. */
export class DivergedError extends Error {
  constructor(epoch: number, step: number, lr: number) {
    super(
      `Training diverged in epoch ${epoch}, step ${step}: the loss became NaN or exploded (above ${DIVERGED_LOSS}). ` +
        `Try a lower learning rate (now ${lr}) or a larger batch.`,
    );
    this.name = 'DivergedError';
  }
}

/**
 * Frees `grads` and throws DivergedError when a batch loss is NaN, infinite or above
 * DIVERGED_LOSS.
 */
export function checkDiverged(
  loss: number,
  grads: tf.Tensor[],
  epoch: number,
  step: number,
  lr: number,
): void {
  if (Number.isFinite(loss) && loss <= DIVERGED_LOSS) return;
  grads.forEach((g) => g.dispose());
  throw new DivergedError(epoch, step, lr);
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/** Lets queued messages (cancel, new commands) through between steps. */
const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

/**
 * Paces one epoch's batch loop and keeps its running loss: progress at most every `progressMs`
 * ms and after the last step, and a yield to the event loop every 40 ms so a cancel or a new
 * command gets through.
 */
export class EpochPacer {
  private readonly t0 = now();
  private lastReport = this.t0;
  private lastYield = this.t0;
  private lossSum = 0;
  /** Examples seen so far this epoch. */
  seen = 0;

  constructor(
    private readonly progressMs: number,
    private readonly epoch: number,
    private readonly steps: number,
  ) {}

  /** Seconds since the epoch began. */
  seconds(): number {
    return (now() - this.t0) / 1000;
  }

  /** Mean training loss over the epoch so far. */
  meanLoss(): number {
    return this.lossSum / this.seen;
  }

  /**
   * After step `step` (0-based) whose mean loss over `size` examples was `loss`: calls `report`
   * with the running figures when one is due.
   */
  async step(
    step: number,
    loss: number,
    size: number,
    report?: (p: EpochProgress) => void,
  ): Promise<void> {
    this.lossSum += loss * size;
    this.seen += size;
    const t = now();
    if (report && (t - this.lastReport >= this.progressMs || step === this.steps - 1)) {
      this.lastReport = t;
      report({
        epoch: this.epoch,
        step: step + 1,
        steps: this.steps,
        loss: this.meanLoss(),
        examplesPerSec: this.seen / ((t - this.t0) / 1000),
      });
    }
    if (t - this.lastYield > 40) {
      this.lastYield = t;
      await yieldToEvents();
    }
  }
}

/** Trains from `init` and returns per-epoch metrics and checkpoints (epoch 0 = init). */
export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  const n = o.train.x.shape[0];
  const steps = Math.ceil(n / o.batchSize);
  const progressMs = o.progressMs ?? 100;
  let weights = snapshotToTensors(o.init);
  const sgd = new Sgd(o);
  const names = o.init.names;
  const result: TrainResult = {
    metrics: [],
    checkpoints: [await tensorsToSnapshot(names, weights)],
  };
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const pace = new EpochPacer(progressMs, epoch, steps);
      const perm = new Rng(deriveSeed(o.seed, `shuffle/${epoch}`)).permutation(n);
      let correct = 0;
      for (let step = 0; step < steps; step++) {
        if (o.shouldStop?.()) throw new CancelledError();
        const idx = perm.subarray(step * o.batchSize, Math.min(n, (step + 1) * o.batchSize));
        const size = idx.length;
        const { stats, step: g } = tf.tidy(() => {
          const ids = tf.tensor1d(idx, 'int32');
          const yb = tf.gather(o.train.y, ids) as tf.Tensor1D;
          const x0 = tf.gather(o.train.x, ids) as tf.Tensor4D;
          const t = o.transformBatch?.(x0, yb, { epoch, step, weights });
          const xb = t?.x ?? x0;
          // The correct count is kept out of the gradient's own tidy so one forward pass
          // serves both the loss and the accuracy.
          let kept: tf.Scalar | null = null;
          const g = trainingGrads(o.spec, weights, xb, (logits) => {
            kept = tf.keep(correctCount(logits, yb));
            return t?.loss ? t.loss(logits) : crossEntropy(logits, yb);
          });
          const c = kept as tf.Scalar | null;
          if (!c) throw new Error('forward pass produced no accuracy');
          const s = tf.stack([g.value, tf.cast(c, 'float32')]);
          c.dispose();
          return { stats: s, step: { grads: g.grads, stats: g.stats } };
        });
        const [l = NaN, c = 0] = await stats.data();
        stats.dispose();
        if (!(Number.isFinite(l) && l <= DIVERGED_LOSS)) disposeStats(g);
        checkDiverged(l, g.grads, epoch, step + 1, o.lr);
        weights = applyStep(o.spec, weights, sgd, g);
        correct += c;
        const report = o.onProgress;
        await pace.step(
          step,
          l,
          size,
          report && ((p) => report({ ...p, acc: correct / pace.seen })),
        );
      }
      const trainSeconds = pace.seconds();
      // BatchNorm models: running statistics from the whole training set, not the lagging
      // averages of the epoch's steps (bn-stats.ts says why; a labelled departure).
      weights = recomputeBnStats(o.spec, weights, o.train.x, o.batchSize);
      const test = await evaluate(o.spec, weights, o.test.x, o.test.y);
      const m: EpochMetrics = {
        epoch,
        trainLoss: pace.meanLoss(),
        trainAcc: correct / pace.seen,
        testLoss: test.loss,
        testAcc: test.acc,
        seconds: pace.seconds(),
        examplesPerSec: pace.seen / trainSeconds,
      };
      const ckpt = await tensorsToSnapshot(names, weights);
      result.metrics.push(m);
      result.checkpoints.push(ckpt);
      await o.onEpoch?.(m, ckpt);
    }
    return result;
  } finally {
    weights.forEach((w) => w.dispose());
    sgd.dispose();
  }
}
