/**
 * The app side of the cross-task view: job keys and the job reducer, the store's run / dedupe /
 * cancel logic with a fake worker client (store/cross-task-slice.ts), the table rows and SAL
 * series (store/cross-task-view.ts), and pretrained demos (store/crosstask-demo.ts).
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { POISON_METHODS, type PoisonMethodId } from '../../src/core/poison-types';
import type { SalRecord, SalSettings } from '../../src/core/sal-types';
import type { HeadTask, TaskId } from '../../src/core/tasks';
import { defaultTrainConfig, type TrainConfig } from '../../src/core/train-config';
import type { UdResult } from '../../src/core/ud';
import type { CrossTaskResult, CrossTaskRun, HeadOutcome } from '../../src/core/cross-task-types';
import type { RunMessage, TrainJob } from '../../src/workers/client';
import type { CrossTaskCommand, LandscapeCommand } from '../../src/workers/protocol';
import { createAppStore, type AppStore, type LabClientLike } from '../../src/store';
import {
  crossTaskKey,
  isActiveCrossTask,
  reduceCrossTask,
  type CrossTaskJob,
  type CrossTaskStatus,
} from '../../src/store/cross-task-slice';
import { crossTaskRows, taskSalSeries, udPerEpoch } from '../../src/store/cross-task-view';
import {
  httpCrossTaskDemos,
  matchCrossTaskDemo,
  startCrossTaskDemos,
  type CrossTaskDemoEntry,
  type CrossTaskDemoIndex,
  type CrossTaskDemoSource,
} from '../../src/store/crosstask-demo';
import { defaultPoisonConfig, defaultSalSettings, methodEps } from '../../src/store/poison-config';

type CrossJob = Omit<CrossTaskCommand, 'type' | 'runId'>;

/** A LabClient stand-in with `crossTask`: records every job and lets the test play the worker. */
class FakeClient implements LabClientLike {
  crossJobs: { runId: string; job: CrossJob }[] = [];
  cancels: string[] = [];
  handlers = new Map<string, (msg: RunMessage) => void>();
  failCrossTask: string | null = null;
  init() {}
  train(_job: TrainJob, onMessage: (msg: RunMessage) => void, runId = 't') {
    this.handlers.set(runId, onMessage);
    return runId;
  }
  filterSal(_job: unknown, onMessage: (msg: RunMessage) => void, runId = 'f') {
    this.handlers.set(runId, onMessage);
    return runId;
  }
  landscape(
    _job: Omit<LandscapeCommand, 'type' | 'runId'>,
    onMessage: (msg: RunMessage) => void,
    runId = 'l',
  ) {
    this.handlers.set(runId, onMessage);
    return runId;
  }
  crossTask(job: CrossJob, onMessage: (msg: RunMessage) => void, runId = 'c') {
    if (this.failCrossTask) throw new Error(this.failCrossTask);
    this.crossJobs.push({ runId, job });
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

/** A client without `crossTask` (an older worker client). */
const noCrossClient: LabClientLike = {
  init() {},
  train: () => 't',
  filterSal: () => 'f',
  landscape: () => 'l',
  cancel() {},
};

// ---- synthetic results ---------------------------------------------------------------------

const LAYERS = ['conv1', 'conv2', 'fc1'];

/** A UD result from learnable masks [epoch][layer]. */
function udOf(
  clean: boolean[][],
  poisoned: boolean[][],
  ud: number | null,
  undefinedReason?: string,
): UdResult {
  return {
    ud,
    ...(undefinedReason ? { undefinedReason } : {}),
    beta: 0.1,
    thresholds: clean.map(() => 0.1),
    lpClean: 0,
    lpPoisoned: 0,
    epochs: clean.length,
    layers: LAYERS.length,
    learnableClean: clean,
    learnablePoisoned: poisoned,
  };
}

function salRecord(seed: number, epochs: number, withL0: boolean): SalRecord {
  const m = (k: number) =>
    Array.from({ length: epochs }, (_, t) => LAYERS.map((_, l) => seed + k + t * 10 + l));
  return {
    settings: defaultSalSettings(),
    layers: LAYERS,
    values: m(0),
    up: m(100),
    down: m(200),
    ...(withL0 ? { l0: Array.from({ length: epochs }, (_, t) => seed + t / 10) } : {}),
  };
}

function run(
  task: TaskId,
  variant: 'clean' | 'poisoned',
  heads: HeadTask[],
  sal: CrossTaskRun['sal'],
): CrossTaskRun {
  return { task, variant, lr: 0.05, heads, trunkLayers: LAYERS, metrics: [], sal, seconds: 1 };
}

const T = [true, true, false];
const F = [false, false, false];

function outcome(p: Partial<HeadOutcome> & Pick<HeadOutcome, 'model' | 'head'>): HeadOutcome {
  return {
    metric: p.head === 'segmentation' ? 'iou' : 'acc',
    clean: 0.9,
    poisoned: 0.5,
    ud: null,
    ...p,
  };
}

/** A result: the digits model (with SAL) and the multi model (SAL for rotation only). */
function syntheticResult(): CrossTaskResult {
  return {
    config: defaultTrainConfig(),
    poison: null,
    sal: defaultSalSettings(),
    trunkLayers: LAYERS,
    runs: [
      run('digits', 'clean', ['digits'], { digits: salRecord(1, 3, true) }),
      run('digits', 'poisoned', ['digits'], { digits: salRecord(2, 3, true) }),
      run('multi', 'clean', ['digits', 'rotation', 'segmentation'], {
        rotation: salRecord(3, 2, false),
      }),
      run('multi', 'poisoned', ['digits', 'rotation', 'segmentation'], {
        rotation: salRecord(4, 2, false),
      }),
    ],
    outcomes: [
      // Epoch UDs 1/2 and 3/2; the epoch without a clean learnable layer is skipped.
      outcome({
        model: 'digits',
        head: 'digits',
        clean: 0.95,
        poisoned: 0.3,
        ud: udOf(
          [T, T, F],
          [
            [true, false, false],
            [true, true, true],
            [true, true, true],
          ],
          0.75,
        ),
      }),
      outcome({ model: 'multi', head: 'digits', clean: 0.8, poisoned: null, ud: null }),
      outcome({
        model: 'multi',
        head: 'rotation',
        clean: 0.7,
        poisoned: 0.6,
        ud: udOf([F, F], [T, T], null, 'no clean layer'),
      }),
      outcome({ model: 'multi', head: 'segmentation', clean: 0.4, poisoned: 0.2, ud: null }),
    ],
    chance: { digits: 0.1, rotation: 0.25, segmentation: 0.123 },
    cleanDigits: null,
    seconds: 3,
  };
}

// ---- keys and the reducer ------------------------------------------------------------------

const config = defaultTrainConfig();
const sal = defaultSalSettings();

function job(patch: Partial<CrossTaskJob> = {}): CrossTaskJob {
  return {
    jobId: 'j1',
    method: 'lsp',
    config,
    sal,
    status: 'queued',
    detail: 'waiting for the worker',
    fraction: 0,
    result: null,
    error: null,
    ...patch,
  };
}

describe('crossTaskKey', () => {
  it('depends on the configuration, poison (method, budget, ratio, seed) and SAL settings', () => {
    const p = { method: 'lsp' as const, eps: 0.5, ratio: 1, seed: 1 };
    const base = crossTaskKey(config, p, sal);
    expect(crossTaskKey({ ...config }, { ...p }, { ...sal })).toBe(base);
    const others = [
      crossTaskKey({ ...config, seed: 2 }, p, sal),
      crossTaskKey({ ...config, epochs: 2 }, p, sal),
      crossTaskKey(config, { ...p, method: 'em' }, sal),
      crossTaskKey(config, { ...p, eps: 0.6 }, sal),
      crossTaskKey(config, { ...p, ratio: 0.5 }, sal),
      crossTaskKey(config, { ...p, seed: 2 }, sal),
      crossTaskKey(config, p, null),
      crossTaskKey(config, p, { ...sal, rounds: sal.rounds + 1 }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });
});

describe('isActiveCrossTask', () => {
  it('is true while queued or running only', () => {
    const want: Record<CrossTaskStatus, boolean> = {
      queued: true,
      running: true,
      done: false,
      failed: false,
      cancelled: false,
    };
    for (const [status, active] of Object.entries(want))
      expect(isActiveCrossTask(job({ status: status as CrossTaskStatus }))).toBe(active);
  });
});

describe('reduceCrossTask', () => {
  const result = syntheticResult();

  it('status messages: queued, then running with detail and fraction', () => {
    const running = reduceCrossTask(job(), {
      type: 'status',
      runId: 'j1',
      stage: 'training',
      detail: 'digits model, clean images: digits (clean)',
      fraction: 0.4,
    });
    expect(running).toMatchObject({
      status: 'running',
      detail: 'digits model, clean images: digits (clean)',
      fraction: 0.4,
    });
    const queued = reduceCrossTask(running, {
      type: 'status',
      runId: 'j1',
      stage: 'queued',
      detail: 'x',
      fraction: 0.3,
    });
    expect(queued).toMatchObject({ status: 'queued', fraction: 0 });
  });

  it('a cross-task message stores the result; done then finishes the job', () => {
    const withResult = reduceCrossTask(job({ status: 'running' }), {
      type: 'cross-task',
      runId: 'j1',
      result,
    });
    expect(withResult.result).toBe(result);
    expect(withResult.status).toBe('running');
    const done = reduceCrossTask(withResult, { type: 'done', runId: 'j1', seconds: 5 });
    expect(done).toMatchObject({ status: 'done', fraction: 1, error: null });
    expect(done.result).toBe(result);
  });

  it("'done' without a result fails the job", () => {
    const j = reduceCrossTask(job({ status: 'running' }), {
      type: 'done',
      runId: 'j1',
      seconds: 1,
    });
    expect(j.status).toBe('failed');
    expect(j.error).toMatch(/without sending results/);
  });

  it('error and cancelled end the job', () => {
    expect(
      reduceCrossTask(job({ status: 'running' }), { type: 'error', runId: 'j1', message: 'boom' }),
    ).toMatchObject({ status: 'failed', error: 'boom' });
    expect(reduceCrossTask(job(), { type: 'cancelled', runId: 'j1' }).status).toBe('cancelled');
  });

  it("ignores other jobs' messages and messages after the end (same object)", () => {
    const j = job({ status: 'running' });
    expect(reduceCrossTask(j, { type: 'cancelled', runId: 'other' })).toBe(j);
    for (const status of ['done', 'failed', 'cancelled'] as const) {
      const ended = job({ status, result });
      expect(reduceCrossTask(ended, { type: 'error', runId: 'j1', message: 'late' })).toBe(ended);
      expect(reduceCrossTask(ended, { type: 'cross-task', runId: 'j1', result })).toBe(ended);
    }
  });
});

// ---- the slice -----------------------------------------------------------------------------

let client: FakeClient;
let ids: number;
let store: AppStore;

function newStore(c: LabClientLike | null = client): AppStore {
  return createAppStore({
    ...(c ? { client: c } : {}),
    now: () => 0,
    newId: (prefix) => `${prefix}-${++ids}`,
  });
}

beforeEach(() => {
  client = new FakeClient();
  ids = 0;
  store = newStore();
});

/** The key the store uses for its current settings. */
function currentKey(s = store.getState()): string {
  const m = s.crossTaskMethod;
  return crossTaskKey(
    s.config,
    {
      method: m,
      eps: methodEps(s.poison, m, s.config.dataset),
      ratio: s.poison.ratio,
      seed: s.poison.seed,
    },
    s.salOn ? s.salSettings : null,
  );
}

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
    for (const s of [newStore(null), newStore(noCrossClient)]) {
      expect(s.getState().runCrossTask()).toBeNull();
      expect(s.getState().crossTaskError).toMatch(/lab worker is not running/);
      expect(s.getState().crossTasks).toEqual({});
    }
  });

  it('a client that throws on send fails the job with its message', () => {
    client.failCrossTask = 'worker gone';
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

// ---- the view ------------------------------------------------------------------------------

describe('udPerEpoch', () => {
  it('poisoned / clean learnable layers per epoch, skipping epochs without a clean one', () => {
    expect(
      udPerEpoch(
        udOf([T, F, [true, true, true]], [[true, false, false], T, [true, false, false]], null),
      ),
    ).toEqual([0.5, 1 / 3]);
    expect(udPerEpoch(udOf([F, F], [T, T], null))).toEqual([]);
  });
});

describe('crossTaskRows', () => {
  const r = syntheticResult();
  const rows = crossTaskRows(r);

  it('one row per outcome, in order, with labels and metric names', () => {
    expect(rows.map((x) => [x.model, x.head, x.multi])).toEqual([
      ['digits model', 'digits', false],
      ['multi-task (shared trunk)', 'digits', true],
      ['multi-task (shared trunk)', 'rotation', true],
      ['multi-task (shared trunk)', 'segmentation', true],
    ]);
    expect(rows[0]!.task).toBe('Digit classification');
    expect(rows[3]!.task).toBe('Foreground segmentation');
    expect(rows.map((x) => x.metric)).toEqual([
      'test accuracy',
      'test accuracy',
      'test accuracy',
      'test IoU',
    ]);
  });

  it('scores and chance per head', () => {
    expect(rows.map((x) => [x.clean, x.poisoned])).toEqual(
      r.outcomes.map((o) => [o.clean, o.poisoned]),
    );
    expect(rows.map((x) => x.chance)).toEqual([0.1, 0.1, 0.25, 0.123]);
  });

  it('UD, its reason when undefined, and the spread of the per-epoch UD', () => {
    expect(rows[0]).toMatchObject({ ud: 0.75, udWhy: null, spread: [0.5, 1.5] });
    expect(rows[1]).toMatchObject({ ud: null, udWhy: null, spread: null });
    expect(rows[2]).toMatchObject({ ud: null, udWhy: 'no clean layer', spread: null });
  });

  it("an undefined UD without a reason reads 'undefined'", () => {
    const u = udOf([T], [T], null);
    const [row] = crossTaskRows({
      ...r,
      outcomes: [outcome({ model: 'digits', head: 'digits', ud: u })],
    });
    expect(row!.udWhy).toBe('undefined');
    expect(row!.spread).toEqual([1, 1]);
  });
});

describe('taskSalSeries', () => {
  const r = syntheticResult();

  it('maps a SAL record to a series with 1-based epochs', () => {
    const s = taskSalSeries(r, 'digits', 'digits', 'poisoned')!;
    const rec = r.runs[1]!.sal.digits!;
    expect(s.layers).toEqual(LAYERS);
    expect(s.epochs).toEqual([1, 2, 3]);
    expect(s.values).toEqual(rec.values);
    expect(s.up).toEqual(rec.up);
    expect(s.down).toEqual(rec.down);
    expect(s.l0).toEqual(rec.l0);
    expect(s.seconds).toHaveLength(3);
    expect(s.seconds.every(Number.isNaN)).toBe(true);
    // The clean variant is another record.
    expect(taskSalSeries(r, 'digits', 'digits', 'clean')!.values).toEqual(
      r.runs[0]!.sal.digits!.values,
    );
  });

  it('fills a missing L0 with NaN per epoch', () => {
    const s = taskSalSeries(r, 'multi', 'rotation', 'clean')!;
    expect(s.epochs).toEqual([1, 2]);
    expect(s.l0).toHaveLength(2);
    expect(s.l0.every(Number.isNaN)).toBe(true);
  });

  it('null when the model, variant or head has no record', () => {
    expect(taskSalSeries(r, 'multi', 'digits', 'clean')).toBeNull();
    expect(taskSalSeries(r, 'rotation', 'rotation', 'clean')).toBeNull();
    expect(
      taskSalSeries({ ...r, runs: r.runs.slice(0, 1) }, 'digits', 'digits', 'poisoned'),
    ).toBeNull();
  });
});

// ---- demos ---------------------------------------------------------------------------------

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
