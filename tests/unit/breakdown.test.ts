/** The breakdown detector on hand-made epoch series, and on a run forced to break down. */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './helpers/tf';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import type { ImageSet } from '../../src/core/dataset';
import { defaultTrainConfig } from '../../src/core/train-config';
import { runTraining, selectRunData } from '../../src/ml/train/run-training';
import { detectBreakdown } from '../../src/core/breakdown';

const LN10 = Math.log(10);
const series = (pairs: [acc: number, loss: number][]) =>
  pairs.map(([trainAcc, trainLoss]) => ({ trainAcc, trainLoss }));

describe('detectBreakdown on hand-made series (10 classes)', () => {
  it('flags a run stuck at chance with the loss at ln 10', () => {
    const v = detectBreakdown(
      series([
        [0.1, 2.31],
        [0.098, 2.304],
        [0.101, 2.303],
      ]),
      10,
    );
    expect(v.didNotTrain).toBe(true);
    expect(v.reason).toMatch(/training accuracy 0\.101 at epoch 3 is chance.*ln 10 = 2\.303/);
  });

  it('does not flag a run that learnt', () => {
    const v = detectBreakdown(
      series([
        [0.7, 0.9],
        [0.92, 0.25],
      ]),
      10,
    );
    expect(v).toEqual({ didNotTrain: false, reason: null });
  });

  it('flags a run that learnt and then collapsed to the uniform guess', () => {
    const v = detectBreakdown(
      series([
        [0.85, 0.5],
        [0.4, 1.9],
        [0.1, LN10 + 0.02],
      ]),
      10,
    );
    expect(v.didNotTrain).toBe(true);
  });

  it('does not flag a slow start: near chance, loss near ln 10 but still falling', () => {
    const v = detectBreakdown(
      series([
        [0.1, 2.4],
        [0.13, 2.24],
      ]),
      10,
    );
    expect(v.didNotTrain).toBe(false);
  });

  it('does not flag near-chance accuracy with a loss well below ln 10 (beats the uniform guess)', () => {
    expect(detectBreakdown(series([[0.12, 1.4]]), 10).didNotTrain).toBe(false);
    expect(detectBreakdown(series([[0.12, LN10 - 0.11]]), 10).didNotTrain).toBe(false);
  });

  it('flags chance accuracy with a loss above ln 10, even while that loss falls', () => {
    const v = detectBreakdown(
      series([
        [0.1, 55],
        [0.04, 4.9],
      ]),
      10,
    );
    expect(v.didNotTrain).toBe(true);
    expect(v.reason).toMatch(/4\.900 is above ln 10 = 2\.303 \(worse than the uniform guess\)/);
  });

  it('never flags accuracy clearly above chance, even with a loss at ln 10', () => {
    expect(detectBreakdown(series([[0.16, LN10]]), 10).didNotTrain).toBe(false);
    expect(detectBreakdown(series([[0.15, LN10]]), 10).didNotTrain).toBe(true); // the margin's edge
  });

  it('flags a NaN or infinite loss whatever the accuracy', () => {
    const nan = detectBreakdown(
      series([
        [0.9, 0.2],
        [0.5, NaN],
      ]),
      10,
    );
    expect(nan.didNotTrain).toBe(true);
    expect(nan.reason).toMatch(/NaN by epoch 2/);
    expect(detectBreakdown(series([[0.1, Infinity]]), 10).didNotTrain).toBe(true);
  });

  it('scales chance and ln C with the number of classes', () => {
    // 2 classes: chance 0.5, ln 2 = 0.693.
    expect(detectBreakdown(series([[0.5, 0.69]]), 2).didNotTrain).toBe(true);
    expect(detectBreakdown(series([[0.5, 0.5]]), 2).didNotTrain).toBe(false);
    expect(detectBreakdown(series([[0.1, 0.69]]), 10).didNotTrain).toBe(false);
    expect(detectBreakdown(series([[0.3, LN10]]), 10).didNotTrain).toBe(false);
  });

  it('does not judge a run with no epochs, and rejects fewer than 2 classes', () => {
    expect(detectBreakdown([], 10)).toEqual({ didNotTrain: false, reason: null });
    expect(() => detectBreakdown(series([[0.1, 0]]), 1)).toThrow(/numClasses/);
  });
});

describe('a run forced to break down', () => {
  let train: ImageSet;
  let test: ImageSet;
  beforeAll(async () => {
    await useBackend('wasm');
    [train, test] = await Promise.all([
      loadDatasetNode('mnist', 'train'),
      loadDatasetNode('mnist', 'test'),
    ]);
  });

  it('cnn-s at lr 10 (the top of the allowed range) on 300 MNIST images is flagged', async () => {
    // Measured: no NaN (the loop would stop the run) and no loss at ln 10 either; the loss ends
    // far above ln 10 at chance accuracy, so the "worse than uniform" branch must catch it.
    const config = { ...defaultTrainConfig(), trainSize: 300, testSize: 100, epochs: 2, lr: 10 };
    const r = await runTraining(config, selectRunData(config, train, test));
    const last = r.metrics[1]!;
    expect(Number.isFinite(last.trainLoss)).toBe(true);
    expect(last.trainAcc).toBeLessThan(0.15);
    expect(last.trainLoss).toBeGreaterThan(Math.log(10) + 0.1);
    const v = detectBreakdown(r.metrics, train.numClasses);
    expect(v.didNotTrain).toBe(true);
    expect(v.reason).toMatch(/worse than the uniform guess/);
    // The same run at the default rate trains, and the detector says so.
    const ok = { ...config, lr: defaultTrainConfig().lr };
    const r2 = await runTraining(ok, selectRunData(ok, train, test));
    expect(r2.metrics[1]!.trainAcc).toBeGreaterThan(0.2); // 0.24: a slow but real start
    expect(detectBreakdown(r2.metrics, train.numClasses).didNotTrain).toBe(false);
  });
});
