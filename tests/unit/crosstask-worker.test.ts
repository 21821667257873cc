/**
 * The worker side of the cross-task view (workers/cross-task-job.ts and the 'cross-task' command
 * of workers/lab-session.ts), driven through a LabSession in Node with a tiny configuration: a
 * result with every head, the clean side reused for another poison, cancel, no leaked tensors;
 * and the command's validation (workers/protocol.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import type { PoisonMethodId, PoisonSettings } from '../../src/core/poison-types';
import type { BackendReport } from '../../src/core/run-types';
import { APP_SAL_DEFAULTS, type SalSettings } from '../../src/core/sal-types';
import { defaultTrainConfig, type TrainConfig } from '../../src/core/train-config';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import type { CrossTaskResult } from '../../src/core/cross-task-types';
import { reduceCrossTask, type CrossTaskJob } from '../../src/store/reducers/cross-task-jobs';
import type { RunMessage } from '../../src/workers/client';
import { LabSession } from '../../src/workers/lab-session';
import { parseToWorker, type FromWorker } from '../../src/workers/protocol';

const config: TrainConfig = {
  ...defaultTrainConfig(),
  model: 'cnn-s',
  trainSize: 200,
  testSize: 100,
  epochs: 1,
  batchSize: 32,
};
const sal: SalSettings = { ...APP_SAL_DEFAULTS, rounds: 1, subsetSize: 64 };
const poisonOf = (method: PoisonMethodId, eps: number): PoisonSettings => ({
  method,
  eps,
  ratio: 1,
  seed: 1,
});

const out: FromWorker[] = [];
let session: LabSession;
/** Called with every message as it is posted (to cancel mid-job). */
let tap: ((m: FromWorker) => void) | null = null;

const ofJob = (runId: string) => out.filter((m) => 'runId' in m && m.runId === runId);

async function crossTask(runId: string, poison: PoisonSettings) {
  await session.handle({ type: 'cross-task', runId, config, poison, sal });
  return ofJob(runId);
}

function resultOf(msgs: FromWorker[]): CrossTaskResult {
  const m = msgs.filter((x) => x.type === 'cross-task').at(-1);
  if (!m || m.type !== 'cross-task') throw new Error('no cross-task message');
  return m.result;
}

let first: FromWorker[] = [];
let second: FromWorker[] = [];
let tensorsBefore = 0;
let tensorsAfterFirst = 0;
let tensorsAfterSecond = 0;

beforeAll(async () => {
  await useBackend('wasm');
  const report: BackendReport = {
    chosen: 'wasm',
    preference: 'auto',
    notes: [{ backend: 'wasm', status: 'chosen', why: 'test' }],
  };
  session = new LabSession(
    (m) => {
      out.push(structuredClone(m)); // as postMessage would
      tap?.(m);
    },
    async () => report,
    (id, split) => loadDatasetNode(id, split),
  );
  await session.handle({ type: 'init', backend: 'auto', dataUrl: '' });
  tensorsBefore = tf.memory().numTensors;
  first = await crossTask('x1', poisonOf('random-class', 0.3));
  tensorsAfterFirst = tf.memory().numTensors;
  second = await crossTask('x2', poisonOf('lsp', 5 * 28 * (6 / 255)));
  tensorsAfterSecond = tf.memory().numTensors;
}, 180_000);

describe('the cross-task command in a lab session', () => {
  it('queued first, then one cross-task message with an outcome for every head, then done', () => {
    expect(first[0]).toMatchObject({ type: 'status', stage: 'queued' });
    expect(first.filter((m) => m.type === 'error')).toEqual([]);
    expect(first.at(-1)?.type).toBe('done');
    expect(first.at(-2)?.type).toBe('cross-task');
    expect(first.filter((m) => m.type === 'cross-task')).toHaveLength(1);
    // Stages of the job are reported under its id, tagged with the model and images.
    const details = first.filter((m) => m.type === 'status').map((m) => m.detail);
    expect(details.some((d) => d.startsWith('rotation model, poisoned images:'))).toBe(true);
    expect(
      first.some((m) => m.type === 'status' && m.stage === 'poisoning' && m.fraction <= 1),
    ).toBe(true);

    const r = resultOf(first);
    expect(r.outcomes.map((o) => `${o.model}/${o.head}`)).toEqual([
      'digits/digits',
      'rotation/rotation',
      'segmentation/segmentation',
      'multi/digits',
      'multi/rotation',
      'multi/segmentation',
    ]);
    for (const o of r.outcomes) {
      expect(o.clean).toBeGreaterThanOrEqual(0);
      expect(o.clean).toBeLessThanOrEqual(1);
      expect(o.poisoned).not.toBeNull();
      expect(o.poisoned!).toBeGreaterThanOrEqual(0);
      expect(o.poisoned!).toBeLessThanOrEqual(1);
      // SAL was on, so every head has a UD over the one epoch.
      expect(o.ud).not.toBeNull();
      expect(o.ud!.epochs).toBe(1);
    }
    expect(r.poison?.method).toBe('random-class');
    expect(r.sal).toEqual(sal);
    expect(r.runs.filter((x) => x.variant === 'clean')).toHaveLength(4);
    expect(r.runs.filter((x) => x.variant === 'poisoned')).toHaveLength(4);
    for (const run of r.runs)
      for (const h of run.heads) expect(run.sal[h]?.values).toHaveLength(config.epochs);
    // The surrogate's weights stay in the worker.
    expect(r.cleanDigits).toBeNull();
  });

  it('another poison for the same settings reuses the clean side exactly', () => {
    expect(second.filter((m) => m.type === 'error')).toEqual([]);
    expect(second.at(-1)?.type).toBe('done');
    const a = resultOf(first);
    const b = resultOf(second);
    expect(b.poison?.method).toBe('lsp');
    const clean = (r: CrossTaskResult) => r.runs.filter((x) => x.variant === 'clean');
    expect(clean(b)).toEqual(clean(a));
    // No clean model was retrained: no training status names clean images.
    const details = second.filter((m) => m.type === 'status').map((m) => m.detail);
    expect(details.some((d) => d.includes('clean images'))).toBe(false);
    expect(details.some((d) => d.includes('poisoned images'))).toBe(true);
    // Clean scores per head carry over; the poisoned side is new.
    expect(b.outcomes.map((o) => o.clean)).toEqual(a.outcomes.map((o) => o.clean));
    expect(b.runs.filter((x) => x.variant === 'poisoned')).toHaveLength(4);
  });

  it("the store's reducer turns the job's messages into a done job holding the result", () => {
    const start: CrossTaskJob = {
      jobId: 'x1',
      method: 'random-class',
      config,
      sal,
      status: 'queued',
      detail: 'waiting for the worker',
      fraction: 0,
      result: null,
      error: null,
    };
    const end = (first as RunMessage[]).reduce(reduceCrossTask, start);
    expect(end).toMatchObject({ status: 'done', fraction: 1, error: null });
    expect(end.result).toEqual(resultOf(first));
  });

  it('frees every tensor it made across the two jobs', () => {
    expect(tensorsAfterFirst).toBe(tensorsBefore);
    expect(tensorsAfterSecond).toBe(tensorsBefore);
  });

  it('cancel mid-job gives cancelled (no result), and frees its tensors', async () => {
    tap = (m) => {
      if (m.type === 'status' && 'runId' in m && m.runId === 'x3' && m.stage === 'training')
        void session.handle({ type: 'cancel', runId: 'x3' });
    };
    try {
      const msgs = await crossTask('x3', poisonOf('random', 0.3));
      expect(msgs.some((m) => m.type === 'status' && m.stage === 'training')).toBe(true);
      expect(msgs.at(-1)?.type).toBe('cancelled');
      expect(msgs.some((m) => m.type === 'cross-task' || m.type === 'done')).toBe(false);
    } finally {
      tap = null;
    }
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe('parseToWorker: cross-task', () => {
  const valid = {
    type: 'cross-task',
    runId: 'c1',
    config,
    poison: poisonOf('lsp', 1),
    sal,
  };

  it('accepts a valid command, with and without SAL', () => {
    expect(parseToWorker(valid)).toEqual(valid);
    expect(parseToWorker({ ...valid, sal: null })).toMatchObject({ type: 'cross-task', sal: null });
  });

  it('rejects a bad poison method, naming the field', () => {
    expect(() => parseToWorker({ ...valid, poison: { ...valid.poison, method: 'nope' } })).toThrow(
      /field "poison\.method"/,
    );
    expect(() => parseToWorker({ ...valid, poison: null })).toThrow(/field "poison"/);
  });
});
