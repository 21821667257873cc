/**
 * Whether a run of the app did not train (core/breakdown.ts), as every view asks it: judged
 * once the run has stopped, on its final epoch, because a still-training run may yet learn and
 * a mark that comes and goes while the epochs arrive would teach nothing.
 */
import { detectBreakdown, type BreakdownVerdict } from '../../core/breakdown';
import { DATASET_CLASSES } from '../../core/train-config';
import { isActiveStatus, type RunState } from '../reducers/run-state';

const NOT_JUDGED: BreakdownVerdict = { didNotTrain: false, reason: null };

/** The detector's verdict on a stopped run; "trained" (not judged) while it still runs. */
export function runBreakdown(
  run: Pick<RunState, 'status' | 'epochs' | 'config'>,
): BreakdownVerdict {
  if (isActiveStatus(run.status)) return NOT_JUDGED;
  return detectBreakdown(run.epochs, DATASET_CLASSES[run.config.dataset]);
}
