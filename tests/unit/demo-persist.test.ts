/**
 * Persistence of runs for the worker's 'adopt': every checkpoint of a finished run is kept in
 * IndexedDB when they fit the limit (final weights alone otherwise), restored runs are queued
 * for the worker to adopt, session exports still carry final weights only, and a loaded demo is
 * saved once under its fixed id (a reload brings it back without a second copy).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { RunDb } from '../../src/app/persist/db';
import { startPersistence } from '../../src/app/persist/persister';
import { fakeStore, runExperiment } from './helpers/share-fixture';
import { loadDemo } from '../../src/app/demos/demo-load';
import { DEMO_FORMAT, DEMO_VERSION, type DemoFile } from '../../src/app/demos/demo-file';
import { savedFromStore } from '../../src/app/share/saved-experiment';

let dbs = 0;
const freshName = () => `salscape-demo-test-${++dbs}`;

async function page(name: string, maxWeightBytes?: number) {
  const { store, lab } = fakeStore();
  const handles: RunDb[] = [];
  const p = startPersistence(
    store,
    async () => {
      const db = await RunDb.open(name);
      handles.push(db);
      return db;
    },
    { delayMs: 5, ...(maxWeightBytes ? { maxWeightBytes } : {}) },
  );
  await p.ready;
  const close = () => {
    p.stop();
    handles.forEach((h) => h.close());
  };
  return { store, lab, p, close };
}

describe('checkpoints kept for adoption', () => {
  it('keeps every checkpoint of a finished run and queues restored runs for the worker', async () => {
    const name = freshName();
    const a = await page(name);
    const id = runExperiment(a.store, a.lab, 3, 3);
    await a.p.flush();
    const exp = a.store.getState().experiments[id]!;
    a.close();

    const db = await RunDb.open(name);
    const [w] = await db.weights([exp.cleanRunId]);
    db.close();
    expect(w?.epoch).toBe(3);
    expect(w?.checkpoints).toHaveLength(3);
    expect(w?.checkpoints?.[2]).toEqual(w?.weights);

    const b = await page(name);
    const jobs = b.store.getState().adoptable;
    expect(Object.keys(jobs)).toEqual([exp.cleanRunId, ...exp.poisonedRunIds]);
    const j = jobs[exp.poisonedRunIds[0]!]!;
    expect(j.checkpoints).toHaveLength(3);
    expect(j.poison?.method).toBe('lsp');
    expect(j.config).toEqual(exp.config);
    // Session files carry the final weights only.
    const exported = await b.p.weights([exp.cleanRunId]);
    expect(exported[0]!.checkpoints).toBeUndefined();
    b.close();
  });

  it('over the size limit only the final weights are kept, and adopted as such', async () => {
    const name = freshName();
    // One snapshot of the fixture is 15 floats = 60 bytes; three do not fit in 100.
    const a = await page(name, 100);
    const id = runExperiment(a.store, a.lab, 4, 3);
    await a.p.flush();
    const exp = a.store.getState().experiments[id]!;
    a.close();
    const b = await page(name, 100);
    const j = b.store.getState().adoptable[exp.cleanRunId]!;
    expect(j.checkpoints).toHaveLength(1);
    b.close();
  });

  it('a loaded demo is saved once under its fixed id and comes back after a reload', async () => {
    const name = freshName();
    const a = await page(name);
    const src = runExperiment(a.store, a.lab, 5);
    const saved = savedFromStore(a.store.getState(), src, 0)!;
    a.store.getState().deleteExperiment(src);
    const file: DemoFile = {
      format: DEMO_FORMAT,
      version: DEMO_VERSION,
      id: 'd',
      label: 'd',
      createdAt: '2026-01-01',
      backend: 'wasm',
      settings: {
        config: saved.experiment.config,
        sal: saved.experiment.sal,
        defence: null,
        ratio: 1,
        seed: 1,
        eps: { lsp: saved.runs[1]!.poisonSettings!.eps },
      },
      runs: saved.runs.map((r) => ({
        key: r.method ?? 'clean',
        run: r,
        checkpoints: [{ names: [], shapes: [], data: [] }],
      })),
      landscapes: [],
    };
    const id = loadDemo(a.store, file, ['lsp'], { now: 1 });
    loadDemo(a.store, file, ['lsp'], { now: 2 });
    await a.p.flush();
    a.close();
    const b = await page(name);
    const s = b.store.getState();
    expect(s.experimentOrder).toEqual([id]);
    expect(s.experiments[id]!.demo?.id).toBe('d');
    b.close();
  });
});
