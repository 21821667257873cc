/**
 * The min-min loop behind EM (Huang et al. 2021) and the reduced REM (Fu et al. 2022):
 * alternate (a) a few SGD batches on the surrogate at x + delta and (b) signed-gradient DESCENT
 * on delta for CE(f(x + delta), y), projected to the L-inf ball (and, per sample, to [0, 1]).
 * It stops on the surrogate's LOSS on the quantised poisoned set after a minimum number of
 * rounds; an accuracy stop fires after a few rounds on digits, before the noise does anything
 * (docs/science.md section 5).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng, deriveSeed } from '../../core/rng';
import { addClipQuantiseLinf, linfByteRadius } from '../../core/perturbation';
import type { PoisonReport, StopReason } from '../../core/poison-types';
import { toTensors } from '../data/tensors';
import { crossEntropy } from '../models/forward';
import { initSnapshot, snapshotToTensors, tensorsToSnapshot } from '../models/params';
import { buildSpec, paramInfos } from '../models/zoo';
import { evaluate } from '../train/evaluate';
import { Sgd } from '../train/sgd';
import { applyStep, trainingGrads } from '../train/train-step';
import type { RunState } from './common';
import { inputGrad, pgdAttack } from './grad';
import type { ModelSpec } from '../../core/model-spec';
import type { WeightSnapshot } from '../../core/weights';

/** Images per gradient call when updating delta (memory bound, not numerical). */
const CHUNK = 500;
/** Surrogate weight decay: the project's training default. */
const WEIGHT_DECAY = 5e-4;

/** Which variant of the loop to run. */
export interface MinMinOptions {
  /** One delta per class (gradient summed over the class) instead of one per image. */
  classWise: boolean;
  /** REM: train the surrogate, and take noise gradients, at a PGD adversary of x + delta. */
  adversarial: boolean;
  /** Names the seeds' streams, e.g. "em". */
  label: string;
}

/** The final delta, the stop report and the surrogate the delta was made against. */
export interface MinMinOutput {
  /** Per image (count x stride) or per class (numClasses x stride), unit range, |v| <= eps. */
  delta: Float32Array;
  report: PoisonReport;
  /** The surrogate's final weights: what the stop rule's loss was measured with (tests use it). */
  surrogate: WeightSnapshot;
}

/** Runs the loop; frees every tensor it made, also on cancel or error. */
export async function minMin(st: RunState, o: MinMinOptions): Promise<MinMinOutput> {
  const { set, s, ticker } = st;
  const { count: n, height: H, width: W, channels: C, numClasses: K } = set;
  const stride = H * W * C;
  // Work inside the ball that survives quantisation: floor(eps*255)/255.
  const epsQ = linfByteRadius(s.eps) / 255;
  const alpha = s.stepSize;
  const spec = buildSpec(s.surrogate, [H, W, C], K);
  const rows = o.classWise ? K : n;
  const adv = o.adversarial ? { eps: s.advEps, steps: s.advSteps } : null;

  const data = toTensors(set);
  let weights = snapshotToTensors(
    initSnapshot(spec, deriveSeed(s.seed, `poison/${o.label}/surrogate`)),
  );
  const sgd = new Sgd({ lr: s.lr, momentum: s.momentum, weightDecay: WEIGHT_DECAY });
  const init = new Rng(deriveSeed(s.seed, `poison/${o.label}/init`)).fillUniform(
    new Float32Array(rows * stride),
    -epsQ,
    epsQ,
  );
  const h: DeltaHolder = { delta: tf.tensor4d(init, [rows, H, W, C]) };
  if (!o.classWise) h.delta = replace(h.delta, (d) => keepInImage(data.x, d));

  const batchRng = new Rng(deriveSeed(s.seed, `poison/${o.label}/batches`));
  const bs = Math.min(s.batchSize, n);
  let perm = batchRng.permutation(n);
  let cursor = 0;
  const nextBatch = (): Int32Array => {
    if (cursor + bs > n) {
      perm = batchRng.permutation(n);
      cursor = 0;
    }
    cursor += bs;
    return perm.subarray(cursor - bs, cursor);
  };

  const history: number[] = [];
  let stopReason: StopReason = 'max-rounds';
  let rounds = 0;
  const work = s.trainBatches + s.steps;
  const progress = (round: number, done: number, what: string, force = false) =>
    ticker.tick(
      (round - 1 + done / work) / s.maxRounds,
      `round ${round} (min ${s.minRounds}, max ${s.maxRounds}): ${what}` +
        (history.length > 0 ? `; last loss ${history[history.length - 1]!.toFixed(4)}` : ''),
      force,
    );
  try {
    for (let round = 1; round <= s.maxRounds; round++) {
      rounds = round;
      // (a) the surrogate learns from x + delta for a few batches.
      for (let b = 0; b < s.trainBatches; b++) {
        await progress(round, b, `surrogate batch ${b + 1}/${s.trainBatches}`);
        const idx = nextBatch();
        const step = tf.tidy(() => {
          const ids = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(data.x, ids) as tf.Tensor4D;
          const yb = tf.gather(data.y, ids) as tf.Tensor1D;
          const db = tf.gather(h.delta, o.classWise ? yb : ids) as tf.Tensor4D;
          let xin = tf.clipByValue(tf.add(xb, db), 0, 1) as tf.Tensor4D;
          if (adv) xin = pgdAttack(spec, weights, xin, yb, adv.eps, adv.steps);
          const g = trainingGrads(spec, weights, xin, (logits) => crossEntropy(logits, yb));
          return { grads: g.grads, stats: g.stats };
        });
        weights = applyStep(spec, weights, sgd, step);
      }
      // (b) delta descends the surrogate's loss.
      const phase: NoisePhase = {
        spec,
        weights,
        data,
        epsQ,
        alpha,
        steps: s.steps,
        adv,
        onStep: (f) => progress(round, s.trainBatches + f * s.steps, `noise steps (${s.steps})`),
      };
      if (o.classWise) await classWiseSteps(phase, h, K);
      else await sampleWiseSteps(phase, h);
      // (c) the stop rule, on exactly the bytes that would be saved.
      const loss = await quantisedLoss(st, spec, weights, h.delta, o.classWise);
      history.push(loss);
      // Every round's loss is reported, whatever the throttle: it is what the stop rule reads.
      await progress(round, work, `surrogate loss ${loss.toFixed(4)}`, true);
      if (round >= s.minRounds && loss < s.lossThreshold) {
        stopReason = 'loss-threshold';
        break;
      }
    }
    const out = new Float32Array(await h.delta.data<'float32'>());
    const surrogate = await tensorsToSnapshot(
      paramInfos(spec).map((p) => p.name),
      weights,
    );
    const finalLoss = history[history.length - 1]!;
    return {
      delta: out,
      surrogate,
      report: {
        rounds,
        stopReason,
        finalLoss,
        lossHistory: history,
        notes: [
          stopReason === 'loss-threshold'
            ? `stopped after ${rounds} rounds: surrogate loss ${finalLoss.toFixed(4)} < ${s.lossThreshold} (minimum ${s.minRounds} rounds)`
            : `stopped at the cap of ${s.maxRounds} rounds with surrogate loss ${finalLoss.toFixed(4)} (threshold ${s.lossThreshold} not reached)`,
          `surrogate ${s.surrogate}: ${s.trainBatches} batches of ${bs} per round (lr ${s.lr}, momentum ${s.momentum}); ${s.steps} signed steps of ${alpha.toFixed(4)} per round`,
          ...(adv ? [`inner PGD adversary: ${adv.steps} steps within L-inf ${adv.eps}`] : []),
        ],
      },
    };
  } finally {
    tf.dispose([data.x, data.y, h.delta, ...weights]);
    sgd.dispose();
  }
}

/** Replaces a tensor by f(tensor) (run in a tidy) and disposes the old one. */
function replace<T extends tf.Tensor>(t: T, f: (t: T) => T): T {
  const next = tf.tidy(() => f(t));
  t.dispose();
  return next;
}

/** clip(x + d, 0, 1) - x: the part of d that stays inside the image range. */
function keepInImage(x: tf.Tensor4D, d: tf.Tensor4D): tf.Tensor4D {
  return tf.sub(tf.clipByValue(tf.add(x, d), 0, 1), x);
}

type Adversary = { eps: number; steps: number } | null;

/** The gradient of the loss at the (clipped, maybe attacked) input, straight through the clip. */
function noiseGrad(
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  x: tf.Tensor4D,
  d: tf.Tensor4D,
  y: tf.Tensor1D,
  adv: Adversary,
): tf.Tensor4D {
  let xin = tf.clipByValue(tf.add(x, d), 0, 1) as tf.Tensor4D;
  if (adv) xin = pgdAttack(spec, weights, xin, y, adv.eps, adv.steps);
  return inputGrad(spec, weights, xin, y);
}

/** The current delta; the step functions replace it in place so a cancel never leaks it. */
interface DeltaHolder {
  delta: tf.Tensor4D;
}

/** What one noise phase needs; `onStep(f)` reports the fraction f of the phase done. */
interface NoisePhase {
  spec: ModelSpec;
  weights: readonly tf.Tensor[];
  data: { x: tf.Tensor4D; y: tf.Tensor1D };
  epsQ: number;
  alpha: number;
  steps: number;
  adv: Adversary;
  onStep: (fraction: number) => Promise<void>;
}

/** Per sample: `steps` projected signed descent steps, chunk by chunk. */
async function sampleWiseSteps(p: NoisePhase, h: DeltaHolder): Promise<void> {
  const n = p.data.x.shape[0];
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      const xc = tf.slice(p.data.x, [start, 0, 0, 0], [size, -1, -1, -1]);
      const yc = tf.slice(p.data.y, [start], [size]);
      let dc = tf.slice(h.delta, [start, 0, 0, 0], [size, -1, -1, -1]);
      parts.push(dc);
      try {
        for (let k = 0; k < p.steps; k++) {
          await p.onStep((start + (size * k) / p.steps) / n);
          dc = replace(dc, (d) => {
            const g = noiseGrad(p.spec, p.weights, xc, d, yc, p.adv);
            const moved = tf.clipByValue(tf.sub(d, tf.mul(tf.sign(g), p.alpha)), -p.epsQ, p.epsQ);
            return keepInImage(xc, moved as tf.Tensor4D);
          });
          parts[parts.length - 1] = dc;
        }
      } finally {
        tf.dispose([xc, yc]);
      }
    }
    const next = tf.concat(parts) as tf.Tensor4D;
    h.delta.dispose();
    h.delta = next;
  } finally {
    tf.dispose(parts);
  }
}

/** Per class: each step sums the input gradient over the class, then one signed step. */
async function classWiseSteps(p: NoisePhase, h: DeltaHolder, numClasses: number): Promise<void> {
  const n = p.data.x.shape[0];
  const chunks: { x: tf.Tensor4D; y: tf.Tensor1D; onehotT: tf.Tensor2D }[] = [];
  try {
    for (let start = 0; start < n; start += CHUNK) {
      const size = Math.min(CHUNK, n - start);
      chunks.push(
        tf.tidy(() => {
          const y = tf.slice(p.data.y, [start], [size]);
          return {
            x: tf.slice(p.data.x, [start, 0, 0, 0], [size, -1, -1, -1]),
            y,
            onehotT: tf.transpose(tf.cast(tf.oneHot(y, numClasses), 'float32')) as tf.Tensor2D,
          };
        }),
      );
    }
    const shape = h.delta.shape;
    for (let k = 0; k < p.steps; k++) {
      await p.onStep(k / p.steps);
      // No await between here and the end of the step, so `total` cannot leak on cancel.
      let total: tf.Tensor2D = tf.zeros([numClasses, shape[1] * shape[2] * shape[3]]);
      for (const c of chunks) {
        total = replace(total, (t) => {
          const d = tf.gather(h.delta, c.y) as tf.Tensor4D;
          const g = noiseGrad(p.spec, p.weights, c.x, d, c.y, p.adv);
          // Sum of the gradients per class: onehot^T [K, size] x g [size, HWC].
          return tf.add(t, tf.matMul(c.onehotT, tf.reshape(g, [c.y.shape[0], -1])));
        });
      }
      const sum = total;
      h.delta = replace(
        h.delta,
        (d) =>
          tf.clipByValue(
            tf.sub(d, tf.mul(tf.sign(tf.reshape(sum, shape)), p.alpha)),
            -p.epsQ,
            p.epsQ,
          ) as tf.Tensor4D,
      );
      sum.dispose();
    }
  } finally {
    chunks.forEach((c) => tf.dispose([c.x, c.y, c.onehotT]));
  }
}

/** Surrogate mean CE on the poisoned bytes add-clip-quantise(clean, delta) of every image. */
async function quantisedLoss(
  st: RunState,
  spec: ModelSpec,
  weights: readonly tf.Tensor[],
  delta: tf.Tensor4D,
  classWise: boolean,
): Promise<number> {
  const { set, s, stride } = st;
  const d = await delta.data<'float32'>();
  const bytes = new Uint8Array(set.count * stride);
  for (let i = 0; i < set.count; i++) {
    const row = classWise ? set.labels[i]! : i;
    addClipQuantiseLinf(
      set.images.subarray(i * stride, (i + 1) * stride),
      d.subarray(row * stride, (row + 1) * stride),
      s.eps,
      bytes.subarray(i * stride, (i + 1) * stride),
    );
  }
  const q = toTensors({ ...set, images: bytes });
  try {
    return (await evaluate(spec, weights, q.x, q.y)).loss;
  } finally {
    tf.dispose([q.x, q.y]);
  }
}
