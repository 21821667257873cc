/** Selectors over the whole store (stable references: they return stored objects). */
import type { RunState } from './run-reducer';
import { isActiveStatus } from './run-reducer';
import type { All } from './types';

/** The selected run, or null before the first run. */
export const selectSelectedRun = (s: All): RunState | null =>
  s.selectedRunId ? (s.runs[s.selectedRunId] ?? null) : null;

/** The run that is queued, loading or training, if any (at most one at a time). */
export const selectActiveRun = (s: All): RunState | null => {
  for (let i = s.runOrder.length - 1; i >= 0; i--) {
    const r = s.runs[s.runOrder[i] ?? ''];
    if (r && isActiveStatus(r.status)) return r;
  }
  return null;
};

/** True while any run is active (the form and the backend choice are locked). */
export const selectBusy = (s: All): boolean => selectActiveRun(s) !== null;
