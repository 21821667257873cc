/**
 * The store's cross-task run / dedupe / cancel logic with a fake worker client
 * (store/slices/cross-task-slice.ts).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { POISON_METHODS } from '../../src/core/poison-types';
import type { AppStore, LabClientLike } from '../../src/store';
import { crossTaskKey, type CrossTaskJob } from '../../src/store/reducers/cross-task-jobs';
import { crossTaskSetup, currentKeyOf, job, syntheticResult } from './helpers/crosstask-fixture';
import { FakeLab } from './helpers/fake-lab';

let client: FakeLab;
let store: AppStore;
let newStore: (c?: LabClientLike | null) => AppStore;

beforeEach(() => {
  ({ client, store, newStore } = crossTaskSetup());
});

const currentKey = () => currentKeyOf(store.getState());

describe('cross-task slice', () => {
  it('runCrossTask sends one job: config, poison at the store budget, SAL settings', () => {
    store.getState().setCrossTaskMethod('lsp');
    store.getState().setPoison({ ratio: 0.5, seed: 7 });
    const key = store.getState().runCrossTask();
    expect(key).toBe(currentKey());
    expect(client.crossJobs).toHaveLength(1);
    const { runId, job: sent } = client.crossJobs[0]!;
    expect(sent.config).toEqual(store.getState().config);
    expect(sent.poison).toEqual({
      method: 'lsp',
      eps: POISON_METHODS.lsp.defaultEps.mnist,
      ratio: 0.5,
      seed: 7,
    });
    expect(sent.sal).toEqual(store.getState().salSettings);
    const j = store.getState().crossTasks[key!]!;
    expect(j).toMatchObject({ jobId: runId, method: 'lsp', status: 'queued', result: null });
    expect(store.getState().crossTaskError).toBeNull();
  });

  it('uses the budget set for the chosen method, and sends sal null when SAL is off', () => {
    store.getState().setCrossTaskMethod('em-class');
    store.getState().setMethodEps('em-class', 0.15);
    store.getState().setSalOn(false);
    const key = store.getState().runCrossTask();
    expect(client.crossJobs[0]!.job.poison.eps).toBe(0.15);
    expect(client.crossJobs[0]!.job.sal).toBeNull();
    expect(key).toBe(
      crossTaskKey(
        store.getState().config,
        { method: 'em-class', eps: 0.15, ratio: 1, seed: 1 },
        null,
      ),
    );
    expect(store.getState().crossTasks[key!]!.sal).toBeNull();
  });

  it('an invalid budget of another (toggled) method does not block the chosen one', () => {
    store.getState().setMethodEps('random-class', Number.NaN);
    store.getState().setCrossTaskMethod('lsp');
    expect(store.getState().runCrossTask()).not.toBeNull();
    expect(client.crossJobs).toHaveLength(1);
  });

  it('dedupes while the job is active and once it is done', () => {
    const key = store.getState().runCrossTask()!;
    expect(store.getState().runCrossTask()).toBe(key);
    const { runId } = client.crossJobs[0]!;
    client.send({
      type: 'status',
      runId,
      stage: 'training',
      detail: 'digits model, clean images: x',
      fraction: 0.2,
    });
    expect(store.getState().crossTasks[key]!.status).toBe('running');
    expect(store.getState().runCrossTask()).toBe(key);
    client.send({ type: 'cross-task', runId, result: syntheticResult() });
    client.send({ type: 'done', runId, seconds: 3 });
    expect(store.getState().crossTasks[key]!.status).toBe('done');
    expect(store.getState().runCrossTask()).toBe(key);
    expect(client.crossJobs).toHaveLength(1);
    // Another poison is another job.
    store.getState().setCrossTaskMethod('lsp');
    expect(store.getState().runCrossTask()).not.toBe(key);
    expect(client.crossJobs).toHaveLength(2);
  });

  it('another poison ratio or seed is another job (not the finished one)', () => {
    const key = store.getState().runCrossTask()!;
    const r1 = client.crossJobs[0]!.runId;
    client.send({ type: 'cross-task', runId: r1, result: syntheticResult() });
    client.send({ type: 'done', runId: r1, seconds: 1 });
    store.getState().setPoison({ ratio: 0.5 });
    const k2 = store.getState().runCrossTask();
    expect(k2).not.toBe(key);
    expect(client.crossJobs[1]?.job.poison).toMatchObject({ ratio: 0.5, seed: 1 });
    store.getState().setPoison({ seed: 3 });
    const k3 = store.getState().runCrossTask();
    expect(new Set([key, k2, k3]).size).toBe(3);
    expect(client.crossJobs[2]?.job.poison).toMatchObject({ ratio: 0.5, seed: 3 });
    // Back to the first settings: the finished job stands.
    store.getState().setPoison({ ratio: 1, seed: 1 });
    expect(store.getState().runCrossTask()).toBe(key);
    expect(client.crossJobs).toHaveLength(3);
  });

  it('a failed or cancelled job can be run again (a new job under the same key)', () => {
    const key = store.getState().runCrossTask()!;
    client.send({ type: 'error', runId: client.crossJobs[0]!.runId, message: 'out of memory' });
    expect(store.getState().crossTasks[key]).toMatchObject({
      status: 'failed',
      error: 'out of memory',
    });
    expect(store.getState().runCrossTask()).toBe(key);
    expect(client.crossJobs).toHaveLength(2);
    client.send({ type: 'cancelled', runId: client.crossJobs[1]!.runId });
    expect(store.getState().crossTasks[key]!.status).toBe('cancelled');
    store.getState().runCrossTask();
    expect(client.crossJobs).toHaveLength(3);
    expect(store.getState().crossTasks[key]!.jobId).toBe(client.crossJobs[2]!.runId);
    // Late messages of the replaced job do not touch the new one.
    client.send({ type: 'error', runId: client.crossJobs[1]!.runId, message: 'late' });
    expect(store.getState().crossTasks[key]!.status).toBe('queued');
  });

  it("'done' without a result marks the job failed", () => {
    const key = store.getState().runCrossTask()!;
    client.send({ type: 'done', runId: client.crossJobs[0]!.runId, seconds: 1 });
    expect(store.getState().crossTasks[key]!.status).toBe('failed');
    expect(store.getState().crossTasks[key]!.error).toMatch(/without sending results/);
  });

  it('a demo job (done, demo set) is replaced by a live run', () => {
    const key = currentKey();
    const demo: CrossTaskJob = {
      ...job({ jobId: 'demo-x.json', method: store.getState().crossTaskMethod }),
      status: 'done',
      fraction: 1,
      result: syntheticResult(),
      demo: 'salscape 1.0',
    };
    store.setState({ crossTasks: { [key]: demo } });
    expect(store.getState().runCrossTask()).toBe(key);
    expect(client.crossJobs).toHaveLength(1);
    const j = store.getState().crossTasks[key]!;
    expect(j.jobId).toBe(client.crossJobs[0]!.runId);
    expect(j.status).toBe('queued');
    expect(j.demo).toBeUndefined();
    expect(j.result).toBeNull();
  });

  it('invalid training settings: crossTaskError, nothing sent', () => {
    store.getState().setConfig({ epochs: 0 });
    expect(store.getState().runCrossTask()).toBeNull();
    expect(store.getState().crossTaskError).toMatch(/training settings are invalid/);
    expect(client.crossJobs).toHaveLength(0);
    expect(store.getState().crossTasks).toEqual({});
  });

  it('an invalid budget of the chosen method: crossTaskError naming it, nothing sent', () => {
    store.getState().setCrossTaskMethod('lsp');
    store.getState().setMethodEps('lsp', Number.NaN);
    expect(store.getState().runCrossTask()).toBeNull();
    expect(store.getState().crossTaskError).toMatch(/LSP/);
    expect(client.crossJobs).toHaveLength(0);
    // Choosing the method again clears the error.
    store.getState().setCrossTaskMethod('em');
    expect(store.getState().crossTaskError).toBeNull();
  });

  it('no client, or a client without crossTask: crossTaskError, nothing stored', () => {
    for (const s of [newStore(null), newStore(new FakeLab({ crossTask: false }))]) {
      expect(s.getState().runCrossTask()).toBeNull();
      expect(s.getState().crossTaskError).toMatch(/lab worker is not running/);
      expect(s.getState().crossTasks).toEqual({});
    }
  });

  it('a client that throws on send fails the job with its message', () => {
    client.fail.crossTask = 'worker gone';
    const key = store.getState().runCrossTask()!;
    expect(store.getState().crossTasks[key]).toMatchObject({
      status: 'failed',
      error: 'worker gone',
    });
  });

  it('cancelCrossTask cancels only active jobs', () => {
    const key = store.getState().runCrossTask()!;
    const { runId } = client.crossJobs[0]!;
    store.getState().cancelCrossTask(key);
    expect(client.cancels).toEqual([runId]);
    client.send({ type: 'cancelled', runId });
    store.getState().cancelCrossTask(key);
    store.getState().cancelCrossTask('no such key');
    expect(client.cancels).toEqual([runId]);

    store.getState().setCrossTaskMethod('lsp');
    const k2 = store.getState().runCrossTask()!;
    const r2 = client.crossJobs[1]!.runId;
    client.send({ type: 'cross-task', runId: r2, result: syntheticResult() });
    client.send({ type: 'done', runId: r2, seconds: 1 });
    store.getState().cancelCrossTask(k2);
    expect(client.cancels).toEqual([runId]);
  });
});
