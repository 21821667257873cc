/**
 * The demo controller (app/demos/demo-controller.ts): it fetches the demo that serves the current
 * settings and loads it into the store, once, follows settings changes, and leaves the app as it
 * was when a fetch fails. A fake source and a fake worker client; no tfjs.
 */
import { describe, expect, it } from 'vitest';
import { startDemos, type DemoSource } from '../../src/app/demos/demo-controller';
import { splitDemoFile } from '../../src/app/demos/demo-file';
import { demoExperimentId, loadDemo } from '../../src/app/demos/demo-load';
import { defended, demoStore, index, plain } from './helpers/demo-fixture';
import { runExperiment } from './helpers/share-fixture';

describe('the demo controller', () => {
  const source = (over: Partial<DemoSource> = {}) => {
    const calls = { index: 0, file: [] as string[] };
    const parts = new Map(
      [plain, defended].flatMap((f) => splitDemoFile(f).map((x) => [`${f.id}/${x.key}`, x.part])),
    );
    const src: DemoSource = {
      index: async () => {
        calls.index++;
        return index;
      },
      part: async (e, key) => {
        calls.file.push(`${e.id}/${key}`);
        return parts.get(`${e.id}/${key}`)!;
      },
      ...over,
    };
    return { src, calls };
  };

  it('loads the matching demo once, fetching the index and that one file', async () => {
    const { store } = demoStore(['lsp']);
    const { src, calls } = source();
    const c = startDemos(store, src, { delayMs: 0 });
    const id = await c.check();
    expect(id).toBe(demoExperimentId('plain', ['lsp']));
    expect(store.getState().selectedExperimentId).toBe(id);
    expect(await c.check()).toBeNull();
    expect(calls).toEqual({ index: 1, file: ['plain/clean', 'plain/lsp'] });
    expect(store.getState().demoStatus).toBe('idle');
    c.stop();
  });

  it('prefetching at boot fetches the files once; the check after it uses them', async () => {
    const { store } = demoStore(['lsp']);
    const { src, calls } = source();
    const c = startDemos(store, src);
    c.prefetch();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.file).toEqual(['plain/clean', 'plain/lsp']);
    expect(store.getState().experimentOrder).toHaveLength(0); // fetched, not loaded
    expect(await c.check()).toBe(demoExperimentId('plain', ['lsp']));
    expect(calls).toEqual({ index: 1, file: ['plain/clean', 'plain/lsp'] });
    c.stop();
  });

  it('follows settings changes: a lesson switching to the defended demo loads it', async () => {
    const { store } = demoStore(['lsp']);
    const { src, calls } = source();
    const c = startDemos(store, src, { delayMs: 0 });
    await c.check();
    store.getState().toggleMethod('lsp', false);
    store.getState().toggleMethod('em-class', true);
    store.getState().setDefence({ id: 'bitdepth', bits: 2 });
    await new Promise((r) => setTimeout(r, 20));
    await c.check();
    expect(calls.file).toEqual(['plain/clean', 'plain/lsp', 'defended/clean', 'defended/em-class']);
    const e = store.getState().experiments[store.getState().selectedExperimentId!]!;
    expect(e.demo?.id).toBe('defended');
    expect(e.defence).toEqual({ id: 'bitdepth', bits: 2 });
    c.stop();
  });

  it('does nothing when an experiment of the session already stands for the settings', async () => {
    const { store, lab } = demoStore(['lsp']);
    runExperiment(store, lab, 1);
    const { src, calls } = source();
    const c = startDemos(store, src);
    expect(await c.check()).toBeNull();
    expect(calls.file).toEqual([]);
    expect(store.getState().experimentOrder).toHaveLength(1);
    c.stop();
  });

  it('a failed fetch leaves a clear message and the app as it was', async () => {
    const { store } = demoStore(['lsp']);
    const { src } = source({
      part: async () => {
        throw new Error('plain/lsp.json: HTTP 404');
      },
    });
    const c = startDemos(store, src);
    expect(await c.check()).toBeNull();
    const s = store.getState();
    expect(s.demoStatus).toBe('failed');
    expect(s.demoMessage).toMatch(/could not be fetched \(plain\/lsp\.json: HTTP 404\).*Train/);
    expect(s.experimentOrder).toHaveLength(0);
    c.stop();
  });

  it('a demo restored from storage gets its landscapes and checkpoints, without a second copy', async () => {
    const { store } = demoStore(['lsp']);
    loadDemo(store, plain, ['lsp'], { now: 1 });
    const restored = store.getState();
    // As after a reload: the experiment is back from IndexedDB, landscapes and checkpoints are not.
    store.setState({ landscapes: {}, adoptable: {} });
    const { src, calls } = source();
    const c = startDemos(store, src);
    expect(await c.check()).toBe(restored.selectedExperimentId);
    expect(calls.file).toEqual(['plain/clean', 'plain/lsp']);
    expect(store.getState().experimentOrder).toHaveLength(1);
    expect(Object.keys(store.getState().landscapes).length).toBeGreaterThan(0);
    c.stop();
  });
});
