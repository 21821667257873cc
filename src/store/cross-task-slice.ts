/**
 * The cross-task slice: which poison the "Cross-task" view tests and its jobs (one per
 * configuration and poison), reduced from worker messages.
 */
import type { StateCreator } from 'zustand';
import type { PoisonMethodId, PoisonSettings } from '../core/poison-types';
import type { SalSettings } from '../core/sal-types';
import { TrainConfigSchema, type TrainConfig } from '../core/train-config';
import type { CrossTaskResult } from '../core/cross-task-types';
import type { RunMessage } from '../workers/client';
import { poisonConfigError, poisonSettingsFor } from './poison-config';
import type { All, StoreDeps } from './types';
import { isActiveJob, reduceJobLifecycle, type WorkerJobStatus } from './worker-job';

export type CrossTaskStatus = WorkerJobStatus;

export interface CrossTaskJob {
  jobId: string;
  method: PoisonMethodId;
  config: TrainConfig;
  sal: SalSettings | null;
  status: CrossTaskStatus;
  detail: string;
  fraction: number;
  result: CrossTaskResult | null;
  error: string | null;
  /** Set for a pretrained result: how it was made (the view offers to retrain it live). */
  demo?: string;
}

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

export const isActiveCrossTask: (j: CrossTaskJob) => boolean = isActiveJob;

/**
 * The key of a cross-task experiment: configuration, poison (method, budget, and the ratio and
 * seed it is sent with) and SAL settings.
 */
export function crossTaskKey(
  config: TrainConfig,
  poison: Pick<PoisonSettings, 'method' | 'eps' | 'ratio' | 'seed'>,
  sal: SalSettings | null,
): string {
  return JSON.stringify([config, poison.method, poison.eps, poison.ratio, poison.seed, sal]);
}

/** Applies one worker message; the same object when nothing changes. */
export function reduceCrossTask(j: CrossTaskJob, msg: RunMessage): CrossTaskJob {
  const common = reduceJobLifecycle(j, msg);
  if (common) return common;
  switch (msg.type) {
    case 'cross-task':
      return { ...j, status: 'running', result: msg.result, fraction: 1 };
    case 'done':
      return j.result
        ? { ...j, status: 'done', detail: 'finished', fraction: 1 }
        : { ...j, status: 'failed', error: 'the worker finished without sending results' };
    default:
      return j;
  }
}

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
