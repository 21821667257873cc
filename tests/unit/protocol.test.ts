import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './helpers/tf';
import {
  parseToWorker,
  transferablesOf,
  type FromWorker,
  type ToWorker,
} from '../../src/workers/protocol';
import { LabSession } from '../../src/workers/lab-session';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { defaultTrainConfig } from '../../src/core/train-config';
import type { BackendReport } from '../../src/core/run-types';
import type { PoisonSettings } from '../../src/core/poison-types';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import { LANDSCAPE_DEFAULTS } from '../../src/core/landscape-types';

beforeAll(() => useBackend('wasm'));

const config = { ...defaultTrainConfig(), trainSize: 200, testSize: 100, epochs: 2, batchSize: 32 };

describe('worker protocol', () => {
  it('round-trips every command through structured clone and validation', () => {
    const msgs: ToWorker[] = [
      { type: 'init', backend: 'auto', dataUrl: 'http://localhost/data' },
      {
        type: 'train',
        runId: 'r1',
        config,
        poison: null,
        sal: null,
        surrogateRunId: null,
        defence: null,
      },
      { type: 'cancel', runId: 'r1' },
    ];
    for (const m of msgs) expect(parseToWorker(structuredClone(m))).toEqual(m);
  });

  it('keeps every field of every command: a fully populated command parses to itself', () => {
    // Every optional field set, so a field the schema did not know would be dropped and show.
    const poison: Required<PoisonSettings> = {
      method: 'em',
      eps: 8 / 255,
      ratio: 1,
      seed: 3,
      surrogate: 'cnn-s',
      trainBatches: 10,
      steps: 20,
      stepSize: 0.003,
      minRounds: 2,
      maxRounds: 4,
      lossThreshold: 0.01,
      batchSize: 32,
      lr: 0.05,
      momentum: 0.9,
      advEps: 0.01,
      advSteps: 2,
      checkpoints: 5,
      grid: 4,
    };
    const sal = { ...APP_SAL_DEFAULTS };
    const checkpoint = { names: ['w'], shapes: [[2]], data: [Float32Array.of(1, 2)] };
    // One of each type: the mapped type fails to compile when a command type is missing here.
    const full: { [T in ToWorker['type']]: Extract<ToWorker, { type: T }> } = {
      init: { type: 'init', backend: 'wasm', dataUrl: './data' },
      train: {
        type: 'train',
        runId: 'r1',
        config,
        poison,
        defence: { id: 'jpeg', quality: 10 },
        sal,
        surrogateRunId: 'r0',
      },
      'filter-sal': {
        type: 'filter-sal',
        runId: 'f1',
        sourceRunId: 'r1',
        layer: 'conv1',
        epoch: 2,
        settings: sal,
      },
      landscape: {
        type: 'landscape',
        runId: 'l1',
        kind: 'interpolation',
        sourceRunId: 'r1',
        targetRunId: 'r0',
        settings: { ...LANDSCAPE_DEFAULTS, includeBiases: true, data: 'train' },
      },
      'cross-task': { type: 'cross-task', runId: 'c1', config, poison, sal },
      adopt: {
        type: 'adopt',
        runId: 'a1',
        config,
        poison,
        defence: { id: 'mixup', alpha: 1 },
        surrogateRunId: 'r0',
        checkpoints: [checkpoint],
      },
      cancel: { type: 'cancel', runId: 'r1' },
    };
    for (const m of Object.values(full)) expect(parseToWorker(structuredClone(m))).toEqual(m);
  });

  it('rejects malformed commands, naming the field', () => {
    expect(() => parseToWorker({ type: 'dance' })).toThrow(/field "type"/);
    expect(() =>
      parseToWorker({ type: 'train', runId: 'r', config: { ...config, epochs: 0 } }),
    ).toThrow(/config\.epochs/);
    expect(() => parseToWorker({ type: 'init', backend: 'tpu', dataUrl: '' })).toThrow(/backend/);
    expect(() => parseToWorker(null)).toThrow(/bad message/);
  });

  it('lists the buffers of samples and checkpoints as transferables', () => {
    const images = new Uint8Array(4);
    const labels = new Uint8Array(1);
    const t = transferablesOf({
      type: 'samples',
      runId: 'r',
      samples: { images, labels, count: 1, height: 2, width: 2, channels: 1, classNames: ['a'] },
    });
    expect(t).toEqual([images.buffer, labels.buffer]);
    const data = [new Float32Array(3), new Float32Array(2)];
    expect(
      transferablesOf({
        type: 'epoch',
        runId: 'r',
        metrics: {} as never,
        checkpoint: { names: ['a', 'b'], shapes: [[3], [2]], data },
      }),
    ).toEqual(data.map((d) => d.buffer));
    expect(transferablesOf({ type: 'done', runId: 'r', seconds: 1 })).toEqual([]);
  });
});

/** A session wired to Node data, collecting what it posts. Messages are cloned as postMessage would. */
function session() {
  const out: FromWorker[] = [];
  const report: BackendReport = {
    chosen: 'wasm',
    preference: 'auto',
    notes: [{ backend: 'wasm', status: 'chosen', why: 'test' }],
  };
  const s = new LabSession(
    (m) => out.push(structuredClone(m)),
    async () => report,
    (id, split, onProgress) => {
      onProgress(1, 1);
      return loadDatasetNode(id, split);
    },
  );
  return { s, out };
}

describe('lab session (the worker without `self`)', () => {
  it('init, train: ready, status, samples, progress, two epochs with checkpoints, done', async () => {
    const { s, out } = session();
    await s.handle({ type: 'init', backend: 'auto', dataUrl: '' });
    await s.handle({
      type: 'train',
      runId: 'a',
      config,
      poison: null,
      sal: null,
      surrogateRunId: null,
      defence: null,
    });
    const types = out.map((m) => m.type);
    expect(types[0]).toBe('ready');
    expect(types).toContain('samples');
    expect(types).toContain('progress');
    expect(types.filter((t) => t === 'epoch')).toHaveLength(2);
    expect(types.at(-1)).toBe('done');
    const epoch = out.find((m) => m.type === 'epoch');
    if (epoch?.type !== 'epoch') throw new Error('no epoch');
    expect(epoch.checkpoint.names).toEqual([
      'conv1/kernel',
      'conv1/bias',
      'conv2/kernel',
      'conv2/bias',
      'dense1/kernel',
      'dense1/bias',
    ]);
    expect(epoch.checkpoint.data[0]).toBeInstanceOf(Float32Array);
    const samples = out.find((m) => m.type === 'samples');
    if (samples?.type !== 'samples') throw new Error('no samples');
    expect(samples.samples.count).toBe(40); // 4 per class
  });

  it('jobs run one at a time in arrival order; cancel stops a running or a queued job', async () => {
    const { s, out } = session();
    await s.handle({ type: 'init', backend: 'auto', dataUrl: '' });
    const long = { ...config, trainSize: 2000, epochs: 5 };
    const job = (runId: string, c = config) =>
      s.handle({
        type: 'train',
        runId,
        config: c,
        poison: null,
        sal: null,
        surrogateRunId: null,
        defence: null,
      });
    const a = job('a', long);
    const b = job('b', long);
    const c = job('c');
    await new Promise((r) => setTimeout(r, 300));
    await s.handle({ type: 'cancel', runId: 'a' });
    await s.handle({ type: 'cancel', runId: 'b' });
    await Promise.all([a, b, c]);
    const last = (id: string) => out.filter((m) => 'runId' in m && m.runId === id).at(-1)?.type;
    expect(last('a')).toBe('cancelled');
    expect(last('b')).toBe('cancelled');
    expect(last('c')).toBe('done');
    // b never trained: after its queued status it was cancelled before any progress
    expect(out.some((m) => m.type === 'progress' && m.runId === 'b')).toBe(false);
    const order = out
      .filter((m) => m.type === 'done' || m.type === 'cancelled')
      .map((m) => ('runId' in m ? m.runId : ''));
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('a poisoned run with SAL: poison gallery, one SAL row per epoch, then per-filter SAL', async () => {
    const { s, out } = session();
    await s.handle({ type: 'init', backend: 'auto', dataUrl: '' });
    const sal = {
      eps: 0.05,
      lr: 0.1,
      rounds: 1,
      batchSize: 64,
      subsetSize: 64,
      l0Mode: 'inference' as const,
    };
    await s.handle({
      type: 'train',
      runId: 'p',
      config,
      poison: { method: 'random-class', eps: 0.1, ratio: 1, seed: 1 },
      sal,
      surrogateRunId: null,
      defence: null,
    });
    const poison = out.find((m) => m.type === 'poison');
    if (poison?.type !== 'poison') throw new Error('no poison message');
    expect(poison.summary.method).toBe('random-class');
    expect(poison.summary.norms.linfMax).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(poison.gallery.count).toBe(20); // 2 per class
    const rows = out.filter((m) => m.type === 'sal');
    expect(rows).toHaveLength(2);
    if (rows[0]?.type !== 'sal') throw new Error('no SAL');
    expect(rows[0].row.layers).toEqual(['conv1', 'conv2', 'dense1']);
    expect(rows[0].row.values.every((v) => v >= 0)).toBe(true);
    await s.handle({
      type: 'filter-sal',
      runId: 'f',
      sourceRunId: 'p',
      layer: 'conv1',
      epoch: 2,
      settings: sal,
    });
    const f = out.find((m) => m.type === 'filter-sal');
    if (f?.type !== 'filter-sal') throw new Error('no filter SAL');
    expect(f.filters).toHaveLength(8);
    expect(out.at(-1)).toMatchObject({ type: 'done', runId: 'f' });
  });

  it('TAP without a trained clean run fails with a message that says what to do', async () => {
    const { s, out } = session();
    await s.handle({ type: 'init', backend: 'auto', dataUrl: '' });
    await s.handle({
      type: 'train',
      runId: 't',
      config,
      poison: { method: 'tap', eps: 0.1, ratio: 1, seed: 1 },
      sal: null,
      surrogateRunId: null,
      defence: null,
    });
    expect(out.at(-1)).toMatchObject({
      type: 'error',
      runId: 't',
      message: expect.stringMatching(/train the clean run first/),
    });
  });

  it('a run before init fails with a message instead of hanging', async () => {
    const { s, out } = session();
    await s.handle({
      type: 'train',
      runId: 'x',
      config,
      poison: null,
      sal: null,
      surrogateRunId: null,
      defence: null,
    });
    expect(out.at(-1)).toEqual({
      type: 'error',
      runId: 'x',
      message: 'the worker was not initialised',
    });
  });
});
