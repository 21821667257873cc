/**
 * An experiment as it is saved (IndexedDB) and exported (session files): the experiment, its
 * runs' records (everything the charts, heatmaps, UD cards and gallery redraw from), its name,
 * and whether it was cut short. Plus the helpers that take one out of and put one into a store.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { WeightSnapshot } from '../../core/weights';
import { isActiveStatus, type RunState } from '../../store/reducers/run-state';
import type { All, Experiment } from '../../store/types';

/** A saved experiment. */
export interface SavedExperiment {
  /** The experiment's id in the store (its key in IndexedDB). */
  id: string;
  /** The user's name for it (null: "experiment #n"). */
  name: string | null;
  /** Milliseconds since 1970 of the last save. */
  savedAt: number;
  /** True when a run was still active as the page closed or crashed. */
  interrupted: boolean;
  experiment: Experiment;
  /** The clean run first, then the poisoned runs, as in the experiment. */
  runs: RunState[];
}

/** Final weights of a run (the last epoch's checkpoint). */
export interface SavedWeights {
  runId: string;
  epoch: number;
  weights: WeightSnapshot;
  /**
   * Every checkpoint, epochs 1..`epoch` in order, where they fit the size limit (IndexedDB
   * only: landscapes and drill-downs of a restored run need them; session files leave them out).
   */
  checkpoints?: WeightSnapshot[];
}

/** Why an interrupted run failed, in words. */
export const INTERRUPTED_MESSAGE =
  'interrupted: the page was closed or crashed while this run was active; results up to then are kept';

/** A run as saved: transient state cleared, unfinished drill-downs left out. */
export function toSavedRun(run: RunState): RunState {
  const filters = Object.fromEntries(
    Object.entries(run.filters).filter(([, f]) => f.status === 'done'),
  );
  return { ...run, filters, progress: null, cancelRequested: false };
}

/** The saved record of a store experiment, or null if it is not there (or lacks a run). */
export function savedFromStore(s: All, id: string, now: number): SavedExperiment | null {
  const experiment = s.experiments[id];
  if (!experiment) return null;
  const runs: RunState[] = [];
  for (const rid of [experiment.cleanRunId, ...experiment.poisonedRunIds]) {
    const r = s.runs[rid];
    if (!r) return null;
    runs.push(toSavedRun(r));
  }
  return {
    id,
    name: s.experimentNames[id] ?? null,
    savedAt: now,
    interrupted: Boolean(s.interruptedExperiments[id]),
    experiment,
    runs,
  };
}

/** True while any run of a saved experiment was still active when it was saved. */
export const hasActiveRun = (saved: SavedExperiment): boolean =>
  saved.runs.some((r) => isActiveStatus(r.status));

/**
 * Marks a record loaded after a reload: runs that were still active become failed with
 * {@link INTERRUPTED_MESSAGE} and the experiment `interrupted`. Unchanged records come back as is.
 */
export function markInterrupted(saved: SavedExperiment): SavedExperiment {
  if (!hasActiveRun(saved)) return saved;
  return {
    ...saved,
    interrupted: true,
    runs: saved.runs.map((r) =>
      isActiveStatus(r.status)
        ? { ...r, status: 'failed', error: INTERRUPTED_MESSAGE, detail: 'interrupted' }
        : r,
    ),
  };
}

/**
 * The same record under fresh ids (`<prefix>` for the experiment, `<prefix>/<old run id>` for
 * runs), so an imported file never overwrites or collides with what is already there.
 */
export function withFreshIds(saved: SavedExperiment, prefix: string): SavedExperiment {
  const rid = (id: string) => `${prefix}/${id}`;
  const e = saved.experiment;
  return {
    ...saved,
    id: prefix,
    experiment: {
      ...e,
      id: prefix,
      cleanRunId: rid(e.cleanRunId),
      poisonedRunIds: e.poisonedRunIds.map(rid),
    },
    runs: saved.runs.map((r) => ({ ...r, id: rid(r.id), experimentId: prefix })),
  };
}

/**
 * Puts saved experiments into a store: before the session's own ones (`first`, used on start)
 * or after them (imports). Ids already in the store are skipped. The last one added becomes
 * the selected experiment when none is selected.
 */
export function addSavedExperiments(
  store: StoreApi<All>,
  saved: readonly SavedExperiment[],
  where: 'first' | 'last',
): void {
  store.setState((s) => {
    const fresh = saved.filter((x) => !s.experiments[x.id]);
    if (fresh.length === 0) return {};
    const runs = { ...s.runs };
    const experiments = { ...s.experiments };
    const names = { ...s.experimentNames };
    const interrupted = { ...s.interruptedExperiments };
    const runIds: string[] = [];
    for (const x of fresh) {
      experiments[x.id] = x.experiment;
      for (const r of x.runs) {
        runs[r.id] = r;
        runIds.push(r.id);
      }
      if (x.name) names[x.id] = x.name;
      if (x.interrupted) interrupted[x.id] = true;
    }
    const ids = fresh.map((x) => x.id);
    const last = fresh[fresh.length - 1]!;
    const select = s.selectedExperimentId === null;
    return {
      runs,
      experiments,
      experimentNames: names,
      interruptedExperiments: interrupted,
      runOrder: where === 'first' ? [...runIds, ...s.runOrder] : [...s.runOrder, ...runIds],
      experimentOrder:
        where === 'first' ? [...ids, ...s.experimentOrder] : [...s.experimentOrder, ...ids],
      ...(select
        ? {
            selectedExperimentId: last.id,
            focusedRunId: last.experiment.poisonedRunIds[0] ?? null,
          }
        : {}),
    };
  });
}
