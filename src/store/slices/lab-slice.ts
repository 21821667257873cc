/** The lab slice: the worker client, the backend report and errors that belong to no run. */
import type { StateCreator } from 'zustand';
import {
  applyFilterMessage,
  applyRunMessage,
  isActiveFilter,
  isActiveStatus,
} from '../reducers/run-reducer';
import type { All, LabSlice, StoreDeps } from '../types';

/** How many worker errors are kept for display. */
const MAX_ERRORS = 5;

/** Creates the lab slice. */
export const createLabSlice =
  (deps: StoreDeps, now: () => number): StateCreator<All, [], [], LabSlice> =>
  (set, get) => ({
    client: deps.client ?? null,
    dataUrl: deps.dataUrl ?? './data',
    backend: null,
    backendStatus: 'idle',
    workerErrors: [],
    connectLab: (client, dataUrl) => {
      set({ client, dataUrl });
      get().initBackend();
    },
    disconnectLab: () => set({ client: null, backendStatus: 'idle' }),
    initBackend: () => {
      const { client, backendPreference, dataUrl } = get();
      if (!client) return;
      set({ backendStatus: 'starting' });
      client.init(backendPreference, dataUrl);
    },
    backendReady: (report) => set({ backend: report, backendStatus: 'ready' }),
    workerError: (message) => {
      const s = get();
      const workerErrors = [...s.workerErrors, message].slice(-MAX_ERRORS);
      const backendStatus = s.backendStatus === 'starting' ? 'failed' : s.backendStatus;
      // A crashed worker never finishes its jobs: fail them so they do not spin forever.
      let runs = s.runs;
      if (/crash/i.test(message)) {
        const error = `${message}. Reload the page to start a new worker.`;
        for (const r of Object.values(s.runs)) {
          for (const [key, f] of Object.entries(r.filters)) {
            if (!isActiveFilter(f)) continue;
            const msg = { type: 'error' as const, runId: f.jobId, message: error };
            runs = applyFilterMessage(runs, r.id, key, msg);
          }
          if (!isActiveStatus(r.status)) continue;
          runs = applyRunMessage(runs, { type: 'error', runId: r.id, message: error }, now());
        }
      }
      set({ workerErrors, backendStatus, runs });
    },
    dismissWorkerErrors: () => set({ workerErrors: [] }),
  });
