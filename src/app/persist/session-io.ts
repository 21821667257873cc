/** Export and import of session files against the store (and the saved weights). */
import type { StoreApi } from 'zustand/vanilla';
import {
  addSavedExperiments,
  savedFromStore,
  withFreshIds,
  type SavedExperiment,
} from '../share/saved-experiment';
import { decodeSession, encodeSession } from '../share/session-file';
import { shareHash } from '../share/share-store';
import type { All } from '../../store/types';
import type { Persistence } from './persister';

/** The session file text of every experiment in the store, with final weights if asked. */
export async function exportSession(
  store: StoreApi<All>,
  persistence: Persistence | null,
  withWeights: boolean,
  now = Date.now(),
): Promise<string> {
  const s = store.getState();
  const experiments = s.experimentOrder
    .map((id) => savedFromStore(s, id, now))
    .filter((x): x is SavedExperiment => x !== null);
  const runIds = experiments.flatMap((x) => x.runs.map((r) => r.id));
  const weights = withWeights && persistence ? await persistence.weights(runIds) : [];
  return encodeSession(shareHash(store), experiments, weights, new Date(now));
}

/** What an import did, in words, or why it did nothing. */
export type ImportResult = { ok: true; message: string } | { ok: false; error: string };

/**
 * Adds the experiments of a session file after the existing ones, under fresh ids so nothing
 * already there is touched. A bad file changes nothing. The file's settings are not applied
 * (the current ones stay); its experiments keep their own.
 */
export async function importSession(
  store: StoreApi<All>,
  persistence: Persistence | null,
  text: string,
  stamp = Date.now().toString(36),
): Promise<ImportResult> {
  const r = decodeSession(text);
  if (!r.ok) return r;
  const { experiments, weights } = r.session;
  const renamed = new Map<string, string>();
  const fresh = experiments.map((x, i) => {
    const y = withFreshIds(x, `imp-${stamp}-${i + 1}`);
    x.runs.forEach((run, k) => renamed.set(run.id, y.runs[k]!.id));
    return y;
  });
  addSavedExperiments(store, fresh, 'last');
  const ws = weights
    .filter((w) => renamed.has(w.runId))
    .map((w) => ({ ...w, runId: renamed.get(w.runId)! }));
  if (persistence && ws.length) await persistence.addWeights(ws);
  const n = fresh.length;
  const runs = fresh.reduce((k, x) => k + x.runs.length, 0);
  return {
    ok: true,
    message: `Imported ${n} experiment${n === 1 ? '' : 's'} (${runs} run${runs === 1 ? '' : 's'}${ws.length ? `, weights of ${ws.length}` : ''}).`,
  };
}
