/**
 * The run reducer, the store's runs and worker connection with the fake worker client
 * (store/reducers/run-reducer.ts, store/slices/runs-slice.ts, lab-slice.ts) and the
 * configuration's validation messages.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { EpochMetrics, StepProgress } from '../../src/core/run-types';
import { defaultTrainConfig } from '../../src/core/train-config';
import {
  applyRunMessage,
  createAppStore,
  etaSeconds,
  selectActiveRun,
  selectCleanRun,
  type AppStore,
} from '../../src/store';
import { configErrors, firstConfigError, rangeText } from '../../src/store/config-fields';
import { createRun, MAX_LOSS_POINTS, reduceRun } from '../../src/store/reducers/run-reducer';
import { FakeLab } from './helpers/fake-lab';

const progress = (epoch: number, step: number, loss: number, steps = 10): StepProgress => ({
  epoch,
  step,
  steps,
  loss,
  acc: 0.5,
  examplesPerSec: 100,
});
const metrics = (epoch: number): EpochMetrics => ({
  epoch,
  trainLoss: 0.5,
  trainAcc: 0.8,
  testLoss: 0.6,
  testAcc: 0.75,
  seconds: 2,
  examplesPerSec: 1000,
});
const checkpoint = { names: [], shapes: [], data: [] };

let client: FakeLab;
let clock: number;
let ids: number;
let store: AppStore;

/** Starts an experiment and returns its clean run's id (null when refused). */
function startRun(): string | null {
  const id = store.getState().startExperiment();
  return id ? (store.getState().experiments[id]?.cleanRunId ?? null) : null;
}

beforeEach(() => {
  client = new FakeLab();
  clock = 1000;
  ids = 0;
  // No poison toggled: each experiment is one clean run, as on the first screen.
  store = createAppStore({
    client,
    now: () => clock,
    newId: () => `r${++ids}`,
    dataUrl: 'http://x/data',
    poison: { methods: [], eps: {}, ratio: 1, seed: 1 },
  });
});

describe('run reducer', () => {
  const fresh = () => createRun('a', 1, defaultTrainConfig(), 'wasm', 0);

  it('turns loading status messages into a loading run with a combined fraction', () => {
    let r = reduceRun(
      fresh(),
      {
        type: 'status',
        runId: 'a',
        stage: 'loading-data',
        detail: 'mnist train data',
        fraction: 0.2,
      },
      1000,
    );
    r = reduceRun(
      r,
      { type: 'status', runId: 'a', stage: 'loading-data', detail: 'mnist test data', fraction: 1 },
      2000,
    );
    expect(r.status).toBe('loading');
    expect(r.fraction).toBeCloseTo(0.6);
    expect(r.detail).toContain('mnist train data');
    expect(r.elapsed).toBe(2);
  });

  it('applies progress: status, fraction, latest progress and the loss history', () => {
    let r = reduceRun(fresh(), { type: 'progress', runId: 'a', progress: progress(1, 2, 2.0) }, 0);
    r = reduceRun(r, { type: 'progress', runId: 'a', progress: progress(1, 4, 1.5) }, 0);
    expect(r.status).toBe('training');
    expect(r.fraction).toBeCloseTo(0.4);
    expect(r.progress?.step).toBe(4);
    expect(r.loss.x).toEqual([0.2, 0.4]);
    expect(r.loss.mean).toEqual([2.0, 1.5]);
    // steps 3..4 had mean (1.5*4 - 2*2) / 2 = 1
    expect(r.loss.recent).toEqual([2.0, 1.0]);
    expect(r.detail).toBe('epoch 1 / 4, step 4 / 10');
  });

  it('ignores progress that is not newer than the last report', () => {
    const r = reduceRun(fresh(), { type: 'progress', runId: 'a', progress: progress(2, 5, 1) }, 0);
    expect(reduceRun(r, { type: 'progress', runId: 'a', progress: progress(2, 5, 1) }, 0)).toBe(r);
    expect(reduceRun(r, { type: 'progress', runId: 'a', progress: progress(1, 9, 1) }, 0)).toBe(r);
  });

  it('appends epochs and counts checkpoints, ignoring a repeated epoch', () => {
    let r = reduceRun(fresh(), { type: 'epoch', runId: 'a', metrics: metrics(1), checkpoint }, 0);
    r = reduceRun(r, { type: 'epoch', runId: 'a', metrics: metrics(2), checkpoint }, 0);
    expect(r.epochs.map((m) => m.epoch)).toEqual([1, 2]);
    expect(r.checkpoints).toBe(2);
    expect(reduceRun(r, { type: 'epoch', runId: 'a', metrics: metrics(2), checkpoint }, 0)).toBe(r);
  });

  it('finishes with done, cancelled or error, and then ignores late messages', () => {
    const done = reduceRun(fresh(), { type: 'done', runId: 'a', seconds: 12.5 }, 99_000);
    expect(done.status).toBe('done');
    expect(done.elapsed).toBe(12.5);
    const cancelled = reduceRun(fresh(), { type: 'cancelled', runId: 'a' }, 0);
    expect(cancelled.status).toBe('cancelled');
    const failed = reduceRun(
      fresh(),
      { type: 'error', runId: 'a', message: 'Training diverged: NaN' },
      0,
    );
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('Training diverged: NaN');
    for (const r of [done, cancelled, failed]) {
      expect(reduceRun(r, { type: 'progress', runId: 'a', progress: progress(3, 1, 1) }, 0)).toBe(
        r,
      );
      expect(reduceRun(r, { type: 'done', runId: 'a', seconds: 1 }, 0)).toBe(r);
    }
  });

  it('ignores messages for unknown run ids', () => {
    const runs = { a: fresh() };
    expect(applyRunMessage(runs, { type: 'done', runId: 'zzz', seconds: 1 }, 0)).toBe(runs);
    const next = applyRunMessage(runs, { type: 'done', runId: 'a', seconds: 1 }, 0);
    expect(next).not.toBe(runs);
    expect(next.a?.status).toBe('done');
    expect(runs.a.status).toBe('queued'); // pure: the input is untouched
  });

  it('keeps the loss history bounded', () => {
    let r = fresh();
    const steps = MAX_LOSS_POINTS + 10;
    for (let s = 1; s <= steps; s++)
      r = reduceRun(r, { type: 'progress', runId: 'a', progress: progress(1, s, 1, steps) }, 0);
    expect(r.loss.x.length).toBeLessThanOrEqual(MAX_LOSS_POINTS);
    expect(r.loss.x[r.loss.x.length - 1]).toBe(1);
  });

  it('estimates the time left from the training speed', () => {
    const config = { ...defaultTrainConfig(), trainSize: 1000, epochs: 2, batchSize: 100 };
    let r = createRun('a', 1, config, null, 0);
    expect(etaSeconds(r)).toBeNull();
    r = reduceRun(
      r,
      { type: 'progress', runId: 'a', progress: { ...progress(1, 5, 1), examplesPerSec: 100 } },
      0,
    );
    // 500 left in epoch 1 + 1000 in epoch 2, at 100 images/s
    expect(etaSeconds(r)).toBeCloseTo(15);
  });
});

describe('store', () => {
  it('startExperiment calls the injected client with the current config and selects it', () => {
    store.getState().setConfig({ trainSize: 500, epochs: 1 });
    const id = startRun();
    expect(id).toBe('r1');
    expect(client.trains).toHaveLength(1);
    expect(client.trains[0]?.job.config).toEqual({
      ...defaultTrainConfig(),
      trainSize: 500,
      epochs: 1,
    });
    expect(client.trains[0]?.runId).toBe('r1');
    const s = store.getState();
    expect(s.selectedExperimentId).toBe('exp-1');
    expect(selectCleanRun(s)?.status).toBe('queued');
    expect(selectActiveRun(s)?.id).toBe('r1');
  });

  it('routes the worker messages of a run through the reducer', () => {
    const id = startRun()!;
    clock = 3000;
    client.send({ type: 'status', runId: id, stage: 'training', detail: 'cnn-s', fraction: 0 });
    client.send({ type: 'progress', runId: id, progress: progress(1, 5, 1.2) });
    client.send({ type: 'epoch', runId: id, metrics: metrics(1), checkpoint });
    let run = selectCleanRun(store.getState())!;
    expect(run.status).toBe('training');
    expect(run.epochs).toHaveLength(1);
    expect(run.elapsed).toBe(2);
    client.send({ type: 'done', runId: id, seconds: 4 });
    run = selectCleanRun(store.getState())!;
    expect(run.status).toBe('done');
    expect(selectActiveRun(store.getState())).toBeNull();
  });

  it('a new experiment keeps the old runs, cancels an active one, and becomes the selected one', () => {
    const first = startRun()!;
    client.send({ type: 'done', runId: first, seconds: 1 });
    const second = startRun()!;
    const third = startRun()!; // second is still queued: it gets cancelled
    expect(client.cancels).toEqual([second]);
    client.send({ type: 'cancelled', runId: second });
    const s = store.getState();
    expect(s.runOrder).toEqual([first, second, third]);
    expect(s.runs[first]?.status).toBe('done');
    expect(s.runs[second]?.status).toBe('cancelled');
    expect(s.runs[third]?.index).toBe(3);
    expect(selectCleanRun(s)?.id).toBe(third);
    store.getState().selectExperiment('exp-1');
    expect(selectCleanRun(store.getState())?.id).toBe(first);
  });

  it('ignores messages for unknown runs without changing the state', () => {
    startRun();
    const before = store.getState().runs;
    store
      .getState()
      .applyMessage({ type: 'progress', runId: 'nobody', progress: progress(1, 1, 1) });
    expect(store.getState().runs).toBe(before);
  });

  it('cancelRun asks the client once and the run turns cancelled when the worker confirms', () => {
    const id = startRun()!;
    store.getState().cancelRun(id);
    store.getState().cancelRun(id);
    expect(client.cancels).toEqual([id]);
    expect(store.getState().runs[id]?.cancelRequested).toBe(true);
    client.send({ type: 'cancelled', runId: id });
    client.send({ type: 'progress', runId: id, progress: progress(1, 9, 1) }); // stale
    expect(store.getState().runs[id]?.status).toBe('cancelled');
    expect(store.getState().runs[id]?.progress).toBeNull();
  });

  it('an invalid configuration blocks the start with a message naming the field', () => {
    store.getState().setConfig({ lr: 0 });
    expect(startRun()).toBeNull();
    expect(client.trains).toHaveLength(0);
    expect(store.getState().startError).toBe(
      'Cannot start: Learning rate: Enter a number above 0, at most 10.',
    );
    expect(store.getState().runOrder).toHaveLength(0);
    store.getState().setConfig({ lr: 0.05 });
    expect(store.getState().startError).toBeNull();
    expect(startRun()).not.toBeNull();
  });

  it('refuses to start without a client', () => {
    const bare = createAppStore();
    expect(bare.getState().startExperiment()).toBeNull();
    expect(bare.getState().startError).toMatch(/worker is not running/);
  });

  it('a NaN loss error from the worker fails the run with its message', () => {
    const id = startRun()!;
    const message = 'Training diverged in epoch 1, step 3: the loss became NaN or infinite.';
    client.send({ type: 'error', runId: id, message });
    const run = store.getState().runs[id]!;
    expect(run.status).toBe('failed');
    expect(run.error).toBe(message);
  });

  it('connects, re-initialises the backend on a new preference, and locks it during a run', () => {
    const c2 = new FakeLab();
    store.getState().connectLab(c2, 'http://host/data');
    expect(c2.inits).toEqual([{ backend: 'auto', dataUrl: 'http://host/data' }]);
    expect(store.getState().backendStatus).toBe('starting');
    store.getState().backendReady({ chosen: 'wasm', preference: 'auto', notes: [] });
    expect(store.getState().backendStatus).toBe('ready');
    expect(store.getState().setBackendPreference('cpu')).toBe(true);
    expect(c2.inits[1]).toEqual({ backend: 'cpu', dataUrl: 'http://host/data' });
    const id = startRun()!;
    expect(store.getState().runs[id]?.backend).toBe('wasm');
    expect(store.getState().setBackendPreference('webgl')).toBe(false);
    expect(c2.inits).toHaveLength(2);
  });

  it('a worker crash fails the active run and is listed', () => {
    const id = startRun()!;
    store.getState().workerError('The lab worker crashed: out of memory');
    expect(store.getState().workerErrors).toEqual(['The lab worker crashed: out of memory']);
    expect(store.getState().runs[id]?.status).toBe('failed');
    expect(store.getState().runs[id]?.error).toMatch(/Reload the page/);
  });
});

describe('config validation messages', () => {
  it('names the range of each bad field', () => {
    const errors = configErrors({ ...defaultTrainConfig(), trainSize: 5.5, epochs: Number.NaN });
    expect(errors.trainSize).toBe('Enter a whole number from 10 to 60,000.');
    expect(errors.epochs).toBe('Enter a whole number from 1 to 100.');
    expect(errors.lr).toBeUndefined();
    expect(rangeText('momentum')).toBe('a number from 0 to 0.999');
    expect(firstConfigError(defaultTrainConfig())).toBeNull();
  });
});
