/**
 * The cross-task slice's creator: runs the cross-task experiment for the current settings and
 * the chosen poison, and reduces its jobs from worker messages (see `cross-task-jobs`).
 */
import type { StateCreator } from 'zustand';
import { TrainConfigSchema } from '../../core/train-config';
import type { RunMessage } from '../../workers/client';
import { poisonConfigError, poisonSettingsFor } from '../poison-config';
import {
  crossTaskKey,
  isActiveCrossTask,
  reduceCrossTask,
  type CrossTaskJob,
} from '../reducers/cross-task-jobs';
import type { All, CrossTaskSlice, StoreDeps } from '../types';

let counter = 0;
const defaultId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;

/** Creates the cross-task slice. */
export const createCrossTaskSlice =
  (deps: StoreDeps = {}): StateCreator<All, [], [], CrossTaskSlice> =>
  (set, get) => ({
    crossTaskMethod: 'em-class',
    crossTasks: {},
    crossTaskError: null,
    setCrossTaskMethod: (method) => set({ crossTaskMethod: method, crossTaskError: null }),
    runCrossTask: () => {
      const s = get();
      const parsed = TrainConfigSchema.safeParse(s.config);
      const method = s.crossTaskMethod;
      const poisonCfg = { ...s.poison, methods: [method] };
      const why = !parsed.success
        ? 'the training settings are invalid'
        : (poisonConfigError(poisonCfg, parsed.data.dataset) ??
          (!s.client?.crossTask ? 'the lab worker is not running' : null));
      if (why || !parsed.success || !s.client?.crossTask) {
        set({ crossTaskError: `Cannot start the cross-task view: ${why ?? 'unknown reason'}.` });
        return null;
      }
      const config = parsed.data;
      const poison = poisonSettingsFor(poisonCfg, method, config.dataset);
      const sal = s.salOn ? { ...s.salSettings } : null;
      const key = crossTaskKey(config, poison, sal);
      const old = s.crossTasks[key];
      if (old && ((old.status === 'done' && !old.demo) || isActiveCrossTask(old))) return key;
      const jobId = (deps.newId ?? defaultId)('crosstask');
      const job: CrossTaskJob = {
        jobId,
        method,
        config,
        sal,
        status: 'queued',
        detail: 'waiting for the worker',
        fraction: 0,
        result: null,
        error: null,
      };
      set((st) => ({ crossTasks: { ...st.crossTasks, [key]: job }, crossTaskError: null }));
      const onMessage = (msg: RunMessage) => {
        const cur = get().crossTasks[key];
        if (!cur) return;
        const next = reduceCrossTask(cur, msg);
        if (next !== cur) set((st) => ({ crossTasks: { ...st.crossTasks, [key]: next } }));
      };
      try {
        s.client.crossTask({ config, poison, sal }, onMessage, jobId);
      } catch (e) {
        onMessage({ type: 'error', runId: jobId, message: (e as Error).message });
      }
      return key;
    },
    cancelCrossTask: (key) => {
      const s = get();
      const j = s.crossTasks[key];
      if (j && isActiveCrossTask(j)) s.client?.cancel(j.jobId);
    },
  });
