/**
 * Selectors over the whole store. Those used directly with `useApp` return stored objects or
 * primitives (stable references); the array-valued ones are memoised on their inputs.
 */
import { isActiveStatus, type RunState, type RunStatus } from './reducers/run-state';
import type { All, Experiment } from './types';

/** The selected experiment, or null before the first one. */
export const selectExperiment = (s: All): Experiment | null =>
  s.selectedExperimentId ? (s.experiments[s.selectedExperimentId] ?? null) : null;

/** The clean run of the selected experiment. */
export const selectCleanRun = (s: All): RunState | null => {
  const e = selectExperiment(s);
  return e ? (s.runs[e.cleanRunId] ?? null) : null;
};

/** The poisoned run compared with the clean one (heatmaps, drill-down default). */
export const selectFocusedRun = (s: All): RunState | null =>
  s.focusedRunId ? (s.runs[s.focusedRunId] ?? null) : null;

/** The run that is queued, loading, poisoning, training or measuring SAL, if any. */
export const selectActiveRun = (s: All): RunState | null => {
  for (const id of s.runOrder) {
    const r = s.runs[id];
    if (r && isActiveStatus(r.status) && r.status !== 'queued') return r;
  }
  for (const id of s.runOrder) {
    const r = s.runs[id];
    if (r && isActiveStatus(r.status)) return r;
  }
  return null;
};

/** True while any run is active (the form and the backend choice are locked). */
export const selectBusy = (s: All): boolean => selectActiveRun(s) !== null;

const NO_RUNS: RunState[] = [];
const runsCache = new WeakMap<Experiment, { runs: All['runs']; out: RunState[] }>();

/** The runs of an experiment, clean first (memoised: same array while nothing changed). */
export function experimentRuns(s: Pick<All, 'runs'>, e: Experiment | null): RunState[] {
  if (!e) return NO_RUNS;
  const hit = runsCache.get(e);
  if (hit && hit.runs === s.runs) return hit.out;
  const out = [e.cleanRunId, ...e.poisonedRunIds]
    .map((id) => s.runs[id])
    .filter((r): r is RunState => !!r);
  const same = hit && hit.out.length === out.length && hit.out.every((r, i) => r === out[i]);
  const result = same ? hit.out : out;
  runsCache.set(e, { runs: s.runs, out: result });
  return result;
}

/** The selected experiment's runs, clean first (stable while they do not change). */
export const selectExperimentRuns = (s: All): RunState[] => experimentRuns(s, selectExperiment(s));

/**
 * One state for a whole experiment: the state of the run the worker is on while any run is
 * active; afterwards failed if any failed, else cancelled if any was cancelled, else done.
 */
export function experimentStatus(runs: readonly RunState[]): RunStatus | 'empty' {
  if (runs.length === 0) return 'empty';
  const busy = runs.find((r) => isActiveStatus(r.status) && r.status !== 'queued');
  if (busy) return busy.status;
  if (runs.some((r) => r.status === 'queued')) return 'queued';
  if (runs.some((r) => r.status === 'failed')) return 'failed';
  if (runs.some((r) => r.status === 'cancelled')) return 'cancelled';
  return 'done';
}
