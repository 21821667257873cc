/**
 * SAL in the store: the run reducer's poison, SAL and per-filter messages
 * (store/reducers/run-reducer.ts), the per-filter drill-down with the fake worker client
 * (store/slices/runs-slice.ts) and the UD selector (udView).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import { defaultTrainConfig } from '../../src/core/train-config';
import { UD_UNDEFINED_NO_CLEAN_LP } from '../../src/core/ud';
import { udView, type AppStore } from '../../src/store';
import { createRun, reduceRun, type RunState } from '../../src/store/reducers/run-reducer';
import { experimentSetup, sal, to } from './helpers/experiment-fixture';
import type { FakeLab } from './helpers/fake-lab';

let client: FakeLab;
let store: AppStore;

beforeEach(() => {
  ({ client, store } = experimentSetup());
});

describe('run reducer: poison, SAL and per-filter messages', () => {
  const fresh = () =>
    createRun('a', 1, defaultTrainConfig(), null, 0, {
      method: 'lsp',
      salSettings: { ...APP_SAL_DEFAULTS },
    });

  it('keeps the poison summary and gallery', () => {
    const gallery = {
      original: new Uint8Array(4),
      poisoned: new Uint8Array(4),
      perturbation: new Float32Array(4),
      labels: new Uint8Array(1),
      count: 1,
      height: 2,
      width: 2,
      channels: 1,
      classNames: ['zero'],
    };
    const summary = { method: 'lsp', poisonedCount: 1 } as never;
    const r = reduceRun(fresh(), { type: 'poison', runId: 'a', summary, gallery }, 0);
    expect(r.poison?.gallery).toBe(gallery);
    expect(r.poison?.summary).toBe(summary);
  });

  it('appends SAL rows per epoch, ignoring repeats and rows with other layers', () => {
    let r = reduceRun(fresh(), to('a', sal(1, [0.1, 0.2])), 0);
    r = reduceRun(r, to('a', sal(2, [0.3, 0.4])), 0);
    expect(r.sal?.epochs).toEqual([1, 2]);
    expect(r.sal?.values).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    expect(r.sal?.down[1]).toEqual([0.15, 0.2]);
    expect(r.sal?.layers).toEqual(['l1', 'l2']);
    expect(reduceRun(r, to('a', sal(2, [9, 9])), 0)).toBe(r);
    expect(reduceRun(r, to('a', sal(3, [9, 9, 9])), 0)).toBe(r);
  });

  it('maps worker stages to visible statuses', () => {
    const stage = (s: 'poisoning' | 'sal' | 'preparing' | 'queued') =>
      reduceRun(fresh(), { type: 'status', runId: 'a', stage: s, detail: 'd', fraction: 0.4 }, 0)
        .status;
    expect(stage('poisoning')).toBe('poisoning');
    expect(stage('sal')).toBe('sal');
    expect(stage('preparing')).toBe('loading');
    expect(stage('queued')).toBe('queued');
  });

  it('runs a drill-down through queued, progress, values and done, also on a finished run', () => {
    store.getState().toggleMethod('lsp');
    store.getState().startExperiment();
    const lsp = client.trains[1]!.runId;
    client.send(to(lsp, sal(1, [0.1, 0.2])));
    client.send({ type: 'done', runId: lsp, seconds: 1 });
    expect(store.getState().openFilterSal(lsp, 'l2', 1)).toBe(true);
    const job = client.filterJobs[0]!;
    expect(job.job).toEqual({
      sourceRunId: lsp,
      layer: 'l2',
      epoch: 1,
      settings: APP_SAL_DEFAULTS,
    });
    const f = () => store.getState().runs[lsp]!.filters['l2@1']!;
    expect(f().status).toBe('queued');
    client.send({
      type: 'status',
      runId: job.runId,
      stage: 'sal',
      detail: 'per-filter',
      fraction: 0.5,
    });
    expect(f().status).toBe('running');
    expect(f().fraction).toBe(0.5);
    const filters = [{ index: 0, sal: 0.01, up: 0.01, down: 0 }];
    client.send({
      type: 'filter-sal',
      runId: job.runId,
      sourceRunId: lsp,
      layer: 'l2',
      epoch: 1,
      l0: 0.3,
      filters,
      settings: APP_SAL_DEFAULTS,
      seconds: 2,
    });
    client.send({ type: 'done', runId: job.runId, seconds: 2 });
    expect(f().status).toBe('done');
    expect(f().filters).toEqual(filters);
    expect(store.getState().filterView).toEqual({ runId: lsp, layer: 'l2', epoch: 1 });
    // Asking again shows the stored result without a new job.
    store.getState().closeFilterSal();
    expect(store.getState().openFilterSal(lsp, 'l2', 1)).toBe(true);
    expect(client.filterJobs).toHaveLength(1);
  });

  it('a drill-down on a run without SAL fails in words instead of asking the worker', () => {
    store.getState().setSalOn(false);
    store.getState().startExperiment();
    const clean = client.trains[0]!.runId;
    expect(store.getState().openFilterSal(clean, 'l1', 1)).toBe(false);
    expect(store.getState().runs[clean]!.filters['l1@1']?.error).toMatch(/SAL was off/);
    expect(client.filterJobs).toHaveLength(0);
  });
});

describe('UD selector', () => {
  const withSal = (r: RunState, rows: number[][], status: RunState['status']): RunState => {
    let x = r;
    rows.forEach((v, t) => (x = reduceRun(x, to(x.id, sal(t + 1, v)), 0)));
    return { ...x, status };
  };
  const mk = (id: string, method: 'lsp' | null) =>
    createRun(id, 1, { ...defaultTrainConfig(), epochs: 3 }, null, 0, {
      method,
      salSettings: { ...APP_SAL_DEFAULTS },
    });
  /** A finished clean run with SAL over 3 epochs on 3 layers. */
  const finishedClean = () =>
    withSal(
      mk('c', null),
      [
        [0.9, 0.1, 0.8],
        [0.7, 0.05, 0.6],
        [0.5, 0.02, 0.4],
      ],
      'done',
    );

  it('is "running" over the epochs both runs have while either trains, then final', () => {
    const clean = finishedClean();
    const live = withSal(mk('p', 'lsp'), [[0.9, 0.0, 0.0]], 'training');
    const v = udView(clean, live);
    expect(v.state).toBe('running');
    expect(v.epochs).toBe(1);
    expect(v.result?.lpClean).toBe(2);
    expect(v.result?.lpPoisoned).toBe(1);
    expect(v.result?.ud).toBeCloseTo(0.5);
    const done = withSal(
      mk('p', 'lsp'),
      [
        [0.9, 0, 0],
        [0.7, 0, 0],
        [0.5, 0, 0],
      ],
      'done',
    );
    const f = udView(clean, done);
    expect(f.state).toBe('final');
    expect(f.epochs).toBe(3);
    expect(f.layers).toBe(3);
    expect(f.result?.ud).toBeCloseTo(0.5);
    expect(f.message).toBeNull();
    // Memoised on the SAL series: the same result object for the same inputs.
    expect(udView(clean, done).result).toBe(f.result);
  });

  it('says why when there is nothing to compute, and reports undefined UD in words', () => {
    const clean = withSal(mk('c', null), [[0.1, 0.1, 0.1]], 'training');
    const queued = mk('p', 'lsp');
    expect(udView(clean, queued).state).toBe('waiting');
    const flatClean = withSal(mk('c', null), [[0.1, 0.1, 0.1]], 'done');
    const p = withSal(mk('p', 'lsp'), [[0.3, 0.2, 0.1]], 'done');
    const u = udView(flatClean, p);
    expect(u.state).toBe('final');
    expect(u.result?.ud).toBeNull();
    expect(u.result?.undefinedReason).toBe(UD_UNDEFINED_NO_CLEAN_LP);
    const failed = { ...mk('p', 'lsp'), status: 'failed' as const };
    expect(udView(flatClean, failed).message).toMatch(
      /no epoch has SAL in both runs \(the poisoned run failed\)/,
    );
    const noSal = { ...mk('p', 'lsp'), salSettings: null };
    expect(udView(flatClean, noSal).state).toBe('no-sal');
  });

  it('a final UD on fewer epochs than planned says what it rests on', () => {
    const clean = finishedClean();
    const cut = withSal(mk('p', 'lsp'), [[0.9, 0.0, 0.0]], 'cancelled');
    const v = udView(clean, cut);
    expect(v.state).toBe('final');
    expect(v.message).toBe('rests on 1 of 3 epochs: the poisoned run was cancelled.');
  });
});
