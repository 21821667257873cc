import type { LandscapeCommand } from '../../src/workers/protocol';
import { beforeEach, describe, expect, it } from 'vitest';
import { POISON_METHOD_IDS, POISON_METHODS } from '../../src/core/poison-types';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import { defaultTrainConfig } from '../../src/core/train-config';
import type { RunMessage, TrainJob } from '../../src/workers/client';
import type { FilterSalCommand } from '../../src/workers/protocol';
import {
  createAppStore,
  experimentStatus,
  selectActiveRun,
  selectExperimentRuns,
  udView,
  type AppStore,
  type LabClientLike,
} from '../../src/store';
import { CLEAN_RUN_COLOR, METHOD_COLORS, runColor } from '../../src/store/palette';
import { fmtBudget, methodEps } from '../../src/store/poison-config';
import { createRun, reduceRun, type RunState } from '../../src/store/reducers/run-reducer';
import { UD_UNDEFINED_NO_CLEAN_LP } from '../../src/core/ud';

/** A LabClient stand-in that records every job and lets the test play the worker. */
class FakeClient implements LabClientLike {
  jobs: { runId: string; job: TrainJob }[] = [];
  filterJobs: { runId: string; job: Omit<FilterSalCommand, 'type' | 'runId'> }[] = [];
  cancels: string[] = [];
  handlers = new Map<string, (msg: RunMessage) => void>();
  init() {}
  train(job: TrainJob, onMessage: (msg: RunMessage) => void, runId = 'x') {
    this.jobs.push({ runId, job });
    this.handlers.set(runId, onMessage);
    return runId;
  }
  filterSal(
    job: Omit<FilterSalCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId = 'f',
  ) {
    this.filterJobs.push({ runId, job });
    this.handlers.set(runId, onMessage);
    return runId;
  }
  landscapeJobs: { runId: string; job: Omit<LandscapeCommand, 'type' | 'runId'> }[] = [];
  landscape(
    job: Omit<LandscapeCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId = 'l',
  ) {
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

const sal = (epoch: number, values: number[]): RunMessage => ({
  type: 'sal',
  runId: '',
  row: {
    epoch,
    layers: values.map((_, i) => `l${i + 1}`),
    values,
    up: values,
    down: values.map((v) => v / 2),
    l0: 0.5,
    seconds: 0.1,
  },
});
const to = (runId: string, msg: RunMessage): RunMessage => ({ ...msg, runId }) as RunMessage;

let client: FakeClient;
let ids: number;
let store: AppStore;

beforeEach(() => {
  client = new FakeClient();
  ids = 0;
  store = createAppStore({
    client,
    now: () => 0,
    newId: (prefix) => `${prefix}${++ids}`,
    config: { ...defaultTrainConfig(), epochs: 2 },
    poison: { methods: [], eps: {}, ratio: 1, seed: 1 },
  });
});

describe('experiment queue', () => {
  it('queues the clean run first, then one poisoned run per method; TAP and SEP get the clean id', () => {
    const s = store.getState();
    for (const m of ['tap', 'lsp', 'sep', 'random'] as const) s.toggleMethod(m, true);
    s.setPoison({ ratio: 0.5, seed: 7 });
    const exp = store.getState().startExperiment()!;
    const e = store.getState().experiments[exp]!;
    expect(client.jobs.map((j) => j.job.poison?.method ?? 'clean')).toEqual([
      'clean',
      'random',
      'lsp',
      'tap',
      'sep',
    ]);
    const cleanId = client.jobs[0]!.runId;
    expect(e.cleanRunId).toBe(cleanId);
    expect(client.jobs.map((j) => j.job.surrogateRunId)).toEqual([
      null,
      null,
      null,
      cleanId,
      cleanId,
    ]);
    // Same TrainConfig and seed for all; shared ratio and poison seed; SAL on by default.
    for (const j of client.jobs) {
      expect(j.job.config).toEqual(client.jobs[0]!.job.config);
      expect(j.job.sal).toEqual(APP_SAL_DEFAULTS);
    }
    expect(client.jobs[1]!.job.poison).toEqual({
      method: 'random',
      eps: POISON_METHODS.random.defaultEps.mnist,
      ratio: 0.5,
      seed: 7,
    });
    const runs = selectExperimentRuns(store.getState());
    expect(runs.map((r) => r.method)).toEqual([null, 'random', 'lsp', 'tap', 'sep']);
    expect(store.getState().focusedRunId).toBe(e.poisonedRunIds[0]);
  });

  it('uses the budgets the user typed, with the default otherwise, and sends SAL off as null', () => {
    const s = store.getState();
    s.toggleMethod('em-class');
    s.toggleMethod('lsp');
    s.setMethodEps('em-class', 0.2);
    s.setSalOn(false);
    store.getState().startExperiment();
    const byMethod = Object.fromEntries(client.jobs.map((j) => [j.job.poison?.method, j.job]));
    expect(byMethod['em-class']?.poison?.eps).toBe(0.2);
    expect(byMethod.lsp?.poison?.eps).toBe(POISON_METHODS.lsp.defaultEps.mnist);
    expect(client.jobs.every((j) => j.job.sal === null)).toBe(true);
  });

  it('refuses invalid budgets, ratios and SAL settings with the field in words', () => {
    const s = store.getState();
    s.toggleMethod('random');
    s.setMethodEps('random', 2);
    expect(store.getState().startExperiment()).toBeNull();
    expect(store.getState().startError).toBe(
      'Cannot start: Random budget: enter a number from 0 to 1.',
    );
    s.setMethodEps('random', 0.1);
    s.setPoison({ ratio: 1.5 });
    expect(store.getState().startExperiment()).toBeNull();
    expect(store.getState().startError).toMatch(/Poison ratio/);
    s.setPoison({ ratio: 1 });
    s.setSalSettings({ rounds: 0 });
    expect(store.getState().startExperiment()).toBeNull();
    expect(store.getState().startError).toBe(
      'Cannot start: SAL Rounds K: enter a whole number from 1, at most 100.',
    );
    s.setSalOn(false); // SAL off: its settings do not matter
    expect(store.getState().startExperiment()).not.toBeNull();
    expect(client.jobs).toHaveLength(2);
  });

  it('a new experiment cancels every active run and drill-down and keeps the old runs', () => {
    store.getState().toggleMethod('lsp');
    const first = store.getState().startExperiment()!;
    const e1 = store.getState().experiments[first]!;
    client.send({ type: 'done', runId: e1.cleanRunId, seconds: 1 });
    const second = store.getState().startExperiment()!;
    expect(client.cancels).toEqual([e1.poisonedRunIds[0]]);
    expect(store.getState().experimentOrder).toEqual([first, second]);
    expect(store.getState().runs[e1.cleanRunId]?.status).toBe('done');
    expect(store.getState().selectedExperimentId).toBe(second);
    store.getState().selectExperiment(first);
    expect(store.getState().focusedRunId).toBe(e1.poisonedRunIds[0]);
  });

  it('cancelExperiment cancels each active run of the experiment once', () => {
    store.getState().toggleMethod('ops');
    store.getState().toggleMethod('ar');
    store.getState().startExperiment();
    const [clean, a, b] = client.jobs.map((j) => j.runId);
    client.send({ type: 'done', runId: clean!, seconds: 1 });
    store.getState().cancelExperiment();
    store.getState().cancelExperiment();
    expect(client.cancels).toEqual([a, b]);
  });

  it('the experiment status follows the run the worker is on, then the outcome', () => {
    store.getState().toggleMethod('lsp');
    store.getState().startExperiment();
    const [clean, lsp] = client.jobs.map((j) => j.runId) as [string, string];
    const st = () => experimentStatus(selectExperimentRuns(store.getState()));
    expect(st()).toBe('queued');
    client.send({ type: 'status', runId: clean, stage: 'training', detail: '', fraction: 0 });
    expect(st()).toBe('training');
    client.send({
      type: 'status',
      runId: clean,
      stage: 'sal',
      detail: 'SAL after epoch 1',
      fraction: 0.5,
    });
    expect(st()).toBe('sal');
    client.send({ type: 'done', runId: clean, seconds: 1 });
    client.send({ type: 'status', runId: lsp, stage: 'poisoning', detail: '', fraction: 0.4 });
    expect(st()).toBe('poisoning');
    expect(selectActiveRun(store.getState())?.id).toBe(lsp);
    client.send({ type: 'error', runId: lsp, message: 'boom' });
    expect(st()).toBe('failed');
  });
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
    const lsp = client.jobs[1]!.runId;
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
    const clean = client.jobs[0]!.runId;
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

  it('is "running" over the epochs both runs have while either trains, then final', () => {
    const clean = withSal(
      mk('c', null),
      [
        [0.9, 0.1, 0.8],
        [0.7, 0.05, 0.6],
        [0.5, 0.02, 0.4],
      ],
      'done',
    );
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
    const clean = withSal(
      mk('c', null),
      [
        [0.9, 0.1, 0.8],
        [0.7, 0.05, 0.6],
        [0.5, 0.02, 0.4],
      ],
      'done',
    );
    const cut = withSal(mk('p', 'lsp'), [[0.9, 0.0, 0.0]], 'cancelled');
    const v = udView(clean, cut);
    expect(v.state).toBe('final');
    expect(v.message).toBe('rests on 1 of 3 epochs: the poisoned run was cancelled.');
  });
});

describe('run colours and budgets', () => {
  it('gives clean runs the neutral blue and each method its own fixed, distinct colour', () => {
    expect(runColor(null)).toBe('#0072B2');
    expect(CLEAN_RUN_COLOR).toBe('#0072B2');
    const colours = POISON_METHOD_IDS.map((m) => runColor(m));
    expect(new Set([...colours, CLEAN_RUN_COLOR]).size).toBe(POISON_METHOD_IDS.length + 1);
    expect(colours).toEqual(POISON_METHOD_IDS.map((m) => METHOD_COLORS[m]));
    store.getState().toggleMethod('em');
    store.getState().startExperiment();
    const runs = selectExperimentRuns(store.getState());
    expect(runs.map((r) => r.color)).toEqual([CLEAN_RUN_COLOR, METHOD_COLORS.em]);
  });

  it('writes budgets with their norm', () => {
    expect(fmtBudget('random', 0.1)).toBe('L\u221e 0.10');
    expect(fmtBudget('ar', 1)).toBe('L2 1.00');
    expect(fmtBudget('ops', 1)).toBe('L0 1 px');
    expect(methodEps({ methods: [], eps: {}, ratio: 1, seed: 1 }, 'em-class', 'fashion')).toBe(
      POISON_METHODS['em-class'].defaultEps.fashion,
    );
  });
});
