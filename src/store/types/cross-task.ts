/** The cross-task slice: the poison the "Cross-task" view tests and its jobs. */
import type { PoisonMethodId } from '../../core/poison-types';
import type { CrossTaskJob } from '../reducers/cross-task-jobs';

export interface CrossTaskSlice {
  /** The poison the cross-task view tests (made against digit classification). */
  crossTaskMethod: PoisonMethodId;
  /** Jobs by `crossTaskKey`. */
  crossTasks: Readonly<Record<string, CrossTaskJob>>;
  setCrossTaskMethod(method: PoisonMethodId): void;
  /**
   * Runs the cross-task experiment for the current settings and the chosen poison, unless it
   * is done or on its way. Returns its key, or null with the reason in `crossTaskError`.
   */
  runCrossTask(): string | null;
  cancelCrossTask(key: string): void;
  crossTaskError: string | null;
}
