/** The runs slice: runs and experiments, start / cancel, and the per-filter drill-downs. */
import type { StateCreator } from 'zustand';
import { newRunId } from '../../workers/client';
import { freeExperimentId, planExperiment } from '../reducers/experiment-plan';
import {
  applyFilterMessage,
  applyRunMessage,
  isActiveFilter,
  isActiveStatus,
} from '../reducers/run-reducer';
import { filterKey, type FilterSalState, type RunState } from '../reducers/run-state';
import type { All, RunsSlice, StoreDeps } from '../types';

/**
 * The poisoned run to compare first: among finished runs the one whose poison bit hardest
 * (lowest final test accuracy), so a demo opens on a visible effect; else the first.
 */
export function mostBitten(
  runs: Readonly<Record<string, RunState>>,
  ids: readonly string[],
): string | null {
  let best: string | null = null;
  let bestAcc = Infinity;
  for (const id of ids) {
    const r = runs[id];
    const acc = r?.status === 'done' ? r.epochs[r.epochs.length - 1]?.testAcc : undefined;
    if (acc !== undefined && acc < bestAcc) {
      bestAcc = acc;
      best = id;
    }
  }
  return best ?? ids[0] ?? null;
}

/** Creates the runs slice. */
export const createRunsSlice =
  (deps: StoreDeps, now: () => number): StateCreator<All, [], [], RunsSlice> =>
  (set, get) => {
    const makeId = (prefix: string) => deps.newId?.(prefix) ?? newRunId(prefix);

    /** Cancels every active run, drill-down and landscape (the worker runs one job at a time). */
    const cancelEverything = () => {
      const s = get();
      for (const r of Object.values(s.runs)) {
        if (isActiveStatus(r.status)) s.cancelRun(r.id);
        for (const f of Object.values(r.filters)) if (isActiveFilter(f)) s.client?.cancel(f.jobId);
      }
      s.cancelLandscapes();
    };

    return {
      runs: {},
      runOrder: [],
      experiments: {},
      experimentOrder: [],
      selectedExperimentId: null,
      focusedRunId: null,
      filterView: null,
      startError: null,
      startExperiment: () => {
        const s = get();
        const plan = planExperiment({
          settings: s,
          experimentId: freeExperimentId(s.experiments, s.experimentOrder.length + 1),
          experimentIndex: s.experimentOrder.length + 1,
          firstRunIndex: s.runOrder.length + 1,
          newRunId: () => makeId('run'),
          backend: s.backend?.chosen ?? null,
          now: now(),
        });
        if ('error' in plan) {
          set({ startError: plan.error });
          return null;
        }
        const client = s.client;
        if (!client) {
          set({ startError: 'Cannot start: the lab worker is not running yet. Wait a moment.' });
          return null;
        }
        cancelEverything();
        const { experiment, runs } = plan;
        set((st) => ({
          runs: { ...st.runs, ...Object.fromEntries(runs.map((r) => [r.id, r])) },
          runOrder: [...st.runOrder, ...runs.map((r) => r.id)],
          experiments: { ...st.experiments, [experiment.id]: experiment },
          experimentOrder: [...st.experimentOrder, experiment.id],
          selectedExperimentId: experiment.id,
          focusedRunId: experiment.poisonedRunIds[0] ?? null,
          filterView: null,
          startError: null,
        }));
        for (const { runId, job } of plan.jobs) {
          try {
            client.train(job, (msg) => get().applyMessage(msg), runId);
          } catch (e) {
            const message = `Could not start: ${(e as Error).message}`;
            get().applyMessage({ type: 'error', runId, message });
          }
        }
        return experiment.id;
      },
      cancelExperiment: () => {
        const s = get();
        const exp = s.selectedExperimentId ? s.experiments[s.selectedExperimentId] : undefined;
        if (!exp) return;
        for (const id of [exp.cleanRunId, ...exp.poisonedRunIds]) s.cancelRun(id);
      },
      cancelRun: (id) => {
        const { runs, client } = get();
        const run = runs[id];
        if (!run || !isActiveStatus(run.status) || run.cancelRequested) return;
        client?.cancel(id);
        set((st) => ({ runs: { ...st.runs, [id]: { ...run, cancelRequested: true } } }));
      },
      applyMessage: (msg) => {
        const runs = get().runs;
        const next = applyRunMessage(runs, msg, now());
        if (next !== runs) set({ runs: next });
      },
      selectExperiment: (id) => {
        const exp = get().experiments[id];
        if (!exp) return;
        set({
          selectedExperimentId: id,
          focusedRunId: mostBitten(get().runs, exp.poisonedRunIds),
          filterView: null,
        });
      },
      focusRun: (id) => {
        const s = get();
        const run = s.runs[id];
        if (!run || run.method === null || run.experimentId !== s.selectedExperimentId) return;
        set({ focusedRunId: id });
      },
      openFilterSal: (runId, layer, epoch) => {
        const s = get();
        const run = s.runs[runId];
        if (!run) return false;
        const key = filterKey(layer, epoch);
        const view = { runId, layer, epoch };
        const old = run.filters[key];
        if (old && (old.status === 'done' || isActiveFilter(old))) {
          set({ filterView: view });
          return true;
        }
        const settings = run.salSettings;
        const jobId = makeId('filters');
        const fresh: FilterSalState = {
          jobId,
          layer,
          epoch,
          status: 'queued',
          detail: 'waiting for the worker',
          fraction: 0,
          filters: null,
          l0: null,
          settings: settings ?? s.salSettings,
          seconds: null,
          error: null,
        };
        const why = !settings
          ? 'SAL was off for this run, so it has no settings to drill down with.'
          : !s.client
            ? 'the lab worker is not running.'
            : null;
        const state = why ? { ...fresh, status: 'failed' as const, error: why } : fresh;
        set((st) => ({
          runs: { ...st.runs, [runId]: { ...run, filters: { ...run.filters, [key]: state } } },
          filterView: view,
        }));
        if (why || !settings || !s.client) return false;
        const onMessage = (msg: Parameters<All['applyMessage']>[0]) => {
          const runs = get().runs;
          const next = applyFilterMessage(runs, runId, key, msg);
          if (next !== runs) set({ runs: next });
        };
        try {
          s.client.filterSal({ sourceRunId: runId, layer, epoch, settings }, onMessage, jobId);
        } catch (e) {
          onMessage({ type: 'error', runId: jobId, message: (e as Error).message });
          return false;
        }
        return true;
      },
      closeFilterSal: () => set({ filterView: null }),
    };
  };
