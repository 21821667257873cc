import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { RunDb } from '../../src/app/persist/db';
import { startPersistence } from '../../src/app/persist/persister';
import { INTERRUPTED_MESSAGE, toSavedRun } from '../../src/app/share/saved-experiment';
import { fakeStore, runExperiment } from './helpers/share-fixture';

let dbs = 0;
const freshName = () => `salscape-test-${++dbs}`;
const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** A page: a fresh store persisting into database `name` through its own handle. */
async function page(name: string, restoreSettings = false) {
  const { store, lab } = fakeStore();
  const handles: RunDb[] = [];
  const p = startPersistence(
    store,
    async () => {
      const db = await RunDb.open(name);
      handles.push(db);
      return db;
    },
    { delayMs: 5, restoreSettings },
  );
  await p.ready;
  const close = () => {
    p.stop();
    handles.forEach((h) => h.close());
  };
  return { store, lab, p, close };
}

describe('IndexedDB persistence', () => {
  it('saves finished experiments and loads them back through a fresh database handle', async () => {
    const name = freshName();
    const a = await page(name);
    const id = runExperiment(a.store, a.lab, 11);
    a.store.getState().setConfig({ lr: 0.02 });
    await a.p.flush();
    const sA = a.store.getState();
    const exp = sA.experiments[id]!;
    a.close();

    const b = await page(name, true);
    const sB = b.store.getState();
    expect(sB.experimentOrder).toEqual([id]);
    expect(sB.experiments[id]).toEqual(exp);
    for (const rid of [exp.cleanRunId, ...exp.poisonedRunIds])
      expect(sB.runs[rid]).toEqual(toSavedRun(sA.runs[rid]!));
    expect(sB.selectedExperimentId).toBe(id);
    expect(sB.config.lr).toBe(0.02);
    // The last checkpoint of each finished run is kept as its final weights.
    const w = await b.p.weights([exp.cleanRunId]);
    expect(w).toHaveLength(1);
    expect(w[0]!.epoch).toBe(2);
    expect(w[0]!.weights.shapes).toEqual([[4, 3], [3]]);
    expect(bitsOf(w[0]!.weights.data[0]!)).toHaveLength(12);
    // A new experiment after the reload gets an id of its own.
    b.lab.handlers.clear();
    const id2 = runExperiment(b.store, b.lab, 12);
    expect(id2).not.toBe(id);
    await b.p.flush();
    b.close();
    const db = await RunDb.open(name);
    expect((await db.experiments()).map((x) => x.id)).toEqual([id, id2]);
    db.close();
  });

  it('follows renames and deletes, weights included', async () => {
    const name = freshName();
    const a = await page(name);
    const keep = runExperiment(a.store, a.lab, 1);
    const drop = runExperiment(a.store, a.lab, 2);
    await a.p.flush();
    const dropRuns = [a.store.getState().experiments[drop]!.cleanRunId];
    a.store.getState().renameExperiment(keep, '  my run  ');
    a.store.getState().deleteExperiment(drop);
    await a.p.flush();
    a.close();
    const db = await RunDb.open(name);
    const all = await db.experiments();
    expect(all.map((x) => [x.id, x.name])).toEqual([[keep, 'my run']]);
    expect(await db.weights(dropRuns)).toEqual([]);
    expect(await db.rename(keep, 'again')).toBe(true);
    expect(await db.rename('nope', 'x')).toBe(false);
    db.close();
    const b = await page(name);
    expect(b.store.getState().experimentNames).toEqual({ [keep]: 'again' });
    b.close();
  });

  it('runs active at a crash come back marked interrupted, results kept', async () => {
    const name = freshName();
    const a = await page(name);
    const id = runExperiment(a.store, a.lab, 3, 1, false);
    await a.p.flush();
    // No stop(): the page "crashes" with the runs still training.
    const b = await page(name);
    const s = b.store.getState();
    expect(s.interruptedExperiments).toEqual({ [id]: true });
    const runs = [s.experiments[id]!.cleanRunId, ...s.experiments[id]!.poisonedRunIds].map(
      (r) => s.runs[r]!,
    );
    for (const r of runs) {
      expect(r.status).toBe('failed');
      expect(r.error).toBe(INTERRUPTED_MESSAGE);
      expect(r.epochs).toHaveLength(1);
    }
    b.close();
    a.close();
    const db = await RunDb.open(name);
    const [saved] = await db.experiments();
    expect(saved!.interrupted).toBe(true);
    expect(saved!.runs.every((r) => r.status === 'failed')).toBe(true);
    db.close();
  });

  it('saves a running experiment without being asked (throttled), so a crash loses little', async () => {
    const name = freshName();
    const a = await page(name);
    const id = runExperiment(a.store, a.lab, 6, 1, false);
    await new Promise((r) => setTimeout(r, 100));
    const db = await RunDb.open(name);
    const [saved] = await db.experiments();
    expect(saved?.id).toBe(id);
    expect(saved?.runs[0]!.epochs).toHaveLength(1);
    db.close();
    a.close();
  });

  it('a deleted experiment never lends its id to a new one', async () => {
    const { store, lab } = fakeStore();
    const first = runExperiment(store, lab, 7);
    const second = runExperiment(store, lab, 8);
    store.getState().deleteExperiment(first);
    expect(store.getState().experimentOrder).toEqual([second]);
    const third = runExperiment(store, lab, 9);
    expect(third).not.toBe(second);
    expect(store.getState().experimentOrder).toEqual([second, third]);
    expect(Object.keys(store.getState().runs)).toHaveLength(4);
  });

  it('when IndexedDB fails it says so and the app keeps working in memory', async () => {
    const { store, lab } = fakeStore();
    const p = startPersistence(store, () => Promise.reject(new Error('QuotaExceededError')), {
      delayMs: 5,
    });
    await p.ready;
    expect(store.getState().persistNotice).toMatch(
      /cannot be saved in this browser \(QuotaExceededError\)/,
    );
    const id = runExperiment(store, lab, 4);
    await p.flush();
    expect(store.getState().runs[store.getState().experiments[id]!.cleanRunId]!.status).toBe(
      'done',
    );
    expect(await p.weights([store.getState().experiments[id]!.cleanRunId])).toHaveLength(1);
    p.stop();
  });
});
