/** Pretrained cross-task demos: matching, loading into the store, fetching (app/demos/crosstask-demo.ts). */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type PoisonMethodId } from '../../src/core/poison-types';
import type { SalSettings } from '../../src/core/sal-types';
import { defaultTrainConfig, type TrainConfig } from '../../src/core/train-config';
import type { CrossTaskResult } from '../../src/core/cross-task-types';
import type { AppStore } from '../../src/store';
import {
  httpCrossTaskDemos,
  matchCrossTaskDemo,
  startCrossTaskDemos,
  type CrossTaskDemoEntry,
  type CrossTaskDemoIndex,
  type CrossTaskDemoSource,
} from '../../src/app/demos/crosstask-demo';
import { defaultPoisonConfig, defaultSalSettings, methodEps } from '../../src/store/poison-config';
import { crossTaskSetup, currentKeyOf, syntheticResult } from './helpers/crosstask-fixture';
import type { FakeLab } from './helpers/fake-lab';

const config = defaultTrainConfig();
const sal = defaultSalSettings();

let client: FakeLab;
let store: AppStore;

beforeEach(() => {
  ({ client, store } = crossTaskSetup());
});

const currentKey = () => currentKeyOf(store.getState());

const emEps = () => methodEps(defaultPoisonConfig(), 'em-class', 'mnist');

function entry(patch: Partial<CrossTaskDemoEntry> = {}): CrossTaskDemoEntry {
  return {
    file: 'em-class.json',
    config: defaultTrainConfig(),
    method: 'em-class',
    eps: emEps(),
    sal: defaultSalSettings(),
    ...patch,
  };
}

const indexOf = (entries: CrossTaskDemoEntry[]): CrossTaskDemoIndex => ({
  format: 'salscape-crosstask-index',
  version: 1,
  entries,
});

describe('matchCrossTaskDemo', () => {
  const e = entry();
  const idx = indexOf([entry({ file: 'other.json', method: 'lsp', eps: 1 }), e]);
  const m = (
    c: TrainConfig = config,
    method: PoisonMethodId = 'em-class',
    eps = e.eps,
    s: SalSettings | null = sal,
  ) => matchCrossTaskDemo(idx, c, method, eps, s);

  it('finds the entry when method, budget, config and SAL all match', () => {
    expect(m()).toBe(e);
    expect(m({ ...config }, 'em-class', e.eps, { ...sal })).toBe(e);
    expect(m(config, 'lsp', 1)?.file).toBe('other.json');
  });

  it('null when any of them differs', () => {
    expect(m(config, 'em')).toBeNull();
    expect(m(config, 'em-class', e.eps + 0.01)).toBeNull();
    expect(m({ ...config, seed: 2 })).toBeNull();
    expect(m({ ...config, trainSize: 1000 })).toBeNull();
    expect(m(config, 'em-class', e.eps, null)).toBeNull();
    expect(m(config, 'em-class', e.eps, { ...sal, rounds: sal.rounds + 1 })).toBeNull();
    expect(matchCrossTaskDemo(indexOf([{ ...e, sal: null }]), config, 'em-class', e.eps, sal)).toBe(
      null,
    );
  });
});

/** A demo source over an index and results by file name; counts its calls. */
class FakeSource implements CrossTaskDemoSource {
  indexCalls = 0;
  fileCalls: string[] = [];
  constructor(
    private readonly idx: CrossTaskDemoIndex,
    private readonly files: Record<string, CrossTaskResult | Error | Promise<CrossTaskResult>>,
  ) {}
  index() {
    this.indexCalls++;
    return Promise.resolve(this.idx);
  }
  async file(e: CrossTaskDemoEntry) {
    this.fileCalls.push(e.file);
    const f = this.files[e.file];
    if (!f) throw new Error(`${e.file}: HTTP 404`);
    if (f instanceof Error) throw f;
    return { result: await f, builtWith: 'salscape test' };
  }
}

/** Lets pending promise chains run. */
const settle = async () => {
  for (let k = 0; k < 5; k++) await new Promise((r) => setTimeout(r, 0));
};

describe('startCrossTaskDemos', () => {
  it('loads a matching result as a done demo job under the key the store computes', async () => {
    const result = syntheticResult();
    const src = new FakeSource(indexOf([entry()]), { 'em-class.json': result });
    const stop = startCrossTaskDemos(store, src);
    await vi.waitFor(() => expect(Object.keys(store.getState().crossTasks)).toHaveLength(1));
    const key = currentKey();
    const j = store.getState().crossTasks[key]!;
    expect(j).toMatchObject({
      status: 'done',
      method: 'em-class',
      demo: 'salscape test',
      jobId: 'demo-em-class.json',
      fraction: 1,
    });
    expect(j.result).toBe(result);
    expect(j.sal).toEqual(sal);
    // Running it live replaces the demo under the same key.
    expect(store.getState().runCrossTask()).toBe(key);
    expect(client.crossJobs).toHaveLength(1);
    expect(store.getState().crossTasks[key]!.demo).toBeUndefined();
    stop();
  });

  it('does nothing when no entry matches; fetches the index once across setting changes', async () => {
    const src = new FakeSource(indexOf([entry({ method: 'lsp', eps: 1 })]), {
      'em-class.json': syntheticResult(),
    });
    const stop = startCrossTaskDemos(store, src);
    await settle();
    store.getState().setCrossTaskMethod('em');
    await settle();
    store.getState().setConfig({ seed: 5 });
    await settle();
    store.getState().setSalOn(false);
    await settle();
    expect(store.getState().crossTasks).toEqual({});
    expect(store.getState().crossTaskError).toBeNull();
    expect(src.fileCalls).toEqual([]);
    expect(src.indexCalls).toBe(1);
    stop();
  });

  it('loads the demo once the settings come to match it, and not after stop', async () => {
    const src = new FakeSource(
      indexOf([
        entry({
          file: 'lsp.json',
          method: 'lsp',
          eps: methodEps(defaultPoisonConfig(), 'lsp', 'mnist'),
          sal: null,
        }),
      ]),
      {
        'lsp.json': syntheticResult(),
      },
    );
    const stop = startCrossTaskDemos(store, src);
    await settle();
    store.getState().setCrossTaskMethod('lsp');
    await settle();
    expect(store.getState().crossTasks).toEqual({});
    store.getState().setSalOn(false);
    await vi.waitFor(() => expect(store.getState().crossTasks[currentKey()]?.demo).toBeDefined());
    expect(src.indexCalls).toBe(1);
    stop();
    store.setState({ crossTasks: {} });
    store.getState().setSalOn(true);
    store.getState().setSalOn(false);
    await settle();
    expect(store.getState().crossTasks).toEqual({});
  });

  it('serves no demo at a poison ratio or seed other than the one demos are built with', async () => {
    const src = new FakeSource(indexOf([entry()]), { 'em-class.json': syntheticResult() });
    store.getState().setPoison({ ratio: 0.5 });
    const stop = startCrossTaskDemos(store, src);
    await settle();
    store.getState().setPoison({ ratio: 1, seed: 2 });
    await settle();
    expect(store.getState().crossTasks).toEqual({});
    expect(src.fileCalls).toEqual([]);
    // The built-with settings (ratio 1, seed 1) are served.
    store.getState().setPoison({ seed: 1 });
    await vi.waitFor(() => expect(store.getState().crossTasks[currentKey()]?.demo).toBeDefined());
    stop();
  });

  it('does not overwrite a live job started while the file loads', async () => {
    let resolve: (r: CrossTaskResult) => void = () => {};
    const pending = new Promise<CrossTaskResult>((r) => (resolve = r));
    const src = new FakeSource(indexOf([entry()]), { 'em-class.json': pending });
    const stop = startCrossTaskDemos(store, src);
    await vi.waitFor(() => expect(src.fileCalls).toEqual(['em-class.json']));
    const key = store.getState().runCrossTask()!;
    resolve(syntheticResult());
    await settle();
    const j = store.getState().crossTasks[key]!;
    expect(j.demo).toBeUndefined();
    expect(j.status).toBe('queued');
    expect(j.jobId).toBe(client.crossJobs[0]!.runId);
    stop();
  });

  it('does not look a demo up for settings that already have a job', async () => {
    store.getState().runCrossTask();
    const src = new FakeSource(indexOf([entry()]), { 'em-class.json': syntheticResult() });
    const stop = startCrossTaskDemos(store, src);
    await settle();
    expect(src.fileCalls).toEqual([]);
    expect(store.getState().crossTasks[currentKey()]!.demo).toBeUndefined();
    stop();
  });

  it('a file that fails to load sets crossTaskError and stores no job', async () => {
    const src = new FakeSource(indexOf([entry()]), {
      'em-class.json': new Error('em-class.json: HTTP 500'),
    });
    const stop = startCrossTaskDemos(store, src);
    await vi.waitFor(() => expect(store.getState().crossTaskError).not.toBeNull());
    expect(store.getState().crossTaskError).toMatch(/HTTP 500/);
    expect(store.getState().crossTasks).toEqual({});
    stop();
  });

  it('an index that fails to load is ignored (no error, no job)', async () => {
    const src: CrossTaskDemoSource = {
      index: () => Promise.reject(new Error('offline')),
      file: () => Promise.reject(new Error('not reached')),
    };
    const stop = startCrossTaskDemos(store, src);
    await settle();
    expect(store.getState().crossTaskError).toBeNull();
    expect(store.getState().crossTasks).toEqual({});
    stop();
  });

  it('an index that failed is fetched again after a setting changes, and then served', async () => {
    let calls = 0;
    const good = new FakeSource(indexOf([entry()]), { 'em-class.json': syntheticResult() });
    const src: CrossTaskDemoSource = {
      index: () => (++calls === 1 ? Promise.reject(new Error('offline')) : good.index()),
      file: (e) => good.file(e),
    };
    const stop = startCrossTaskDemos(store, src);
    await settle();
    expect(store.getState().crossTasks).toEqual({});
    // Away and back to the demo's settings: the index is asked for again and the demo loads.
    store.getState().setCrossTaskMethod('lsp');
    await settle();
    store.getState().setCrossTaskMethod('em-class');
    await vi.waitFor(() => expect(store.getState().crossTasks[currentKey()]?.demo).toBeDefined());
    expect(calls).toBeGreaterThanOrEqual(2);
    stop();
  });

  it('a load error is cleared when the settings change (it was about the old ones)', async () => {
    const src = new FakeSource(indexOf([entry()]), {
      'em-class.json': new Error('em-class.json: HTTP 500'),
    });
    const stop = startCrossTaskDemos(store, src);
    await vi.waitFor(() => expect(store.getState().crossTaskError).toMatch(/HTTP 500/));
    store.getState().setConfig({ seed: 7 });
    expect(store.getState().crossTaskError).toBeNull();
    stop();
  });
});

describe('httpCrossTaskDemos', () => {
  const base = 'https://example.test/models/crosstask/';

  /** A fetch over a map of URL -> JSON body (absent: 404); records URLs asked for. */
  function fakeFetch(bodies: Record<string, unknown>) {
    const urls: string[] = [];
    const fn = (async (input: string | URL | Request) => {
      const url = String(input);
      urls.push(url);
      return url in bodies
        ? new Response(JSON.stringify(bodies[url]), { status: 200 })
        : new Response('missing', { status: 404 });
    }) as typeof fetch;
    return { fn, urls };
  }

  const fileBody = (patch: Record<string, unknown> = {}) => {
    const r = syntheticResult();
    return {
      format: 'salscape-crosstask',
      version: 1,
      builtWith: 'salscape 1.2',
      result: r,
      ...patch,
    };
  };

  it('reads the index and a file relative to the base URL', async () => {
    const idx = indexOf([entry()]);
    const f = fakeFetch({ [`${base}index.json`]: idx, [`${base}em-class.json`]: fileBody() });
    const src = httpCrossTaskDemos(base, f.fn);
    expect(await src.index()).toEqual(idx);
    const { result, builtWith } = await src.file(entry());
    expect(builtWith).toBe('salscape 1.2');
    expect(result.outcomes).toHaveLength(4);
    expect(result.chance.rotation).toBe(0.25);
    expect(f.urls).toEqual([`${base}index.json`, `${base}em-class.json`]);
  });

  it('rejects a file with the wrong format tag or no result', async () => {
    const f = fakeFetch({
      [`${base}a.json`]: fileBody({ format: 'salscape-crosstask-index' }),
      [`${base}b.json`]: fileBody({ result: undefined }),
    });
    const src = httpCrossTaskDemos(base, f.fn);
    await expect(src.file(entry({ file: 'a.json' }))).rejects.toThrow(/format/);
    await expect(src.file(entry({ file: 'b.json' }))).rejects.toThrow(/result/);
  });

  it('rejects an index with a bad entry, and a missing file with its HTTP status', async () => {
    for (const bad of [
      { ...entry(), method: 'nope' },
      { ...entry(), file: '../secret.json' },
      { ...entry(), eps: 'big' },
    ]) {
      const f = fakeFetch({ [`${base}index.json`]: { ...indexOf([entry()]), entries: [bad] } });
      await expect(httpCrossTaskDemos(base, f.fn).index()).rejects.toThrow();
    }
    const f = fakeFetch({});
    await expect(httpCrossTaskDemos(base, f.fn).index()).rejects.toThrow(/index\.json: HTTP 404/);
  });
});
