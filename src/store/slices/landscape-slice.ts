/** The landscape slice: surface settings, the tab on screen and the landscape jobs. */
import type { StateCreator } from 'zustand';
import { LANDSCAPE_DEFAULTS, type LandscapeSettings } from '../../core/landscape-types';
import type { RunMessage } from '../../workers/client';
import {
  isActiveLandscape,
  landscapeKey,
  reduceLandscape,
  type LandscapeJob,
} from '../reducers/landscape-jobs';
import type { All, LandscapeSlice, StoreDeps } from '../types';

let counter = 0;
const defaultId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

/** Creates the landscape slice. */
export const createLandscapeSlice =
  (deps: StoreDeps = {}): StateCreator<All, [], [], LandscapeSlice> =>
  (set, get) => ({
    landscapeSettings: { ...LANDSCAPE_DEFAULTS },
    landscapeView: 'surface',
    landscapeLogScale: false,
    landscapes: {},
    setLandscapeSettings: (patch: Partial<LandscapeSettings>) =>
      set((s) => ({ landscapeSettings: { ...s.landscapeSettings, ...patch } })),
    setLandscapeView: (view) => set({ landscapeView: view }),
    setLandscapeLogScale: (on) => set({ landscapeLogScale: on }),
    requestLandscape: (kind, sourceRunId, targetRunId = null) => {
      const s = get();
      const settings = { ...s.landscapeSettings };
      const key = landscapeKey(kind, sourceRunId, targetRunId, settings);
      const old = s.landscapes[key];
      if (old && (old.status === 'done' || isActiveLandscape(old))) return key;
      const jobId = (deps.newId ?? defaultId)('landscape');
      const why = !s.client
        ? 'the lab worker is not running.'
        : s.runs[sourceRunId]?.status !== 'done'
          ? 'the run has not finished training.'
          : targetRunId && s.runs[targetRunId]?.status !== 'done'
            ? 'the run to interpolate to has not finished training.'
            : null;
      const job: LandscapeJob = {
        jobId,
        kind,
        sourceRunId,
        targetRunId,
        settings,
        status: why ? 'failed' : 'queued',
        detail: why ? 'failed' : 'waiting for the worker',
        fraction: 0,
        result: null,
        centre: null,
        error: why,
      };
      set((st) => ({ landscapes: { ...st.landscapes, [key]: job } }));
      if (why || !s.client) return key;
      const onMessage = (msg: RunMessage) => {
        const cur = get().landscapes[key];
        if (!cur) return;
        const next = reduceLandscape(cur, msg);
        if (next !== cur) set((st) => ({ landscapes: { ...st.landscapes, [key]: next } }));
      };
      try {
        s.client.landscape({ kind, sourceRunId, targetRunId, settings }, onMessage, jobId);
      } catch (e) {
        onMessage({ type: 'error', runId: jobId, message: (e as Error).message });
      }
      return key;
    },
    cancelLandscapes: () => {
      const s = get();
      for (const j of Object.values(s.landscapes))
        if (isActiveLandscape(j)) s.client?.cancel(j.jobId);
    },
  });
