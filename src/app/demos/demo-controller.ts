/**
 * Serves pretrained demos: when the settings (from a link, a lesson or the defaults) match a
 * demo and no experiment of the session stands for them yet, fetches the index (once) and that
 * one demo file, and loads it. Also hands the demo runs' checkpoints to each worker client.
 * Fetching is injected (`DemoSource`), so Node tests run it without a network.
 */
import type { StoreApi } from 'zustand/vanilla';
import {
  decodeDemoFile,
  decodeDemoIndex,
  mergeDemoParts,
  type DemoFile,
  type DemoIndex,
  type DemoIndexEntry,
  type DemoRunKey,
} from './demo-file';
import { demoExperimentId, loadDemo } from './demo-load';
import { experimentServes, matchDemo, type MatchSettings } from './demo-match';
import { selectBusy } from '../../store/selectors';
import type { All, LabClientLike } from '../../store/types';

/**
 * The Performance API mark of a demo's first full view (landscape, SAL heatmaps and UD on
 * screen), made by DemoBanner; `npm run bench:demo`, the demo browser test and the page's
 * start-up sequence (app/boot.ts) read it.
 */
export const FULL_VIEW_MARK = 'salscape:full-view';

/** Where demos come from. */
export interface DemoSource {
  index(): Promise<DemoIndex>;
  /** The file of one run of a demo. */
  part(entry: DemoIndexEntry, key: DemoRunKey): Promise<DemoFile>;
}

/** Demos served over HTTP from `baseUrl` (ending in '/'), e.g. the app's `models/`. */
export function httpDemoSource(baseUrl: string, fetchFn: typeof fetch = fetch): DemoSource {
  const get = async (name: string) => {
    const r = await fetchFn(new URL(name, baseUrl).href);
    if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
    return r.text();
  };
  return {
    index: async () => decodeDemoIndex(JSON.parse(await get('index.json'))),
    part: async (e, key) => {
      const ref = e.files.find((f) => f.key === key);
      if (!ref) throw new Error(`the demo ${e.id} has no ${key} run`);
      return decodeDemoFile(await get(ref.file));
    },
  };
}

export interface DemoController {
  /** Loads the demo the settings call for, if any; resolves to its experiment id or null. */
  check(): Promise<string | null>;
  /**
   * Starts fetching the files the settings call for without loading them (at boot, while the
   * saved runs are still being read), so a later `check` finds them on their way. Resolves once
   * they are in (or failed: `check` then says why).
   */
  prefetch(): Promise<void>;
  stop(): void;
}

const settingsOf = (s: All): MatchSettings => ({
  config: s.config,
  poison: s.poison,
  salOn: s.salOn,
  salSettings: s.salSettings,
  defence: s.defence,
});

/** Sends every adoptable run to the current client once (a new client gets them all again). */
function syncAdoptions(store: StoreApi<All>): () => void {
  const sent = new WeakMap<LabClientLike, Set<string>>();
  const push = (s: All) => {
    const c = s.client;
    if (!c?.adopt) return;
    let done = sent.get(c);
    if (!done) sent.set(c, (done = new Set()));
    for (const [id, job] of Object.entries(s.adoptable)) {
      if (done.has(id)) continue;
      done.add(id);
      c.adopt(job);
    }
  };
  push(store.getState());
  return store.subscribe((s, prev) => {
    if (s.client !== prev.client || s.adoptable !== prev.adoptable) push(s);
  });
}

/**
 * Starts serving demos to `store`: checks again (after `delayMs`) whenever the settings change.
 * Call `check()` once the saved experiments are back, so a restored demo is not fetched twice.
 */
export function startDemos(
  store: StoreApi<All>,
  source: DemoSource,
  opts: { now?: () => number; delayMs?: number } = {},
): DemoController {
  const now = opts.now ?? (() => Date.now());
  let index: Promise<DemoIndex> | null = null;
  const parts = new Map<string, Promise<DemoFile>>();
  /** The runs' files of a demo, each fetched once (a failed one is fetched again next time). */
  const demoFile = async (entry: DemoIndexEntry, keys: readonly DemoRunKey[]) =>
    mergeDemoParts(
      await Promise.all(
        keys.map((key) => {
          const k = `${entry.id}/${key}`;
          let p = parts.get(k);
          if (!p) {
            parts.set(k, (p = source.part(entry, key)));
            p.catch(() => parts.delete(k));
          }
          return p;
        }),
      ),
    );
  const wanted = async () => {
    const idx = await (index ??= source.index());
    const m = matchDemo(idx, settingsOf(store.getState()));
    return { idx, m };
  };
  let running: Promise<string | null> | null = null;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let started = false;
  const fail = (what: string, e: unknown) =>
    store
      .getState()
      .setDemoStatus(
        'failed',
        `The pretrained ${what} could not be fetched (${(e as Error).message}). Press Train to train these settings live; everything else works.`,
      );

  const once = async (): Promise<string | null> => {
    if (selectBusy(store.getState())) return null;
    let idx: DemoIndex;
    let m: ReturnType<typeof matchDemo>;
    try {
      ({ idx, m } = await wanted());
    } catch (e) {
      index = null;
      fail('demo list', e);
      return null;
    }
    const s = store.getState();
    if (!m) return null;
    const id = demoExperimentId(m.entry.id, m.methods);
    const existing = s.experiments[id];
    const ids = existing ? [existing.cleanRunId, ...existing.poisonedRunIds] : [];
    if (existing && ids.every((r) => s.adoptable[r])) return null; // loaded in this session
    if (
      !existing &&
      s.experimentOrder.some((e) => experimentServes(s.experiments[e]!, s.runs, settingsOf(s)))
    )
      return null; // trained live already
    s.setDemoStatus('loading', `Loading the pretrained demo (${m.entry.label})…`);
    let file: DemoFile;
    try {
      file = await demoFile(m.entry, ['clean', ...m.methods]);
    } catch (e) {
      fail('demo', e);
      return null;
    }
    const after = store.getState();
    const still = matchDemo(idx, settingsOf(after));
    if (selectBusy(after) || !still || demoExperimentId(still.entry.id, still.methods) !== id) {
      after.setDemoStatus('idle', null);
      return null;
    }
    loadDemo(store, file, m.methods, { now: now(), select: !existing });
    // For bench:demo: when the demo reached the store (the rest is drawing).
    if (typeof performance !== 'undefined' && 'mark' in performance)
      performance.mark('salscape:demo-loaded');
    store.getState().setDemoStatus('idle', null);
    return id;
  };

  const check = (): Promise<string | null> => {
    started = true;
    if (running) {
      again = true;
      return running;
    }
    running = once().finally(() => {
      running = null;
      if (again) {
        again = false;
        void check();
      }
    });
    return running;
  };

  const unsubAdopt = syncAdoptions(store);
  const unsub = store.subscribe((s, prev) => {
    const changed =
      s.config !== prev.config ||
      s.poison !== prev.poison ||
      s.salOn !== prev.salOn ||
      s.salSettings !== prev.salSettings ||
      s.defence !== prev.defence;
    if (!changed || !started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, opts.delayMs ?? 150);
  });
  return {
    check,
    prefetch: () =>
      wanted()
        .then(async ({ m }) => {
          if (m) await demoFile(m.entry, ['clean', ...m.methods]);
        })
        .catch(() => {
          index = null; // check() fetches again and says what failed
        }),
    stop: () => {
      unsub();
      unsubAdopt();
      if (timer) clearTimeout(timer);
    },
  };
}
