/** Cross-task jobs: their keys and how worker messages change them (store/reducers/cross-task-jobs.ts). */
import { describe, expect, it } from 'vitest';
import { defaultTrainConfig } from '../../src/core/train-config';
import {
  crossTaskKey,
  isActiveCrossTask,
  reduceCrossTask,
  type CrossTaskStatus,
} from '../../src/store/reducers/cross-task-jobs';
import { defaultSalSettings } from '../../src/store/poison-config';
import { job, syntheticResult } from './helpers/crosstask-fixture';

const config = defaultTrainConfig();
const sal = defaultSalSettings();

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
