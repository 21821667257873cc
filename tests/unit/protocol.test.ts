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

beforeAll(() => useBackend('wasm'));

const config = { ...defaultTrainConfig(), trainSize: 200, testSize: 100, epochs: 2, batchSize: 32 };

describe('worker protocol', () => {
  it('round-trips every command through structured clone and validation', () => {
    const msgs: ToWorker[] = [
      { type: 'init', backend: 'auto', dataUrl: 'http://localhost/data' },
      { type: 'train', runId: 'r1', config },
      { type: 'cancel', runId: 'r1' },
    ];
    for (const m of msgs) expect(parseToWorker(structuredClone(m))).toEqual(m);
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
    await s.handle({ type: 'train', runId: 'a', config });
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

  it('cancel stops the run with a cancelled message; a new run cancels the old one', async () => {
    const { s, out } = session();
    await s.handle({ type: 'init', backend: 'auto', dataUrl: '' });
    const first = s.handle({
      type: 'train',
      runId: 'a',
      config: { ...config, trainSize: 2000, epochs: 5 },
    });
    await new Promise((r) => setTimeout(r, 300));
    await s.handle({ type: 'cancel', runId: 'a' });
    await first;
    expect(out.filter((m) => 'runId' in m && m.runId === 'a').at(-1)?.type).toBe('cancelled');
    const second = s.handle({
      type: 'train',
      runId: 'b',
      config: { ...config, trainSize: 2000, epochs: 5 },
    });
    await new Promise((r) => setTimeout(r, 300));
    const third = s.handle({ type: 'train', runId: 'c', config });
    await Promise.all([second, third]);
    expect(out.filter((m) => 'runId' in m && m.runId === 'b').at(-1)?.type).toBe('cancelled');
    expect(out.filter((m) => 'runId' in m && m.runId === 'c').at(-1)?.type).toBe('done');
  });

  it('a run before init fails with a message instead of hanging', async () => {
    const { s, out } = session();
    await s.handle({ type: 'train', runId: 'x', config });
    expect(out.at(-1)).toEqual({
      type: 'error',
      runId: 'x',
      message: 'the worker was not initialised',
    });
  });
});
