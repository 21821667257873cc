import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { selectSubset, stratifiedSubset, type ImageSet } from '../../src/core/dataset';
import { Rng } from '../../src/core/rng';
import { linfByteRadius } from '../../src/core/perturbation';
import { addClipQuantiseLinf, poisonMask } from '../../src/core/perturbation';
import {
  resolvePoisonSettings,
  type PoisonResult,
  type PoisonSettings,
} from '../../src/core/poison-types';
import type { WeightSnapshot } from '../../src/core/weights';
import { defaultTrainConfig } from '../../src/core/train-config';
import { POISONS } from '../../src/ml/poisons';
import { evenlySpaced } from '../../src/ml/poisons/sep';
import { runTraining } from '../../src/ml/train/run-training';
import { CancelledError } from '../../src/ml/train/train-loop';
import { toTensors } from '../../src/ml/data/tensors';
import { crossEntropy, forward } from '../../src/ml/models/forward';
import { Ticker, type RunState } from '../../src/ml/poisons/common';
import { minMin } from '../../src/ml/poisons/min-min';
import { buildSpec } from '../../src/ml/models/zoo';
import { snapshotToTensors } from '../../src/ml/models/params';
import type { ModelSpec, SurrogateModel } from '../../src/core/model-spec';

let set: ImageSet;
let clean: SurrogateModel;
let baseline: number;

beforeAll(async () => {
  await useBackend('wasm');
  const [train, test] = await Promise.all([
    loadDatasetNode('mnist', 'train'),
    loadDatasetNode('mnist', 'test'),
  ]);
  set = selectSubset(train, stratifiedSubset(train.labels, 10, 200, new Rng(21)));
  const testSet = selectSubset(test, stratifiedSubset(test.labels, 10, 100, new Rng(22)));
  // A clean cnn-s for TAP / SEP: 3 epochs on 200 images, batch 16.
  const config = { ...defaultTrainConfig(), epochs: 3, batchSize: 16, trainSize: 200 };
  const r = await runTraining(config, { train: set, test: testSet });
  clean = { spec: r.spec, weights: r.checkpoints.at(-1)!, checkpoints: r.checkpoints.slice(1) };
  baseline = tf.memory().numTensors;
});

/** Small, quick EM settings: a few steps per round, larger steps to compensate. */
const emQuick = (over: Partial<PoisonSettings> = {}): PoisonSettings => ({
  method: 'em',
  eps: 0.3,
  ratio: 1,
  seed: 2,
  trainBatches: 5,
  steps: 4,
  stepSize: 0.06,
  minRounds: 1,
  maxRounds: 2,
  lossThreshold: 1e-9,
  ...over,
});

function maxByteChange(r: PoisonResult, s: ImageSet): number {
  let m = 0;
  for (let j = 0; j < s.images.length; j++) {
    m = Math.max(m, Math.abs(r.poisoned.images[j]! - s.images[j]!));
  }
  return m;
}

function darkerCount(r: PoisonResult, s: ImageSet): number {
  let n = 0;
  for (let j = 0; j < s.images.length; j++) if (r.poisoned.images[j]! < s.images[j]!) n++;
  return n;
}

const same = (a: PoisonResult, b: PoisonResult) =>
  Buffer.from(a.poisoned.images).equals(Buffer.from(b.poisoned.images));

/** The min-min loop of EM / REM on `set`, run directly so that its surrogate can be read back. */
function runMinMin(settings: PoisonSettings, adversarial: boolean) {
  const s = resolvePoisonSettings(settings);
  const st: RunState = {
    set,
    s,
    mask: poisonMask(set.count, s.ratio, s.seed),
    stride: 784,
    ctx: {},
    ticker: new Ticker({}),
    t0: 0,
  };
  return minMin(st, { classWise: false, adversarial, label: s.method });
}

/** Mean cross-entropy of a model on `set`'s labels with the given image bytes. */
function meanLoss(spec: ModelSpec, w: WeightSnapshot, images: Uint8Array): number {
  const ws = snapshotToTensors(w);
  const t = toTensors({ ...set, images });
  const loss = tf.tidy(() => crossEntropy(forward(spec, ws, t.x), t.y).dataSync()[0]!);
  tf.dispose([...ws, t.x, t.y]);
  return loss;
}

describe('model-based poisons on 200 MNIST images', () => {
  it('em-class stops at its loss threshold after the minimum rounds; one pattern per class', async () => {
    const progress: string[] = [];
    const r = await POISONS['em-class'].generate(
      set,
      {
        method: 'em-class',
        eps: 0.1,
        ratio: 1,
        seed: 1,
        trainBatches: 10,
        steps: 10,
        stepSize: 0.02,
        minRounds: 3,
        maxRounds: 25,
        lossThreshold: 0.01,
      },
      { onProgress: (_, d) => progress.push(d) },
    );
    expect(r.report.stopReason).toBe('loss-threshold');
    expect(r.report.rounds).toBeGreaterThanOrEqual(3);
    expect(r.report.finalLoss).toBeLessThan(0.01);
    expect(r.report.lossHistory).toHaveLength(r.report.rounds!);
    // It did not stop earlier than it should have: every earlier round after the minimum was >= 0.01.
    r.report.lossHistory!.slice(2, -1).forEach((l) => expect(l).toBeGreaterThanOrEqual(0.01));
    expect(progress.some((d) => d.includes('surrogate loss'))).toBe(true);
    expect(maxByteChange(r, set)).toBeLessThanOrEqual(linfByteRadius(0.1));
    expect(r.norms.linfMax).toBeLessThanOrEqual(0.1 + 1e-6);
    expect(darkerCount(r, set)).toBeGreaterThan(0);
    // One pattern per class: equal byte changes wherever neither image was clipped.
    const n = 784;
    let compared = 0;
    for (let cls = 0; cls < 10; cls++) {
      const [a, b] = [...set.labels.keys()].filter((i) => set.labels[i] === cls);
      for (let j = 0; j < n; j++) {
        const pa = r.poisoned.images[a! * n + j]!;
        const pb = r.poisoned.images[b! * n + j]!;
        if (pa > 0 && pa < 255 && pb > 0 && pb < 255) {
          expect(pb - set.images[b! * n + j]!).toBe(pa - set.images[a! * n + j]!);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(500);
  });

  it('em stops at max rounds when the threshold is out of reach, says so, and is seeded', async () => {
    const a = await POISONS.em.generate(set, emQuick());
    expect(a.report.stopReason).toBe('max-rounds');
    expect(a.report.rounds).toBe(2);
    expect(a.report.notes[0]).toMatch(/cap of 2 rounds/);
    expect(maxByteChange(a, set)).toBeLessThanOrEqual(linfByteRadius(0.3));
    expect(darkerCount(a, set)).toBeGreaterThan(200);
    const b = await POISONS.em.generate(set, emQuick());
    const c = await POISONS.em.generate(set, emQuick({ seed: 3 }));
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
  });

  it('em with ratio 0.5 saves exactly the masked half poisoned', async () => {
    const r = await POISONS.em.generate(set, emQuick({ ratio: 0.5, maxRounds: 1 }));
    expect(r.poisonedMask.reduce((x, y) => x + y, 0)).toBe(100);
    for (let i = 0; i < set.count; i++) {
      let changed = false;
      for (let j = 0; j < 784 && !changed; j++) {
        changed = r.poisoned.images[i * 784 + j] !== set.images[i * 784 + j];
      }
      expect(changed).toBe(r.poisonedMask[i] === 1);
    }
  });

  it.each([
    ['em', false],
    ['rem', true],
  ] as const)(
    '%s noise lowers its surrogate\u2019s loss below random noise of the same L-inf budget',
    async (method, adversarial) => {
      const eps = 0.3;
      // Default surrogate batches and noise steps per round; rounds enough for the surrogate to
      // learn (EM 3; REM 6, its default cap: its surrogate trains on attacked inputs, and after 4
      // rounds its loss had barely left ln 10).
      const rounds = adversarial ? 6 : 3;
      const settings = { method, eps, ratio: 1, seed: 2, minRounds: 1, maxRounds: rounds } as const;
      const out = await runMinMin({ ...settings, lossThreshold: 1e-9 }, adversarial);
      // The saved bytes, as the method saves them: clean + delta, clipped, quantised.
      const poisoned = new Uint8Array(set.images.length);
      for (let i = 0; i < set.count; i++) {
        const rows = [i * 784, (i + 1) * 784] as const;
        addClipQuantiseLinf(
          set.images.subarray(...rows),
          out.delta.subarray(...rows),
          eps,
          poisoned.subarray(...rows),
        );
      }
      const random = await POISONS.random.generate(set, {
        method: 'random',
        eps,
        ratio: 1,
        seed: 2,
      });
      expect(random.norms.linfMax).toBeGreaterThan(eps - 0.01);
      const spec = buildSpec(resolvePoisonSettings(settings).surrogate, [28, 28, 1], 10);
      const onNoise = meanLoss(spec, out.surrogate, poisoned);
      const onRandom = meanLoss(spec, out.surrogate, random.poisoned.images);
      const onClean = meanLoss(spec, out.surrogate, set.images);
      // The stop rule's loss is this loss on these bytes.
      expect(onNoise).toBeCloseTo(out.report.finalLoss!, 4);
      expect(onNoise).toBeLessThan(onRandom);
      expect(onNoise).toBeLessThan(onClean);
    },
  );

  it('sep with one checkpoint, the clean run\u2019s last, is tap on that model (same bytes)', async () => {
    const s = { eps: 0.3, ratio: 1, seed: 5, steps: 5 };
    const t = await POISONS.tap.generate(set, { method: 'tap', ...s }, { surrogate: clean });
    const one = { method: 'sep', ...s, checkpoints: 1 } as const;
    const p = await POISONS.sep.generate(set, one, { surrogate: clean });
    expect(p.report.notes[0]).toMatch(/1 of 3 checkpoints/);
    expect(same(t, p)).toBe(true);
    // Two checkpoints: a real ensemble, other bytes.
    const two = await POISONS.sep.generate(set, { ...one, checkpoints: 2 }, { surrogate: clean });
    expect(same(t, two)).toBe(false);
  });

  it('tap pushes images toward (y + 1) mod C within eps, seeded', async () => {
    const s: PoisonSettings = { method: 'tap', eps: 0.3, ratio: 1, seed: 1 };
    const r = await POISONS.tap.generate(set, s, { surrogate: clean });
    expect(maxByteChange(r, set)).toBeLessThanOrEqual(linfByteRadius(0.3));
    expect(darkerCount(r, set)).toBeGreaterThan(0);
    const ws = snapshotToTensors(clean.weights);
    const t = toTensors(r.poisoned);
    const hit = tf.tidy(() => {
      const pred = tf.argMax(forward(clean.spec, ws, t.x), 1);
      const target = tf.mod(tf.add(t.y, 1), 10);
      return tf.mean(tf.cast(tf.equal(pred, target), 'float32')).dataSync()[0]!;
    });
    tf.dispose([...ws, t.x, t.y]);
    expect(hit).toBeGreaterThan(0.8);
    const again = await POISONS.tap.generate(set, s, { surrogate: clean });
    const other = await POISONS.tap.generate(set, { ...s, seed: 2 }, { surrogate: clean });
    expect(same(r, again)).toBe(true);
    expect(same(r, other)).toBe(false);
  });

  it('sep averages over evenly spaced checkpoints and respects eps', async () => {
    expect(evenlySpaced([1, 2, 3, 4, 5, 6], 3)).toEqual([2, 4, 6]);
    expect(evenlySpaced([1, 2], 5)).toEqual([1, 2]);
    const r = await POISONS.sep.generate(
      set,
      { method: 'sep', eps: 0.1, ratio: 1, seed: 1, steps: 5, checkpoints: 2 },
      { surrogate: clean },
    );
    expect(r.report.notes[0]).toMatch(/2 of 3 checkpoints/);
    expect(maxByteChange(r, set)).toBeLessThanOrEqual(linfByteRadius(0.1));
    expect(r.norms.linfMax).toBeGreaterThan(0.09);
  });

  it('rem (reduced) runs its inner adversary, is labelled reduced, respects eps', async () => {
    const r = await POISONS.rem.generate(set, {
      method: 'rem',
      eps: 0.3,
      ratio: 1,
      seed: 1,
      trainBatches: 3,
      steps: 2,
      minRounds: 1,
      maxRounds: 1,
    });
    expect(r.reduced).toMatch(/reduced/);
    expect(r.report.rounds).toBe(1);
    expect(r.report.notes.join(' ')).toMatch(/inner PGD adversary: 2 steps within L-inf 0.15/);
    expect(maxByteChange(r, set)).toBeLessThanOrEqual(linfByteRadius(0.3));
  });

  it('cancel stops EM mid-loop with CancelledError; wrong clean models are refused', async () => {
    let polls = 0;
    await expect(
      POISONS.em.generate(set, emQuick(), { shouldStop: () => ++polls > 8 }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(polls).toBeGreaterThan(8);
    const wrong = { ...clean, spec: { ...clean.spec, numClasses: 5 } };
    await expect(
      POISONS.tap.generate(
        set,
        { method: 'tap', eps: 0.1, ratio: 1, seed: 1 },
        { surrogate: wrong },
      ),
    ).rejects.toThrow(/clean model has 5 classes, the set 10/);
  });

  it('does not grow the tensor count', () => {
    expect(tf.memory().numTensors).toBe(baseline);
  });
});
