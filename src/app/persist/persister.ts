/**
 * Mirrors the store's experiments into IndexedDB: loads saved ones back on start (runs cut
 * short by a closed or crashed page come back marked interrupted), saves each experiment
 * while it runs (throttled) and when it ends, follows renames and deletes, keeps the final
 * weights of finished runs, and remembers the settings. Any IndexedDB failure turns into one
 * notice in the store; the app keeps working in memory.
 */
import type { StoreApi } from 'zustand/vanilla';
import { shareHash, applyShareState } from '../share/share-store';
import {
  addSavedExperiments,
  savedFromStore,
  type SavedExperiment,
  type SavedWeights,
} from '../share/saved-experiment';
import type { WeightSnapshot } from '../../core/weights';
import type { AdoptJob } from '../../workers/client';
import { decodeShareState } from '../share/url-codec';
import { isActiveStatus, type RunState } from '../../store/reducers/run-state';
import type { All, Experiment } from '../../store/types';
import type { RunDb } from './db';

export interface PersistOptions {
  /** Wait after a change before saving (ms); a crash loses at most this much. */
  delayMs?: number;
  /**
   * A run's checkpoints are kept when all of them together fit in this many bytes, else its
   * final weights alone when they fit.
   */
  maxWeightBytes?: number;
  /** Apply the saved settings (when the page opened without a link). */
  restoreSettings?: boolean;
  now?: () => number;
}

/** A running persister. */
export interface Persistence {
  /** Resolves once saved experiments are back in the store (or storage has failed). */
  ready: Promise<void>;
  /** Saves pending changes now. */
  flush(): Promise<void>;
  stop(): void;
  /** Final weights of the given runs (this session's from memory, older ones from the database). */
  weights(runIds: readonly string[]): Promise<SavedWeights[]>;
  /** Keeps weights that came with an imported session. */
  addWeights(ws: readonly SavedWeights[]): Promise<void>;
}

/** Checkpoints are kept for runs up to 8 MB (cnn-s and lenet5 are far smaller). */
export const MAX_WEIGHT_BYTES = 8 * 1024 * 1024;

interface Sig {
  exp: Experiment;
  runs: (RunState | undefined)[];
  name: string | undefined;
  interrupted: boolean;
}

function sigOf(s: All, id: string): Sig | null {
  const exp = s.experiments[id];
  if (!exp) return null;
  return {
    exp,
    runs: [exp.cleanRunId, ...exp.poisonedRunIds].map((r) => s.runs[r]),
    name: s.experimentNames[id],
    interrupted: Boolean(s.interruptedExperiments[id]),
  };
}

const sameSig = (a: Sig, b: Sig) =>
  a.exp === b.exp &&
  a.name === b.name &&
  a.interrupted === b.interrupted &&
  a.runs.length === b.runs.length &&
  a.runs.every((r, i) => r === b.runs[i]);

const bytesOf = (w: WeightSnapshot) => w.data.reduce((n, d) => n + d.byteLength, 0);
const snapshotBytes = (w: SavedWeights) => bytesOf(w.weights);

/**
 * What the worker needs to adopt the finished runs of restored experiments whose weights were
 * kept, clean runs first (TAP / SEP rebuild their poisoned sets from them).
 */
function adoptJobs(saved: readonly SavedExperiment[], ws: readonly SavedWeights[]): AdoptJob[] {
  const byRun = new Map(ws.map((w) => [w.runId, w]));
  const jobs: AdoptJob[] = [];
  for (const x of saved) {
    const e = x.experiment;
    for (const r of x.runs) {
      const w = byRun.get(r.id);
      if (!w || r.status !== 'done') continue;
      const method = r.method;
      jobs.push({
        runId: r.id,
        config: r.config,
        poison: r.poisonSettings,
        defence: e.defence ?? null,
        surrogateRunId: method === 'tap' || method === 'sep' ? e.cleanRunId : null,
        checkpoints: w.checkpoints?.length ? w.checkpoints : [w.weights],
      });
    }
  }
  return jobs;
}

/** Starts mirroring `store` into the database `open` resolves to. */
export function startPersistence(
  store: StoreApi<All>,
  open: () => Promise<RunDb>,
  opts: PersistOptions = {},
): Persistence {
  const delay = opts.delayMs ?? 500;
  const maxBytes = opts.maxWeightBytes ?? MAX_WEIGHT_BYTES;
  const now = opts.now ?? (() => Date.now());
  let db: RunDb | null = null;
  let failed = false;
  let stopped = false;
  const synced = new Map<string, Sig>();
  /** The newest checkpoint of each run still training. */
  const latest = new Map<string, SavedWeights>();
  /** Every checkpoint of each run still training, by epoch - 1. */
  const history = new Map<string, WeightSnapshot[]>();
  /** Final weights of this session's finished runs and of imports. */
  const finals = new Map<string, SavedWeights>();
  const unsaved: SavedWeights[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let chain: Promise<void> = Promise.resolve();

  const fail = (e: unknown) => {
    if (failed) return;
    failed = true;
    const why = e instanceof Error ? e.message : String(e);
    store
      .getState()
      .setPersistNotice(
        `Runs cannot be saved in this browser (${why}). They stay in memory and are lost on reload; export a session file to keep them.`,
      );
  };

  // Checkpoints reach the store in 'epoch' messages, which it does not keep; catch the last one.
  const original = store.getState().applyMessage;
  const applyMessage: All['applyMessage'] = (msg) => {
    if (msg.type === 'epoch' && !stopped) {
      latest.set(msg.runId, {
        runId: msg.runId,
        epoch: msg.metrics.epoch,
        weights: msg.checkpoint,
      });
      const h = history.get(msg.runId) ?? [];
      h[msg.metrics.epoch - 1] = msg.checkpoint;
      history.set(msg.runId, h);
    }
    original(msg);
  };
  store.setState({ applyMessage });

  /** Moves the last checkpoint of each run that has just finished into `finals`. */
  const keepFinalWeights = (s: All) => {
    for (const r of Object.values(s.runs)) {
      const last = latest.get(r.id);
      if (!last || isActiveStatus(r.status)) continue;
      latest.delete(r.id);
      const all = history.get(r.id) ?? [];
      history.delete(r.id);
      if (r.status !== 'done') continue; // a cancelled or failed run has no final weights
      if (snapshotBytes(last) > maxBytes) continue;
      const whole = all.length === last.epoch && all.every((c) => c !== undefined);
      const total = all.reduce((n, c) => n + bytesOf(c), 0);
      const w = whole && total <= maxBytes ? { ...last, checkpoints: all } : last;
      finals.set(r.id, w);
      unsaved.push(w);
    }
  };

  const sync = async (): Promise<void> => {
    const s = store.getState();
    keepFinalWeights(s);
    if (failed) unsaved.length = 0;
    if (!db || failed) return;
    const puts = [];
    for (const id of s.experimentOrder) {
      const sig = sigOf(s, id);
      const old = synced.get(id);
      if (!sig || (old && sameSig(old, sig))) continue;
      const saved = savedFromStore(s, id, now());
      if (!saved) continue;
      synced.set(id, sig);
      puts.push(saved);
    }
    const gone = [...synced.keys()].filter((id) => !s.experiments[id]);
    for (const id of gone) synced.delete(id);
    const weights = unsaved.splice(0);
    try {
      for (const x of puts) await db.put(x);
      for (const w of weights) await db.putWeights(w);
      for (const id of gone) await db.delete(id);
    } catch (e) {
      fail(e);
    }
  };
  const enqueue = () => {
    chain = chain.then(sync);
    return chain;
  };

  const ready = (async () => {
    try {
      db = await open();
      const saved = await db.loadMarkingInterrupted();
      addSavedExperiments(store, saved, 'first');
      // Restored runs go to the worker too, so their landscapes and drill-downs work again.
      const done = saved.flatMap((x) => x.runs.filter((r) => r.status === 'done').map((r) => r.id));
      const jobs = adoptJobs(saved, done.length ? await db.weights(done) : []);
      if (jobs.length)
        store.setState((st) => ({
          adoptable: { ...st.adoptable, ...Object.fromEntries(jobs.map((j) => [j.runId, j])) },
        }));
      const s = store.getState();
      for (const x of saved) {
        const sig = sigOf(s, x.id);
        if (sig) synced.set(x.id, sig);
      }
      if (opts.restoreSettings) {
        const hash = await db.settings();
        if (hash) applyShareState(store, decodeShareState(hash).state);
      }
    } catch (e) {
      fail(e);
    }
    await enqueue();
  })();

  let lastHash = shareHash(store);
  const unsub = store.subscribe((st, prev) => {
    const runsChanged =
      st.runs !== prev.runs ||
      st.experiments !== prev.experiments ||
      st.experimentNames !== prev.experimentNames ||
      st.interruptedExperiments !== prev.interruptedExperiments;
    const hash = shareHash(store);
    const settingsChanged = hash !== lastHash;
    // A throttle, not a debounce: a training run changes the store many times a second.
    if ((!runsChanged && !settingsChanged) || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void enqueue();
      const h = shareHash(store);
      if (h !== lastHash && db && !failed) {
        lastHash = h;
        db.saveSettings(h).catch(fail);
      }
    }, delay);
  });

  return {
    ready,
    flush: async () => {
      if (timer) clearTimeout(timer);
      timer = null;
      await ready;
      await enqueue();
      if (db && !failed) {
        lastHash = shareHash(store);
        await db.saveSettings(lastHash).catch(fail);
      }
    },
    stop: () => {
      stopped = true;
      unsub();
      if (timer) clearTimeout(timer);
      if (store.getState().applyMessage === applyMessage)
        store.setState({ applyMessage: original });
    },
    weights: async (runIds) => {
      // Final weights only: session files carry no checkpoint history.
      const finalOnly = ({ runId, epoch, weights }: SavedWeights): SavedWeights => ({
        runId,
        epoch,
        weights,
      });
      const here = runIds.map((id) => finals.get(id)).filter((w): w is SavedWeights => !!w);
      const missing = runIds.filter((id) => !finals.has(id));
      if (!db || failed || missing.length === 0) return here.map(finalOnly);
      try {
        return [...here, ...(await db.weights(missing))].map(finalOnly);
      } catch (e) {
        fail(e);
        return here.map(finalOnly);
      }
    },
    addWeights: async (ws) => {
      for (const w of ws) finals.set(w.runId, w);
      if (!db || failed) return;
      try {
        for (const w of ws) await db.putWeights(w);
      } catch (e) {
        fail(e);
      }
    },
  };
}
