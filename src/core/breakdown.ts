/**
 * Did a run train at all? On some seeds and rates a model's training breaks down: it settles on
 * the uniform guess, so training accuracy stays at chance (1/C) and the training loss sits at
 * ln C. On the test set that looks exactly like a poison "working" (test accuracy at chance), but
 * nothing was learnt from the data, poisoned or clean. Every place that shows a run's result
 * (app, CLI, benchmarks) asks this one detector, so such a run is named, never counted.
 */
import type { EpochMetrics } from './run-types';

/** Accuracy this far above chance (1/C) or more is learning, whatever the loss says. */
export const BREAKDOWN_ACC_MARGIN = 0.05;
/** A training loss within this of ln C is the uniform guess's loss. */
export const BREAKDOWN_LOSS_TOL = 0.1;
/**
 * A final-epoch loss this much below the previous epoch's is still falling: a slow start, which
 * another epoch may turn into learning, not a breakdown (a stuck run's loss moves by less: it
 * sits at ln C up to the noise of an epoch's running mean).
 */
export const BREAKDOWN_LOSS_FALL = 0.02;
/** What the user can do about it; shown wherever a run is marked. */
export const DID_NOT_TRAIN_ADVICE = 'try a lower learning rate or another seed';
/** The short mark on cards, run lines, legends and tables. */
export const DID_NOT_TRAIN_LABEL = 'did not train';

/** The detector's verdict; `reason` says why in words for the UI, null when the run trained. */
export interface BreakdownVerdict {
  didNotTrain: boolean;
  reason: string | null;
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

/**
 * The rule, judged at the run's final epoch (a run that learnt and then collapsed did not
 * train: its final weights are what every later figure uses). With training accuracy at most
 * 1/C + {@link BREAKDOWN_ACC_MARGIN} (training accuracy is measured on the data as given, so a
 * poisoned run that fits its poison is far above chance), the run did not train when:
 * - the training loss is NaN or infinite (at any accuracy): the weights blew up; or
 * - the loss is at least ln C + {@link BREAKDOWN_LOSS_TOL}: worse than the uniform guess, the
 *   weights blew up without reaching NaN (cnn-s at lr 10 on MNIST ends its second epoch at
 *   accuracy 0.04, loss 4.9; tests/unit/breakdown.test.ts); or
 * - |loss - ln C| < {@link BREAKDOWN_LOSS_TOL}: the uniform guess, unless the loss fell by more
 *   than {@link BREAKDOWN_LOSS_FALL} since the previous epoch (a slow start).
 * A loss below ln C - tol beats the uniform guess: the model is learning something, even at
 * near-chance accuracy. Accuracy clearly above chance is never flagged. No epochs yet: nothing
 * to judge, not flagged.
 */
export function detectBreakdown(
  epochs: readonly Pick<EpochMetrics, 'trainAcc' | 'trainLoss'>[],
  numClasses: number,
): BreakdownVerdict {
  if (!(numClasses >= 2))
    throw new Error(`detectBreakdown: numClasses must be >= 2, got ${numClasses}`);
  const last = epochs[epochs.length - 1];
  if (!last) return { didNotTrain: false, reason: null };
  const n = epochs.length;
  if (!Number.isFinite(last.trainLoss))
    return {
      didNotTrain: true,
      reason: `the training loss became ${last.trainLoss} by epoch ${n}: the weights blew up`,
    };
  const chance = 1 / numClasses;
  const lnC = Math.log(numClasses);
  if (last.trainAcc > chance + BREAKDOWN_ACC_MARGIN) return { didNotTrain: false, reason: null };
  if (last.trainLoss <= lnC - BREAKDOWN_LOSS_TOL) return { didNotTrain: false, reason: null };
  const prev = epochs[n - 2];
  const atUniform = last.trainLoss < lnC + BREAKDOWN_LOSS_TOL;
  if (atUniform && prev && prev.trainLoss - last.trainLoss > BREAKDOWN_LOSS_FALL)
    return { didNotTrain: false, reason: null };
  return {
    didNotTrain: true,
    reason:
      `training accuracy ${fmt(last.trainAcc)} at epoch ${n} is chance (1/${numClasses}) and the ` +
      `training loss ${fmt(last.trainLoss)} ` +
      (atUniform
        ? `sits at ln ${numClasses} = ${lnC.toFixed(3)} (the uniform guess)`
        : `is above ln ${numClasses} = ${lnC.toFixed(3)} (worse than the uniform guess)`) +
      `: the model learnt nothing`,
  };
}
