/**
 * The store's landscape request / dedupe / cancel logic with a fake worker client
 * (store/slices/landscape-slice.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultTrainConfig } from '../../src/core/train-config';
import { createAppStore, type AppStore } from '../../src/store';
import { landscapeKey } from '../../src/store/reducers/landscape-jobs';
import { FakeLab } from './helpers/fake-lab';
import { settings, surface, surfaceResult } from './helpers/landscape-fixture';

describe('landscape slice', () => {
  let client: FakeLab;
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
    client = new FakeLab();
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
    client.fail.landscape = 'postMessage failed';
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
