/** The runs slice: every run of the session, the selected run, and start / cancel. */
import type { StateCreator } from 'zustand';
import { newRunId } from '../workers/client';
import { firstConfigError } from './config-fields';
import { applyRunMessage, createRun, isActiveStatus } from './run-reducer';
import type { All, RunsSlice, StoreDeps } from './types';
import { TrainConfigSchema } from '../core/train-config';

/** Creates the runs slice. */
export const createRunsSlice =
  (deps: StoreDeps, now: () => number): StateCreator<All, [], [], RunsSlice> =>
  (set, get) => ({
    runs: {},
    runOrder: [],
    selectedRunId: null,
    startError: null,
    startRun: () => {
      const s = get();
      const parsed = TrainConfigSchema.safeParse(s.config);
      if (!parsed.success) {
        const why = firstConfigError(s.config) ?? 'the settings are invalid';
        set({ startError: `Cannot start: ${why}` });
        return null;
      }
      const client = s.client;
      if (!client) {
        set({ startError: 'Cannot start: the lab worker is not running yet. Wait a moment.' });
        return null;
      }
      // The worker trains one run at a time and cancels the old run itself; say so here too.
      for (const r of Object.values(s.runs)) if (isActiveStatus(r.status)) get().cancelRun(r.id);
      const id = deps.newId?.() ?? newRunId();
      const run = createRun(
        id,
        s.runOrder.length + 1,
        parsed.data,
        s.backend?.chosen ?? null,
        now(),
      );
      set((st) => ({
        runs: { ...st.runs, [id]: run },
        runOrder: [...st.runOrder, id],
        selectedRunId: id,
        startError: null,
      }));
      try {
        client.train(parsed.data, (msg) => get().applyMessage(msg), id);
      } catch (e) {
        get().applyMessage({
          type: 'error',
          runId: id,
          message: `Could not start: ${(e as Error).message}`,
        });
      }
      return id;
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
    selectRun: (id) => {
      if (get().runs[id]) set({ selectedRunId: id });
    },
  });
