/**
 * Pretrained demos in the store: which settings a demo serves (app/demos/demo-match.ts), the demo
 * file codec (app/demos/demo-file.ts), loading a demo into a store with its landscapes under the
 * keys the landscape panel asks for (app/demos/demo-load.ts), the controller that fetches and loads
 * (app/demos/demo-controller.ts) and "Train live" (store/slices/demo-slice.ts). No tfjs: a fake worker.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { LANDSCAPE_DEFAULTS } from '../../src/core/landscape-types';
import type { PoisonMethodId } from '../../src/core/poison-types';
import { Rng } from '../../src/core/rng';
import type { AppStore } from '../../src/store';
import { landscapeKey } from '../../src/store';
import { startDemos, type DemoSource } from '../../src/app/demos/demo-controller';
import {
  DEMO_FORMAT,
  DEMO_INDEX_FORMAT,
  DEMO_VERSION,
  decodeDemoFile,
  decodeDemoIndex,
  encodeDemoFile,
  encodeDemoIndex,
  mergeDemoParts,
  splitDemoFile,
  type DemoFile,
  type DemoIndex,
  type DemoLandscape,
} from '../../src/app/demos/demo-file';
import { demoExperimentId, demoRunId, loadDemo } from '../../src/app/demos/demo-load';
import { matchDemo, type MatchSettings } from '../../src/app/demos/demo-match';
import { jobsForView } from '../../src/store/derived/landscape-view';
import { methodEps } from '../../src/store/poison-config';
import { savedFromStore } from '../../src/app/share/saved-experiment';
import { fakeStore, runExperiment, snapshot, type FakeLab } from './helpers/share-fixture';
import type { AdoptJob } from '../../src/workers/client';
import type { DefenceSettings } from '../../src/core/defence-types';

const METHODS: PoisonMethodId[] = ['random', 'lsp', 'tap'];

function grid(n: number, rng: Rng) {
  const axis = Float32Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  const loss = Float32Array.from({ length: n * n }, () => 1 + rng.next());
  return {
    xs: axis,
    ys: axis.slice(),
    loss,
    acc: loss.map(() => 0.5),
    done: new Uint8Array(n * n).fill(1),
  };
}

/** A demo built the way demo:build builds one, from a fake-trained experiment. */
function makeDemo(
  id: string,
  methods: PoisonMethodId[],
  defence: DefenceSettings | null,
): DemoFile {
  const { store, lab } = fakeStore();
  const s = store.getState();
  s.toggleMethod('lsp', false);
  for (const m of methods) s.toggleMethod(m, true);
  s.setDefence(defence);
  const expId = runExperiment(store, lab, 7);
  const st = store.getState();
  const exp = st.experiments[expId]!;
  const saved = savedFromStore(st, expId, 0)!;
  const rng = new Rng(3);
  const keyOf = (runId: string) => st.runs[runId]!.method ?? 'clean';
  const landscapes: DemoLandscape[] = [];
  const clean = { id: exp.cleanRunId, label: 'clean' };
  const seen = new Set<string>();
  for (const p of exp.poisonedRunIds)
    for (const view of ['surface', 'interpolation', 'path'] as const)
      for (const j of jobsForView(view, clean, { id: p, label: 'p' })) {
        const k = `${j.kind}|${j.source}|${j.target}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const g = grid(5, rng);
        landscapes.push({
          kind: j.kind,
          source: keyOf(j.source),
          target: j.target ? keyOf(j.target) : null,
          settings: { ...LANDSCAPE_DEFAULTS },
          result:
            j.kind === 'surface'
              ? { kind: 'surface', surface: g }
              : j.kind === 'path'
                ? {
                    kind: 'path',
                    surface: g,
                    plane: {
                      pathA: Float32Array.of(1, 0.5, 0),
                      pathB: Float32Array.of(0.2, 0.1, 0),
                      explained: [0.9, 0.1],
                      offPlane: new Float32Array(3),
                    },
                  }
                : {
                    kind: 'interpolation',
                    curve: { alphas: g.xs, loss: g.xs.map((a) => a * a), acc: g.xs.map(() => 0.5) },
                  },
          centre: { loss: 1, acc: 0.5 },
        });
      }
  return {
    format: DEMO_FORMAT,
    version: DEMO_VERSION,
    id,
    label: id,
    createdAt: '2026-01-01T00:00:00.000Z',
    backend: 'wasm',
    settings: {
      config: { ...exp.config },
      sal: exp.sal,
      defence: exp.defence ?? null,
      ratio: st.poison.ratio,
      seed: st.poison.seed,
      eps: Object.fromEntries(methods.map((m) => [m, methodEps(st.poison, m, exp.config.dataset)])),
    },
    runs: saved.runs.map((r) => ({
      key: r.method ?? 'clean',
      run: { ...r, id: r.method ?? 'clean', experimentId: 'demo' },
      checkpoints: [snapshot(rng), snapshot(rng), snapshot(rng)],
    })),
    landscapes,
  };
}

const plain = makeDemo('plain', METHODS, null);
const defended = makeDemo('defended', ['em-class'], { id: 'bitdepth', bits: 2 });
const index: DemoIndex = decodeDemoIndex(
  JSON.parse(
    encodeDemoIndex({
      format: DEMO_INDEX_FORMAT,
      version: DEMO_VERSION,
      demos: [plain, defended].map((f) => ({
        id: f.id,
        files: splitDemoFile(f).map(({ key }) => ({ key, file: `${f.id}/${key}.json`, bytes: 1 })),
        label: f.label,
        bytes: 1,
        settings: f.settings,
        methods: f.runs.slice(1).map((r) => r.key as PoisonMethodId),
        backend: 'wasm',
        seconds: 1,
        createdAt: f.createdAt,
      })),
    }),
  ),
);

/** A fresh fake store whose settings are the plain demo's, with `methods` toggled. */
function demoStore(methods: PoisonMethodId[] = ['lsp']): {
  store: AppStore;
  lab: FakeLab & { adopted: AdoptJob[] };
} {
  const { store, lab } = fakeStore();
  const adopted: AdoptJob[] = [];
  const withAdopt = Object.assign(lab, { adopted, adopt: (j: AdoptJob) => adopted.push(j) });
  store.setState({ client: withAdopt });
  const s = store.getState();
  for (const m of s.poison.methods) s.toggleMethod(m, false);
  for (const m of methods) s.toggleMethod(m, true);
  return { store, lab: withAdopt };
}

const settingsOf = (store: AppStore): MatchSettings => {
  const s = store.getState();
  return {
    config: s.config,
    poison: s.poison,
    salOn: s.salOn,
    salSettings: s.salSettings,
    defence: s.defence,
  };
};

describe('which settings a demo serves', () => {
  it('serves the settings it was built with, any subset of its methods, and none toggled', () => {
    const { store } = demoStore(['lsp']);
    expect(matchDemo(index, settingsOf(store))?.entry.id).toBe('plain');
    store.getState().toggleMethod('tap', true);
    store.getState().toggleMethod('random', true);
    const m = matchDemo(index, settingsOf(store));
    expect(m?.entry.id).toBe('plain');
    expect(m?.methods).toEqual(['random', 'lsp', 'tap']);
    for (const x of METHODS) store.getState().toggleMethod(x, false);
    expect(matchDemo(index, settingsOf(store))?.methods).toEqual([]);
  });

  it.each([
    ['another training size', (s: AppStore) => s.getState().setConfig({ trainSize: 120 })],
    ['another seed', (s: AppStore) => s.getState().setConfig({ seed: 2 })],
    ['another learning rate', (s: AppStore) => s.getState().setConfig({ lr: 0.01 })],
    ['SAL off', (s: AppStore) => s.getState().setSalOn(false)],
    ['another SAL radius', (s: AppStore) => s.getState().setSalSettings({ eps: 0.1 })],
    ['a defence', (s: AppStore) => s.getState().setDefence({ id: 'bitdepth', bits: 2 })],
    ['another poison ratio', (s: AppStore) => s.getState().setPoison({ ratio: 0.5 })],
    ['another poison seed', (s: AppStore) => s.getState().setPoison({ seed: 9 })],
    ['another LSP budget', (s: AppStore) => s.getState().setMethodEps('lsp', 1)],
    ['a method the demo lacks', (s: AppStore) => s.getState().toggleMethod('em', true)],
  ])('does not serve %s', (_what, change) => {
    const { store } = demoStore(['lsp']);
    change(store);
    expect(matchDemo(index, settingsOf(store))).toBeNull();
  });

  it('the defended demo serves its defence and method only, at 2 bits', () => {
    const { store } = demoStore(['em-class']);
    expect(matchDemo(index, settingsOf(store))).toBeNull();
    store.getState().setDefence({ id: 'bitdepth', bits: 2 });
    expect(matchDemo(index, settingsOf(store))?.entry.id).toBe('defended');
    store.getState().setDefence({ id: 'bitdepth', bits: 3 });
    expect(matchDemo(index, settingsOf(store))).toBeNull();
  });
});

describe('the demo file codec', () => {
  it('round-trips bit-exactly through its compact text', () => {
    const back = decodeDemoFile(encodeDemoFile(plain));
    expect(back.runs.map((r) => r.key)).toEqual(['clean', ...METHODS]);
    const a = plain.runs[1]!.checkpoints[2]!.data[0]!;
    const b = back.runs[1]!.checkpoints[2]!.data[0]!;
    expect(new Uint8Array(b.buffer)).toEqual(new Uint8Array(a.buffer));
    expect(back.landscapes).toHaveLength(plain.landscapes.length);
  });

  it('is cut into one file per run (landscapes with the run they start from) and merged back', () => {
    const parts = splitDemoFile(plain);
    expect(parts.map((p) => p.key)).toEqual(['clean', ...METHODS]);
    expect(parts[0]!.part.landscapes.every((l) => l.source === 'clean')).toBe(true);
    expect(parts[0]!.part.landscapes.filter((l) => l.target !== null)).toHaveLength(3);
    const whole = mergeDemoParts(parts.map((p) => p.part));
    expect(whole.runs).toEqual(plain.runs);
    expect(whole.landscapes).toHaveLength(plain.landscapes.length);
    expect(new Set(whole.landscapes)).toEqual(new Set(plain.landscapes));
    const two = mergeDemoParts([parts[0]!.part, parts[2]!.part]);
    expect(two.runs.map((r) => r.key)).toEqual(['clean', 'lsp']);
    expect(() => mergeDemoParts([parts[0]!.part, { ...parts[1]!.part, createdAt: 'x' }])).toThrow(
      /different builds/,
    );
  });

  it.each([
    ['not JSON', '{"format":', /not valid JSON/],
    ['another format', JSON.stringify({ format: 'x', version: 1 }), /damaged: format/],
    [
      'a run without checkpoints',
      encodeDemoFile({ ...plain, runs: plain.runs.map((r) => ({ ...r, checkpoints: [] })) }),
      /damaged: runs\.0\.checkpoints/,
    ],
    [
      'a damaged run record',
      encodeDemoFile({
        ...plain,
        runs: plain.runs.map((r) => ({ ...r, run: { ...r.run, status: 'odd' as 'done' } })),
      }),
      /damaged: runs\.runs\.0\.status/,
    ],
  ])('rejects %s with a message', (_what, text, msg) => {
    expect(() => decodeDemoFile(text)).toThrow(msg);
  });
});

describe('loading a demo into a store', () => {
  let store: AppStore;
  let lab: FakeLab & { adopted: AdoptJob[] };
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
    let calls = 0;
    lab.landscape = () => `l${++calls}`;
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
    expect(calls).toBe(0);
    // Other settings are computed by the worker, as for any run.
    store.getState().setLandscapeSettings({ grid: 9 });
    store.getState().requestLandscape('surface', e.cleanRunId);
    expect(calls).toBe(1);
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

describe('Train live', () => {
  it('trains the demo experiment’s settings in the browser, next to the demo', () => {
    const { store, lab } = demoStore(['lsp', 'tap']);
    const id = loadDemo(store, plain, ['lsp', 'tap'], { now: 5 });
    // The form has moved on since; Train live puts the demo's settings back.
    store.getState().setConfig({ epochs: 3 });
    store.getState().toggleMethod('tap', false);
    const jobs: { config: { epochs: number }; poison: { method: string } | null }[] = [];
    lab.train = (job, on, runId = 'x') => {
      jobs.push(job as never);
      lab.handlers.set(runId, on);
      return runId;
    };
    const live = store.getState().trainLive();
    expect(live).not.toBeNull();
    expect(live).not.toBe(id);
    expect(store.getState().experimentOrder).toEqual([id, live]);
    expect(jobs.map((j) => j.poison?.method ?? 'clean')).toEqual(['clean', 'lsp', 'tap']);
    expect(jobs.every((j) => j.config.epochs === plain.settings.config.epochs)).toBe(true);
    expect(store.getState().experiments[live!]!.demo).toBeUndefined();
    expect(demoRunId(id, 'clean')).toBe(store.getState().experiments[id]!.cleanRunId);
  });
});
