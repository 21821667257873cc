/**
 * Experiments in the store with the fake worker client: the queue of clean and poisoned runs,
 * budgets and validation, cancelling, the experiment status (store/slices/runs-slice.ts), and the
 * run colours and budget labels (store/palette.ts, store/poison-config.ts). SAL, the drill-down
 * and UD are in store-sal.test.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { POISON_METHOD_IDS, POISON_METHODS } from '../../src/core/poison-types';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import {
  experimentStatus,
  selectActiveRun,
  selectExperimentRuns,
  type AppStore,
} from '../../src/store';
import { CLEAN_RUN_COLOR, METHOD_COLORS, runColor } from '../../src/store/palette';
import { fmtBudget, methodEps } from '../../src/store/poison-config';
import { experimentSetup } from './helpers/experiment-fixture';
import type { FakeLab } from './helpers/fake-lab';

let client: FakeLab;
let store: AppStore;

beforeEach(() => {
  ({ client, store } = experimentSetup());
});

describe('experiment queue', () => {
  it('queues the clean run first, then one poisoned run per method; TAP and SEP get the clean id', () => {
    const s = store.getState();
    for (const m of ['tap', 'lsp', 'sep', 'random'] as const) s.toggleMethod(m, true);
    s.setPoison({ ratio: 0.5, seed: 7 });
    const exp = store.getState().startExperiment()!;
    const e = store.getState().experiments[exp]!;
    expect(client.trains.map((j) => j.job.poison?.method ?? 'clean')).toEqual([
      'clean',
      'random',
      'lsp',
      'tap',
      'sep',
    ]);
    const cleanId = client.trains[0]!.runId;
    expect(e.cleanRunId).toBe(cleanId);
    expect(client.trains.map((j) => j.job.surrogateRunId)).toEqual([
      null,
      null,
      null,
      cleanId,
      cleanId,
    ]);
    // Same TrainConfig and seed for all; shared ratio and poison seed; SAL on by default.
    for (const j of client.trains) {
      expect(j.job.config).toEqual(client.trains[0]!.job.config);
      expect(j.job.sal).toEqual(APP_SAL_DEFAULTS);
    }
    expect(client.trains[1]!.job.poison).toEqual({
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
    const byMethod = Object.fromEntries(client.trains.map((j) => [j.job.poison?.method, j.job]));
    expect(byMethod['em-class']?.poison?.eps).toBe(0.2);
    expect(byMethod.lsp?.poison?.eps).toBe(POISON_METHODS.lsp.defaultEps.mnist);
    expect(client.trains.every((j) => j.job.sal === null)).toBe(true);
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
    expect(client.trains).toHaveLength(2);
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
    const [clean, a, b] = client.trains.map((j) => j.runId);
    client.send({ type: 'done', runId: clean!, seconds: 1 });
    store.getState().cancelExperiment();
    store.getState().cancelExperiment();
    expect(client.cancels).toEqual([a, b]);
  });

  it('the experiment status follows the run the worker is on, then the outcome', () => {
    store.getState().toggleMethod('lsp');
    store.getState().startExperiment();
    const [clean, lsp] = client.trains.map((j) => j.runId) as [string, string];
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
