/** Hand-made epoch metrics for the breakdown tests: a run that learnt and one stuck at chance. */
import type { EpochMetrics } from '../../../src/core/run-types';

/** EpochMetrics from [training accuracy, training loss] per epoch (test figures copy them). */
export const epochSeries = (series: [trainAcc: number, trainLoss: number][]): EpochMetrics[] =>
  series.map(([trainAcc, trainLoss], i) => ({
    epoch: i + 1,
    trainAcc,
    trainLoss,
    testAcc: trainAcc,
    testLoss: trainLoss,
    seconds: 1,
    examplesPerSec: 1,
  }));

/** Two epochs of a run that learnt. */
export const LEARNT = epochSeries([
  [0.6, 1.2],
  [0.9, 0.3],
]);
/** Two epochs at the uniform guess of 10 classes (accuracy 0.1, loss ln 10). */
export const STUCK = epochSeries([
  [0.1, 2.31],
  [0.1, 2.303],
]);
