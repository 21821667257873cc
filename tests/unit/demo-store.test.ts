/**
 * Pretrained demos in the store with the fake worker client: loading a demo with its landscapes
 * under the keys the landscape panel asks for and its runs handed to the worker to adopt
 * (app/demos/demo-load.ts), and "Train live" (store/slices/demo-slice.ts). No tfjs.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LANDSCAPE_DEFAULTS } from '../../src/core/landscape-types';
import type { AppStore } from '../../src/store';
import { landscapeKey } from '../../src/store';
import { startDemos } from '../../src/app/demos/demo-controller';
import { demoExperimentId, demoRunId, loadDemo } from '../../src/app/demos/demo-load';
import { jobsForView } from '../../src/store/derived/landscape-view';
import { defended, demoStore, index, plain } from './helpers/demo-fixture';
import type { FakeLab } from './helpers/fake-lab';

describe('loading a demo into a store', () => {
  let store: AppStore;
  let lab: FakeLab;
  beforeEach(() => {
    ({ store, lab } = demoStore(['lsp', 'tap']));
  });

  it('adds a selected experiment of finished runs: clean plus the toggled methods, marked as a demo', () => {
    const id = loadDemo(store, plain, ['lsp', 'tap'], { now: 5 });
    const s = store.getState();
    expect(id).toBe(demoExperimentId('plain', ['lsp', 'tap']));
    expect(s.selectedExperimentId).toBe(id);
    const e = s.experiments[id]!;
    expect(e.demo).toMatchObject({ id: 'plain', backend: 'wasm' });
    const runs = [e.cleanRunId, ...e.poisonedRunIds].map((r) => s.runs[r]!);
    expect(runs.map((r) => r.method)).toEqual([null, 'lsp', 'tap']);
    expect(runs.every((r) => r.status === 'done' && r.epochs.length === 2 && r.sal)).toBe(true);
    expect(runs[1]!.poison?.gallery.count).toBe(2);
    expect(s.focusedRunId).toBe(e.poisonedRunIds[0]);
  });

  it('fills the landscapes under the keys the panel asks for, so none is computed', () => {
    const id = loadDemo(store, plain, ['lsp', 'tap'], { now: 5 });
    const s = store.getState();
    const e = s.experiments[id]!;
    const before = lab.landscapeJobs.length;
    const calls = () => lab.landscapeJobs.length - before;
    for (const p of e.poisonedRunIds)
      for (const view of ['surface', 'contour', 'difference', 'interpolation', 'path'] as const)
        for (const j of jobsForView(
          view,
          { id: e.cleanRunId, label: 'c' },
          { id: p, label: 'p' },
        )) {
          const key = store.getState().requestLandscape(j.kind, j.source, j.target);
          expect(key).toBe(landscapeKey(j.kind, j.source, j.target, LANDSCAPE_DEFAULTS));
          const job = store.getState().landscapes[key]!;
          expect(job.status).toBe('done');
          expect(job.result?.kind).toBe(j.kind);
        }
    expect(calls()).toBe(0);
    // Other settings are computed by the worker, as for any run.
    store.getState().setLandscapeSettings({ grid: 9 });
    store.getState().requestLandscape('surface', e.cleanRunId);
    expect(calls()).toBe(1);
  });

  it('hands the worker every run to adopt, clean first, TAP naming the clean run as surrogate', () => {
    startDemos(store, { index: async () => index, part: async () => plain });
    const id = loadDemo(store, plain, ['lsp', 'tap'], { now: 5 });
    const e = store.getState().experiments[id]!;
    expect(lab.adopted.map((j) => j.runId)).toEqual([e.cleanRunId, ...e.poisonedRunIds]);
    expect(lab.adopted[2]!.surrogateRunId).toBe(e.cleanRunId);
    expect(lab.adopted[1]!.surrogateRunId).toBeNull();
    expect(lab.adopted[1]!.poison).toMatchObject({ method: 'lsp' });
    expect(lab.adopted[0]!.checkpoints).toHaveLength(3);
  });

  it('loading the same demo twice keeps one experiment', () => {
    loadDemo(store, plain, ['lsp', 'tap'], { now: 5 });
    loadDemo(store, plain, ['lsp', 'tap'], { now: 6 });
    expect(store.getState().experimentOrder).toHaveLength(1);
    expect(store.getState().runOrder).toHaveLength(3);
  });

  it('a missing run is refused with its name', () => {
    expect(() => loadDemo(store, defended, ['lsp'], { now: 1 })).toThrow(/has no lsp run/);
  });
});

describe('Train live', () => {
  it('trains the demo experiment’s settings in the browser, next to the demo', () => {
    const { store, lab } = demoStore(['lsp', 'tap']);
    const id = loadDemo(store, plain, ['lsp', 'tap'], { now: 5 });
    // The form has moved on since; Train live puts the demo's settings back.
    store.getState().setConfig({ epochs: 3 });
    store.getState().toggleMethod('tap', false);
    const sent = lab.trains.length;
    const live = store.getState().trainLive();
    expect(live).not.toBeNull();
    expect(live).not.toBe(id);
    expect(store.getState().experimentOrder).toEqual([id, live]);
    const jobs = lab.trains.slice(sent).map((t) => t.job);
    expect(jobs.map((j) => j.poison?.method ?? 'clean')).toEqual(['clean', 'lsp', 'tap']);
    expect(jobs.every((j) => j.config.epochs === plain.settings.config.epochs)).toBe(true);
    expect(store.getState().experiments[live!]!.demo).toBeUndefined();
    expect(demoRunId(id, 'clean')).toBe(store.getState().experiments[id]!.cleanRunId);
  });
});
