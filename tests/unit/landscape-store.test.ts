/**
 * The app side of loss landscapes: job keys and the job reducer (store/landscape-jobs.ts), the
 * store's request / dedupe / cancel logic with a fake worker client (store/landscape-slice.ts),
 * and what the tabs draw (store/landscape-view.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  LANDSCAPE_DEFAULTS,
  LANDSCAPE_VIEWS,
  type LandscapeSettings,
  type SurfaceGrid,
} from '../../src/core/landscape-types';
import { emptySurface, gridAxis } from '../../src/core/surface-grid';
import { defaultTrainConfig } from '../../src/core/train-config';
import type { RunMessage, TrainJob } from '../../src/workers/client';
import type { LandscapeCommand, LandscapeResult } from '../../src/workers/protocol';
import { createAppStore, type AppStore, type LabClientLike } from '../../src/store';
import {
  isActiveLandscape,
  landscapeKey,
  reduceLandscape,
  type LandscapeJob,
  type LandscapeJobStatus,
} from '../../src/store/reducers/landscape-jobs';
import {
  evaluatedShare,
  jobsForView,
  LEVELS,
  pathOnGrid,
  sharedScale,
  surfaceDifference,
  surfacePanel,
  untransform,
} from '../../src/store/derived/landscape-view';

/** A LabClient stand-in that records every job and lets the test play the worker. */
class FakeClient implements LabClientLike {
  trains: { runId: string; job: TrainJob }[] = [];
  landscapeJobs: { runId: string; job: Omit<LandscapeCommand, 'type' | 'runId'> }[] = [];
  cancels: string[] = [];
  handlers = new Map<string, (msg: RunMessage) => void>();
  failLandscape: string | null = null;
  init() {}
  train(job: TrainJob, onMessage: (msg: RunMessage) => void, runId = 't') {
    this.trains.push({ runId, job });
    this.handlers.set(runId, onMessage);
    return runId;
  }
  filterSal(_job: unknown, onMessage: (msg: RunMessage) => void, runId = 'f') {
    this.handlers.set(runId, onMessage);
    return runId;
  }
  landscape(
    job: Omit<LandscapeCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId = 'l',
  ) {
    if (this.failLandscape) throw new Error(this.failLandscape);
    this.landscapeJobs.push({ runId, job });
    this.handlers.set(runId, onMessage);
    return runId;
  }
  cancel(runId: string) {
    this.cancels.push(runId);
  }
  send(msg: RunMessage) {
    this.handlers.get(msg.runId)?.(msg);
  }
}

/** A fully evaluated surface over [-range, range]^2 with loss f(a, b). */
function surface(n: number, range: number, f: (a: number, b: number) => number): SurfaceGrid {
  const xs = gridAxis(n, range);
  const ys = gridAxis(n, range);
  const s = emptySurface(xs, ys);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      s.loss[j * n + i] = f(xs[i]!, ys[j]!);
      s.acc[j * n + i] = 0.5;
      s.done[j * n + i] = 1;
    }
  return s;
}

const settings: LandscapeSettings = { ...LANDSCAPE_DEFAULTS, grid: 5, limit: 64 };

/** A job as the slice creates it, ready for the reducer. */
function job(patch: Partial<LandscapeJob> = {}): LandscapeJob {
  return {
    jobId: 'j1',
    kind: 'surface',
    sourceRunId: 'r1',
    targetRunId: null,
    settings,
    status: 'queued',
    detail: 'waiting for the worker',
    fraction: 0,
    result: null,
    centre: null,
    error: null,
    ...patch,
  };
}

const surfaceResult = (s: SurfaceGrid): LandscapeResult => ({ kind: 'surface', surface: s });

describe('landscapeKey', () => {
  it('tells apart kinds, runs and targets', () => {
    const keys = new Set([
      landscapeKey('surface', 'a', null, settings),
      landscapeKey('path', 'a', null, settings),
      landscapeKey('interpolation', 'a', null, settings),
      landscapeKey('interpolation', 'a', 'b', settings),
      landscapeKey('interpolation', 'b', 'a', settings),
      landscapeKey('surface', 'b', null, settings),
    ]);
    expect(keys.size).toBe(6);
  });

  it('a surface depends on every setting', () => {
    const base = landscapeKey('surface', 'a', null, settings);
    expect(landscapeKey('surface', 'a', null, { ...settings })).toBe(base);
    for (const patch of [
      { grid: 7 },
      { range: 2 },
      { seed: 9 },
      { includeBiases: true },
      { data: 'train' as const },
      { limit: 128 },
    ])
      expect(landscapeKey('surface', 'a', null, { ...settings, ...patch })).not.toBe(base);
  });

  it('interpolations and paths ignore the random-direction settings (range, seed, biases)', () => {
    for (const kind of ['interpolation', 'path'] as const) {
      const base = landscapeKey(kind, 'a', null, settings);
      for (const patch of [{ range: 2 }, { seed: 9 }, { includeBiases: true }])
        expect(landscapeKey(kind, 'a', null, { ...settings, ...patch })).toBe(base);
      for (const patch of [{ grid: 7 }, { data: 'train-clean' as const }, { limit: 128 }])
        expect(landscapeKey(kind, 'a', null, { ...settings, ...patch })).not.toBe(base);
    }
  });
});

describe('isActiveLandscape', () => {
  it('is true only while queued or running', () => {
    const all: LandscapeJobStatus[] = ['queued', 'running', 'done', 'failed', 'cancelled'];
    expect(all.filter((status) => isActiveLandscape(job({ status })))).toEqual([
      'queued',
      'running',
    ]);
  });
});

describe('reduceLandscape', () => {
  const full = surface(5, 1, (a, b) => a * a + b * b + 1);

  it('ignores messages of other jobs (same object back)', () => {
    const j = job();
    expect(reduceLandscape(j, { type: 'done', runId: 'other', seconds: 1 })).toBe(j);
  });

  it('queued and running statuses set the detail and fraction', () => {
    let j = reduceLandscape(job({ fraction: 0.3 }), {
      type: 'status',
      runId: 'j1',
      stage: 'queued',
      detail: 'x',
      fraction: 0.7,
    });
    expect(j).toMatchObject({ status: 'queued', fraction: 0 });
    j = reduceLandscape(j, {
      type: 'status',
      runId: 'j1',
      stage: 'landscape',
      detail: 'surface 5 x 5 on 64 images',
      fraction: 0.4,
    });
    expect(j).toMatchObject({
      status: 'running',
      fraction: 0.4,
      detail: 'surface 5 x 5 on 64 images',
    });
  });

  it('a landscape message stores the result, the centre and the fraction; a null centre keeps the old one', () => {
    let j = reduceLandscape(job(), {
      type: 'landscape',
      runId: 'j1',
      result: surfaceResult(full),
      fraction: 0.5,
      centre: { loss: 1, acc: 0.5 },
    });
    expect(j.status).toBe('running');
    expect(j.fraction).toBe(0.5);
    expect(j.result?.kind).toBe('surface');
    expect(j.centre).toEqual({ loss: 1, acc: 0.5 });
    j = reduceLandscape(j, {
      type: 'landscape',
      runId: 'j1',
      result: surfaceResult(full),
      fraction: 1,
      centre: null,
    });
    expect(j.centre).toEqual({ loss: 1, acc: 0.5 });
    expect(j.fraction).toBe(1);
  });

  it("'done' after the full result finishes the job", () => {
    const j = reduceLandscape(
      job({ status: 'running', result: surfaceResult(full), fraction: 1 }),
      {
        type: 'done',
        runId: 'j1',
        seconds: 2,
      },
    );
    expect(j).toMatchObject({ status: 'done', fraction: 1, error: null });
  });

  it("'done' without a result, or with only a partial one, fails with a reason", () => {
    for (const start of [job(), job({ result: surfaceResult(full), fraction: 0.5 })]) {
      const j = reduceLandscape(start, { type: 'done', runId: 'j1', seconds: 2 });
      expect(j.status).toBe('failed');
      expect(j.error).toMatch(/without sending the landscape/);
    }
  });

  it("'error' fails with the worker's message and 'cancelled' cancels", () => {
    const failed = reduceLandscape(job(), { type: 'error', runId: 'j1', message: 'boom' });
    expect(failed).toMatchObject({ status: 'failed', error: 'boom' });
    const cancelled = reduceLandscape(job({ status: 'running' }), {
      type: 'cancelled',
      runId: 'j1',
    });
    expect(cancelled.status).toBe('cancelled');
  });

  it('a finished job ignores late messages', () => {
    for (const status of ['done', 'failed', 'cancelled'] as const) {
      const j = job({ status });
      expect(reduceLandscape(j, { type: 'error', runId: 'j1', message: 'late' })).toBe(j);
      expect(
        reduceLandscape(j, {
          type: 'landscape',
          runId: 'j1',
          result: surfaceResult(full),
          fraction: 1,
          centre: null,
        }),
      ).toBe(j);
    }
  });
});

describe('landscape slice', () => {
  let client: FakeClient;
  let store: AppStore;
  let ids: number;

  /** Starts an experiment (clean + random-noise run) and finishes the runs named. */
  function experiment(finish: 'all' | 'clean' | 'none' = 'all') {
    const id = store.getState().startExperiment();
    if (!id) throw new Error(store.getState().startError ?? 'no experiment');
    const e = store.getState().experiments[id]!;
    const poisoned = e.poisonedRunIds[0]!;
    const done =
      finish === 'all' ? [e.cleanRunId, poisoned] : finish === 'clean' ? [e.cleanRunId] : [];
    for (const runId of done) client.send({ type: 'done', runId, seconds: 1 });
    return { clean: e.cleanRunId, poisoned };
  }

  beforeEach(() => {
    client = new FakeClient();
    ids = 0;
    store = createAppStore({
      client,
      now: () => 0,
      newId: (prefix) => `${prefix}${++ids}`,
      config: { ...defaultTrainConfig(), epochs: 1 },
      poison: { methods: ['random'], eps: {}, ratio: 1, seed: 1 },
    });
    store.getState().setLandscapeSettings(settings);
  });

  it('sends one job for a finished run and keys it by landscapeKey', () => {
    const { clean } = experiment();
    const key = store.getState().requestLandscape('surface', clean);
    expect(key).toBe(landscapeKey('surface', clean, null, settings));
    expect(client.landscapeJobs).toHaveLength(1);
    const sent = client.landscapeJobs[0]!;
    expect(sent.job).toEqual({ kind: 'surface', sourceRunId: clean, targetRunId: null, settings });
    const j = store.getState().landscapes[key]!;
    expect(j).toMatchObject({ jobId: sent.runId, status: 'queued', error: null });
  });

  it('dedupes: the same request returns the same key and sends nothing, while queued and once done', () => {
    const { clean } = experiment();
    const s = store.getState();
    const key = s.requestLandscape('surface', clean);
    expect(store.getState().requestLandscape('surface', clean)).toBe(key);
    expect(client.landscapeJobs).toHaveLength(1);
    const { runId } = client.landscapeJobs[0]!;
    client.send({
      type: 'landscape',
      runId,
      result: surfaceResult(surface(5, 1, () => 1)),
      fraction: 1,
      centre: { loss: 1, acc: 0.5 },
    });
    client.send({ type: 'done', runId, seconds: 1 });
    expect(store.getState().landscapes[key]?.status).toBe('done');
    expect(store.getState().requestLandscape('surface', clean)).toBe(key);
    expect(client.landscapeJobs).toHaveLength(1);
  });

  it('a surface ignores settings edited after its request', () => {
    const { clean } = experiment();
    const key = store.getState().requestLandscape('surface', clean);
    store.getState().setLandscapeSettings({ grid: 11 });
    expect(store.getState().landscapes[key]?.settings.grid).toBe(5);
  });

  it('other settings make a new key and a new job; irrelevant ones do not', () => {
    const { clean } = experiment();
    const s = () => store.getState();
    const k1 = s().requestLandscape('surface', clean);
    const i1 = s().requestLandscape('interpolation', clean);
    s().setLandscapeSettings({ seed: 2 });
    const k2 = s().requestLandscape('surface', clean);
    expect(k2).not.toBe(k1);
    // The seed only moves the random directions: the interpolation is the same job.
    expect(s().requestLandscape('interpolation', clean)).toBe(i1);
    s().setLandscapeSettings({ limit: 128 });
    expect(s().requestLandscape('interpolation', clean)).not.toBe(i1);
    expect(client.landscapeJobs.map((j) => j.job.kind)).toEqual([
      'surface',
      'interpolation',
      'surface',
      'interpolation',
    ]);
    expect(client.landscapeJobs[2]!.job.settings.seed).toBe(2);
    expect(new Set(client.landscapeJobs.map((j) => j.runId)).size).toBe(4);
    expect(Object.keys(s().landscapes)).toHaveLength(4);
  });

  it('refuses an unfinished run (or target) with a reason and sends nothing', () => {
    const { clean, poisoned } = experiment('clean');
    const k = store.getState().requestLandscape('surface', poisoned);
    expect(store.getState().landscapes[k]).toMatchObject({
      status: 'failed',
      error: 'the run has not finished training.',
    });
    const t = store.getState().requestLandscape('interpolation', clean, poisoned);
    expect(store.getState().landscapes[t]?.error).toBe(
      'the run to interpolate to has not finished training.',
    );
    const u = store.getState().requestLandscape('surface', 'no-such-run');
    expect(store.getState().landscapes[u]?.status).toBe('failed');
    expect(client.landscapeJobs).toHaveLength(0);
  });

  it('asks again after a failure once the run has finished', () => {
    const { poisoned } = experiment('clean');
    const k = store.getState().requestLandscape('surface', poisoned);
    expect(store.getState().landscapes[k]?.status).toBe('failed');
    client.send({ type: 'done', runId: poisoned, seconds: 1 });
    expect(store.getState().requestLandscape('surface', poisoned)).toBe(k);
    expect(client.landscapeJobs).toHaveLength(1);
    expect(store.getState().landscapes[k]?.status).toBe('queued');
  });

  it('without a worker the job fails with a reason', () => {
    const bare = createAppStore({ newId: (p) => `${p}-x` });
    const k = bare.getState().requestLandscape('surface', 'r1');
    expect(bare.getState().landscapes[k]).toMatchObject({
      status: 'failed',
      error: 'the lab worker is not running.',
    });
  });

  it('a client that throws on send fails the job with its message', () => {
    const { clean } = experiment();
    client.failLandscape = 'postMessage failed';
    const k = store.getState().requestLandscape('path', clean);
    expect(store.getState().landscapes[k]).toMatchObject({
      status: 'failed',
      error: 'postMessage failed',
    });
  });

  it('worker messages drive the job: status, sharpening results, done', () => {
    const { clean } = experiment();
    const key = store.getState().requestLandscape('surface', clean);
    const { runId } = client.landscapeJobs[0]!;
    const at = () => store.getState().landscapes[key]!;
    client.send({ type: 'status', runId, stage: 'queued', detail: 'w', fraction: 0 });
    expect(at().status).toBe('queued');
    client.send({ type: 'status', runId, stage: 'landscape', detail: 'surface', fraction: 0.2 });
    expect(at()).toMatchObject({ status: 'running', fraction: 0.2 });
    const partial = surface(5, 1, () => 2);
    partial.done.fill(0, 10);
    partial.loss.fill(NaN, 10);
    client.send({
      type: 'landscape',
      runId,
      result: surfaceResult(partial),
      fraction: 0.4,
      centre: { loss: 2, acc: 0.25 },
    });
    expect(at()).toMatchObject({
      status: 'running',
      fraction: 0.4,
      centre: { loss: 2, acc: 0.25 },
    });
    expect(at().result).not.toBeNull();
    client.send({
      type: 'landscape',
      runId,
      result: surfaceResult(surface(5, 1, () => 2)),
      fraction: 1,
      centre: { loss: 2, acc: 0.25 },
    });
    client.send({ type: 'done', runId, seconds: 3 });
    expect(at()).toMatchObject({ status: 'done', fraction: 1 });
    // Messages of another job leave this one alone.
    client.send({ type: 'error', runId: 'landscape-zzz', message: 'x' });
    expect(at().status).toBe('done');
  });

  it("'done' without a result fails; 'error' and 'cancelled' end the job", () => {
    const { clean } = experiment();
    const s = () => store.getState();
    const k1 = s().requestLandscape('surface', clean);
    const k2 = s().requestLandscape('interpolation', clean);
    const k3 = s().requestLandscape('path', clean);
    const [j1, j2, j3] = client.landscapeJobs.map((j) => j.runId);
    client.send({ type: 'done', runId: j1!, seconds: 1 });
    client.send({ type: 'error', runId: j2!, message: 'run r1 is not in this session any more' });
    client.send({ type: 'cancelled', runId: j3! });
    expect(s().landscapes[k1]).toMatchObject({
      status: 'failed',
      error: 'the worker finished without sending the landscape',
    });
    expect(s().landscapes[k2]).toMatchObject({
      status: 'failed',
      error: 'run r1 is not in this session any more',
    });
    expect(s().landscapes[k3]?.status).toBe('cancelled');
  });

  it('cancelLandscapes cancels only the active jobs', () => {
    const { clean, poisoned } = experiment();
    const s = () => store.getState();
    s().requestLandscape('surface', clean);
    s().requestLandscape('surface', poisoned);
    s().requestLandscape('interpolation', clean, poisoned);
    const [a, b, c] = client.landscapeJobs.map((j) => j.runId);
    client.send({ type: 'cancelled', runId: b! });
    client.send({ type: 'status', runId: c!, stage: 'landscape', detail: 'x', fraction: 0.5 });
    s().cancelLandscapes();
    expect(client.cancels).toEqual([a, c]);
  });

  it('starting an experiment cancels the active landscape jobs', () => {
    const { clean, poisoned } = experiment();
    const s = () => store.getState();
    s().requestLandscape('surface', clean);
    s().requestLandscape('path', poisoned);
    const [a, b] = client.landscapeJobs.map((j) => j.runId);
    client.send({ type: 'error', runId: b!, message: 'x' });
    const before = client.cancels.length;
    expect(s().startExperiment()).not.toBeNull();
    expect(client.cancels.slice(before)).toEqual([a]);
    // Once the worker confirms, the same request is sent again as a new job.
    client.send({ type: 'cancelled', runId: a! });
    const key = landscapeKey('surface', clean, null, settings);
    expect(s().landscapes[key]?.status).toBe('cancelled');
    expect(s().requestLandscape('surface', clean)).toBe(key);
    expect(client.landscapeJobs).toHaveLength(3);
    expect(s().landscapes[key]?.jobId).toBe(client.landscapeJobs[2]!.runId);
  });
});

describe('surfacePanel', () => {
  const withResult = (result: LandscapeResult | null, centre = { loss: 1, acc: 0.9 }) =>
    job({ status: 'running', result, centre });

  it('is null before the first result, for interpolations and for an all-NaN grid', () => {
    expect(surfacePanel(undefined, false)).toBeNull();
    expect(surfacePanel(job(), false)).toBeNull();
    const curve = {
      alphas: Float32Array.of(0, 1),
      loss: Float32Array.of(1, 2),
      acc: Float32Array.of(1, 1),
    };
    expect(surfacePanel(withResult({ kind: 'interpolation', curve }), false)).toBeNull();
    const empty = emptySurface(gridAxis(5, 1), gridAxis(5, 1));
    expect(surfacePanel(withResult(surfaceResult(empty)), false)).toBeNull();
  });

  it('fills a partial grid without NaN, keeps evaluated points and reports the share done', () => {
    const g = surface(5, 1, (a, b) => 1 + a + 2 * b);
    const done = new Set([0, 2, 4, 10, 12, 14, 20, 22, 24]); // every other row and column
    for (let k = 0; k < 25; k++)
      if (!done.has(k)) {
        g.loss[k] = NaN;
        g.done[k] = 0;
      }
    const p = surfacePanel(withResult(surfaceResult(g)), false)!;
    expect(p).not.toBeNull();
    expect(p.loss.every(Number.isFinite)).toBe(true);
    for (const k of done) expect(p.loss[k]).toBe(g.loss[k]);
    // Every filled value is one of the evaluated ones (taken from a neighbour).
    const known = new Set([...done].map((k) => g.loss[k]));
    for (const v of p.loss) expect(known.has(v)).toBe(true);
    expect(p.fraction).toBeCloseTo(9 / 25, 12);
    expect(evaluatedShare(g)).toBeCloseTo(9 / 25, 12);
    expect(Array.from(p.values)).toEqual(Array.from(p.loss));
    expect(p.marker.i).toBeCloseTo(2, 6);
    expect(p.marker.j).toBeCloseTo(2, 6);
    expect(p.centre).toEqual({ loss: 1, acc: 0.9 });
  });

  it('transforms values with log10 on a log scale, keeping loss in loss units', () => {
    const g = surface(3, 1, (a) => 10 ** (a + 1)); // 1, 10, 100 along a
    const p = surfacePanel(withResult(surfaceResult(g)), true)!;
    expect(p.loss[2]).toBeCloseTo(100, 3);
    expect(p.values[0]).toBeCloseTo(0, 5);
    expect(p.values[1]).toBeCloseTo(1, 5);
    expect(p.values[2]).toBeCloseTo(2, 5);
    expect(untransform(p.values[2]!, true)).toBeCloseTo(100, 3);
    expect(untransform(3, false)).toBe(3);
  });

  it('draws the surface of a path result with the marker at the origin of its (asymmetric) axes', () => {
    const g = surface(5, 1, () => 1);
    g.xs = Float32Array.of(-3, -2, -1, 0, 1);
    const plane = {
      pathA: Float32Array.of(-2.5, -1, 0),
      pathB: Float32Array.of(0.5, -0.5, 0),
      explained: [0.8, 0.15] as [number, number],
      offPlane: new Float32Array(3),
    };
    const p = surfacePanel(withResult({ kind: 'path', surface: g, plane }), false)!;
    expect(p.marker.i).toBeCloseTo(3, 6);
    expect(p.marker.j).toBeCloseTo(2, 6);
  });
});

describe('sharedScale and surfaceDifference', () => {
  const panel = (s: SurfaceGrid) =>
    surfacePanel(job({ status: 'done', result: surfaceResult(s), fraction: 1 }), false);
  const clean = panel(surface(5, 1, (a, b) => 1 + a * a + b * b))!; // 1 .. 3
  const poisoned = panel(surface(5, 1, (a, b) => 2 + a + b * b))!; // 1 .. 4

  it('one domain and one set of levels covers both panels', () => {
    const { domain, levels } = sharedScale([clean, poisoned, null], false);
    expect(domain[0]).toBeCloseTo(1, 6);
    expect(domain[1]).toBeCloseTo(4, 6);
    expect(levels).toHaveLength(LEVELS);
    for (let k = 0; k < levels.length; k++) {
      expect(levels[k]!).toBeGreaterThan(domain[0]);
      expect(levels[k]!).toBeLessThan(domain[1]);
      if (k > 0) expect(levels[k]!).toBeGreaterThan(levels[k - 1]!);
    }
    const alone = sharedScale([clean], false).domain;
    expect(alone[1]).toBeCloseTo(3, 6);
    const log = sharedScale([clean, poisoned], true).domain;
    expect(log[0]).toBeCloseTo(0, 6);
    expect(log[1]).toBeCloseTo(Math.log10(4), 6);
  });

  it('difference is poisoned - clean per point with the largest magnitude as scale', () => {
    const d = surfaceDifference(clean, poisoned)!;
    expect(d).not.toBeNull();
    let maxAbs = 0;
    for (let k = 0; k < 25; k++) {
      const want = poisoned.loss[k]! - clean.loss[k]!;
      expect(d.values[k]).toBeCloseTo(want, 6);
      maxAbs = Math.max(maxAbs, Math.abs(want));
    }
    expect(d.maxAbs).toBeCloseTo(maxAbs, 6);
    expect(maxAbs).toBeGreaterThan(0);
  });

  it('an identical pair has zero difference on a unit scale (no division by zero)', () => {
    const d = surfaceDifference(clean, clean)!;
    expect(d.values.every((v) => v === 0)).toBe(true);
    expect(d.maxAbs).toBe(1);
  });

  it('is null without both panels or when the axes differ', () => {
    expect(surfaceDifference(clean, null)).toBeNull();
    expect(surfaceDifference(null, poisoned)).toBeNull();
    const wider = panel(surface(5, 2, () => 1))!;
    expect(surfaceDifference(clean, wider)).toBeNull();
    const finer = panel(surface(7, 1, () => 1))!;
    expect(surfaceDifference(clean, finer)).toBeNull();
  });
});

describe('pathOnGrid', () => {
  it('maps the path to fractional grid coordinates of its plane surface', () => {
    const g = surface(5, 1, () => 1);
    g.xs = Float32Array.of(-4, -3, -2, -1, 0);
    g.ys = Float32Array.of(-1, -0.5, 0, 0.5, 1);
    const plane = {
      pathA: Float32Array.of(-4, -2.5, 0),
      pathB: Float32Array.of(1, -0.25, 0),
      explained: [0.7, 0.2] as [number, number],
      offPlane: new Float32Array(3),
    };
    const p = pathOnGrid(job({ result: { kind: 'path', surface: g, plane } }))!;
    expect(Array.from(p.i)).toEqual([0, 1.5, 4]);
    expect(Array.from(p.j)).toEqual([4, 1.5, 2]);
  });

  it('is null for no job and for other kinds', () => {
    expect(pathOnGrid(undefined)).toBeNull();
    expect(pathOnGrid(job({ result: surfaceResult(surface(3, 1, () => 1)) }))).toBeNull();
  });
});

describe('jobsForView', () => {
  const clean = { id: 'c', label: 'Clean' };
  const poisoned = { id: 'p', label: 'Random' };

  it('surface, contour and difference need one surface per run', () => {
    for (const view of ['surface', 'contour', 'difference'] as const) {
      expect(jobsForView(view, clean, poisoned)).toEqual([
        { kind: 'surface', source: 'c', target: null, role: 'Clean surface' },
        { kind: 'surface', source: 'p', target: null, role: 'Random surface' },
      ]);
      expect(jobsForView(view, clean, null)).toEqual([
        { kind: 'surface', source: 'c', target: null, role: 'Clean surface' },
      ]);
    }
  });

  it('interpolation needs clean -> poisoned and each run from init to final', () => {
    expect(jobsForView('interpolation', clean, poisoned)).toEqual([
      { kind: 'interpolation', source: 'c', target: 'p', role: 'Clean → Random' },
      { kind: 'interpolation', source: 'c', target: null, role: 'Clean: initial → final' },
      { kind: 'interpolation', source: 'p', target: null, role: 'Random: initial → final' },
    ]);
    expect(jobsForView('interpolation', clean, null)).toEqual([
      { kind: 'interpolation', source: 'c', target: null, role: 'Clean: initial → final' },
    ]);
  });

  it('path needs one path plane per run', () => {
    expect(jobsForView('path', clean, poisoned).map((j) => [j.kind, j.source, j.target])).toEqual([
      ['path', 'c', null],
      ['path', 'p', null],
    ]);
    expect(jobsForView('path', clean, null)).toHaveLength(1);
  });

  it('covers every view', () => {
    for (const view of LANDSCAPE_VIEWS) {
      const jobs = jobsForView(view, clean, null);
      expect(jobs.length).toBeGreaterThan(0);
      expect(jobs.every((j) => j.source === 'c')).toBe(true);
    }
  });
});
