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
  type DemoFile,
  type DemoIndex,
  type DemoIndexEntry,
} from './demo-file';
import { demoExperimentId, loadDemo } from './demo-load';
import { experimentServes, matchDemo, type MatchSettings } from './demo-match';
import { selectBusy } from './selectors';
import type { All, LabClientLike } from './types';

/** Where demos come from. */
export interface DemoSource {
  index(): Promise<DemoIndex>;
  file(entry: DemoIndexEntry): Promise<DemoFile>;
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
    file: async (e) => decodeDemoFile(await get(e.file)),
  };
}

export interface DemoController {
  /** Loads the demo the settings call for, if any; resolves to its experiment id or null. */
  check(): Promise<string | null>;
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
  const files = new Map<string, Promise<DemoFile>>();
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
    try {
      idx = await (index ??= source.index());
    } catch (e) {
      index = null;
      fail('demo list', e);
      return null;
    }
    const s = store.getState();
    const m = matchDemo(idx, settingsOf(s));
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
      let p = files.get(m.entry.id);
      if (!p) files.set(m.entry.id, (p = source.file(m.entry)));
      p.catch(() => files.delete(m.entry.id));
      file = await p;
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
    stop: () => {
      unsub();
      unsubAdopt();
      if (timer) clearTimeout(timer);
    },
  };
}
