/**
 * Pretrained cross-task results (public/models/crosstask/): when the settings and the chosen
 * poison match one, the cross-task view shows it at once, marked as a demo; "Run cross-task"
 * is then offered to retrain it live. Fetching is injected, so Node tests run without a network.
 */
import type { StoreApi } from 'zustand/vanilla';
import { z } from 'zod';
import { POISON_METHOD_IDS, type PoisonMethodId } from '../../core/poison-types';
import { SalSettingsSchema, type SalSettings } from '../../core/sal-types';
import { TrainConfigSchema, type TrainConfig } from '../../core/train-config';
import type { CrossTaskResult } from '../../core/cross-task-types';
import { crossTaskKey, type CrossTaskJob } from '../../store/reducers/cross-task-jobs';
import { sameConfig, sameSal } from './demo-match';
import { poisonSettingsFor } from '../../store/poison-config';
import type { All } from '../../store/types';

const EntrySchema = z.object({
  file: z.string().regex(/^[\w.-]+\.json$/),
  config: TrainConfigSchema,
  method: z.enum(POISON_METHOD_IDS),
  eps: z.number(),
  sal: SalSettingsSchema.nullable(),
});
export type CrossTaskDemoEntry = z.infer<typeof EntrySchema>;

export const CrossTaskDemoIndexSchema = z.object({
  format: z.literal('salscape-crosstask-index'),
  version: z.literal(1),
  entries: z.array(EntrySchema),
});
export type CrossTaskDemoIndex = z.infer<typeof CrossTaskDemoIndexSchema>;

/** The file of one result: the entry's settings plus the result (plain JSON). */
const FileSchema = z.object({
  format: z.literal('salscape-crosstask'),
  version: z.literal(1),
  builtWith: z.string(),
  result: z
    .object({
      outcomes: z.array(z.object({ model: z.string(), head: z.string() }).loose()),
      runs: z.array(z.object({ task: z.string(), variant: z.string() }).loose()),
      chance: z.object({ digits: z.number(), rotation: z.number(), segmentation: z.number() }),
    })
    .loose(),
});

/** Where cross-task demos come from. */
export interface CrossTaskDemoSource {
  index(): Promise<CrossTaskDemoIndex>;
  file(entry: CrossTaskDemoEntry): Promise<{ result: CrossTaskResult; builtWith: string }>;
}

/** Demos served over HTTP from `baseUrl` (ending in '/'). */
export function httpCrossTaskDemos(
  baseUrl: string,
  fetchFn: typeof fetch = fetch,
): CrossTaskDemoSource {
  const get = async (name: string): Promise<unknown> => {
    const r = await fetchFn(new URL(name, baseUrl).href);
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return r.json();
  };
  return {
    index: async () => CrossTaskDemoIndexSchema.parse(await get('index.json')),
    file: async (e) => {
      const f = FileSchema.parse(await get(e.file));
      return { result: f.result as unknown as CrossTaskResult, builtWith: f.builtWith };
    },
  };
}

/** The entry serving these settings and poison, or null. */
export function matchCrossTaskDemo(
  index: CrossTaskDemoIndex,
  config: TrainConfig,
  method: PoisonMethodId,
  eps: number,
  sal: SalSettings | null,
): CrossTaskDemoEntry | null {
  return (
    index.entries.find(
      (e) =>
        e.method === method && e.eps === eps && sameConfig(e.config, config) && sameSal(e.sal, sal),
    ) ?? null
  );
}

/** The poison ratio and seed every demo is built with (the bench's defaultPoisonSettings). */
const DEMO_RATIO = 1;
const DEMO_SEED = 1;

/** The current cross-task request of the store: settings, poison, budget and key. */
function current(s: All) {
  const parsed = TrainConfigSchema.safeParse(s.config);
  if (!parsed.success) return null;
  const method = s.crossTaskMethod;
  try {
    const poison = poisonSettingsFor(
      { ...s.poison, methods: [method] },
      method,
      parsed.data.dataset,
    );
    const sal = s.salOn ? { ...s.salSettings } : null;
    return {
      config: parsed.data,
      method,
      eps: poison.eps,
      demoPoison: poison.ratio === DEMO_RATIO && poison.seed === DEMO_SEED,
      sal,
      key: crossTaskKey(parsed.data, poison, sal),
    };
  } catch {
    return null;
  }
}

/**
 * Serves cross-task demos to `store`: whenever the settings or the chosen poison change and no
 * job stands for them, looks the index up (fetched once) and loads a matching result as a
 * finished job. Returns a stop function.
 */
export function startCrossTaskDemos(store: StoreApi<All>, source: CrossTaskDemoSource): () => void {
  let index: Promise<CrossTaskDemoIndex | null> | null = null;
  let lastKey: string | null = null;
  let stopped = false;
  const check = async () => {
    const cur = current(store.getState());
    if (!cur || cur.key === lastKey) return;
    lastKey = cur.key;
    if (store.getState().crossTasks[cur.key]) return;
    index ??= source.index().catch(() => null);
    const idx = await index;
    if (!idx) index = null; // a failed fetch is tried again on the next change
    const entry =
      idx && cur.demoPoison
        ? matchCrossTaskDemo(idx, cur.config, cur.method, cur.eps, cur.sal)
        : null;
    if (!entry) return;
    try {
      const { result, builtWith } = await source.file(entry);
      if (stopped || store.getState().crossTasks[cur.key]) return;
      const job: CrossTaskJob = {
        jobId: `demo-${entry.file}`,
        method: cur.method,
        config: cur.config,
        sal: cur.sal,
        status: 'done',
        detail: `pretrained demo (${builtWith})`,
        fraction: 1,
        result,
        error: null,
        demo: builtWith,
      };
      store.setState((s) => ({ crossTasks: { ...s.crossTasks, [cur.key]: job } }));
    } catch (e) {
      store.setState({
        crossTaskError: `The pretrained cross-task result could not be loaded (${(e as Error).message}). Press Run cross-task to train it here.`,
      });
    }
  };
  void check();
  const unsub = store.subscribe((s, prev) => {
    if (
      s.config !== prev.config ||
      s.poison !== prev.poison ||
      s.salOn !== prev.salOn ||
      s.salSettings !== prev.salSettings ||
      s.crossTaskMethod !== prev.crossTaskMethod
    ) {
      // An error was about the settings before this change.
      if (s.crossTaskError) store.setState({ crossTaskError: null });
      void check();
    }
  });
  return () => {
    stopped = true;
    unsub();
  };
}
