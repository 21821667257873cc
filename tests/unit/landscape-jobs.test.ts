/** Landscape jobs: their keys and how worker messages change them (store/reducers/landscape-jobs.ts). */
import { describe, expect, it } from 'vitest';
import {
  isActiveLandscape,
  landscapeKey,
  reduceLandscape,
  type LandscapeJobStatus,
} from '../../src/store/reducers/landscape-jobs';
import { job, settings, surface, surfaceResult } from './helpers/landscape-fixture';

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
