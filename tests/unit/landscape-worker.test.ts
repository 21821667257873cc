/**
 * Landscape jobs of the worker (workers/landscape-job.ts) driven through a LabSession in Node:
 * a tiny run is trained, then surfaces, interpolations and the path plane are asked for, as the
 * app does. Also the 'landscape' command's validation (workers/protocol.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { LANDSCAPE_DEFAULTS, type LandscapeSettings } from '../../src/core/landscape-types';
import type { BackendReport } from '../../src/core/run-types';
import { defaultTrainConfig, type TrainConfig } from '../../src/core/train-config';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { LabSession } from '../../src/workers/lab-session';
import { interpolationAlphas } from '../../src/workers/jobs/landscape-job';
import {
  parseToWorker,
  type FromWorker,
  type LandscapeCommand,
  type LandscapeKind,
} from '../../src/workers/protocol';

const config: TrainConfig = {
  ...defaultTrainConfig(),
  model: 'cnn-s',
  trainSize: 200,
  testSize: 100,
  epochs: 2,
  batchSize: 32,
};
/** Same seed (so the same test subset), another learning rate: different final weights. */
const otherConfig: TrainConfig = { ...config, epochs: 1, lr: 0.02 };
const settings: LandscapeSettings = { ...LANDSCAPE_DEFAULTS, grid: 5, limit: 64, data: 'test' };

const out: FromWorker[] = [];
let session: LabSession;
/** Called with every message as it is posted (to cancel mid-job). */
let tap: ((m: FromWorker) => void) | null = null;

const ofJob = (runId: string) => out.filter((m) => 'runId' in m && m.runId === runId);

let jobs = 0;
async function landscape(
  kind: LandscapeKind,
  sourceRunId: string,
  targetRunId: string | null = null,
  patch: Partial<LandscapeSettings> = {},
) {
  const runId = `L${++jobs}`;
  await session.handle({
    type: 'landscape',
    runId,
    kind,
    sourceRunId,
    targetRunId,
    settings: { ...settings, ...patch },
  });
  return ofJob(runId);
}

function last<T extends FromWorker['type']>(msgs: FromWorker[], type: T) {
  const m = msgs.filter((x): x is Extract<FromWorker, { type: T }> => x.type === type).at(-1);
  if (!m) throw new Error(`no ${type} message`);
  return m;
}

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
  for (const [runId, c, poison] of [
    ['a', config, null],
    ['b', otherConfig, null],
    ['p', otherConfig, { method: 'random', eps: 0.3, ratio: 1, seed: 1 }],
  ] as const) {
    await session.handle({
      type: 'train',
      runId,
      config: c,
      poison,
      sal: null,
      surrogateRunId: null,
      defence: null,
    });
    expect(ofJob(runId).at(-1)?.type).toBe('done');
  }
});

describe('landscape jobs in a lab session', () => {
  it('a 5 x 5 surface: one result at fraction 1, then done; its centre is the reported centre loss', async () => {
    const msgs = await landscape('surface', 'a');
    expect(msgs[0]).toMatchObject({ type: 'status', stage: 'queued' });
    expect(msgs.at(-1)?.type).toBe('done');
    expect(msgs.at(-2)?.type).toBe('landscape');
    expect(msgs.some((m) => m.type === 'status' && m.stage === 'landscape')).toBe(true);
    const final = last(msgs, 'landscape');
    expect(final.fraction).toBe(1);
    if (final.result.kind !== 'surface') throw new Error('not a surface');
    const s = final.result.surface;
    expect(s.xs).toHaveLength(5);
    expect(s.xs[2]).toBe(0);
    expect(s.ys[2]).toBe(0);
    expect(s.done.every((d) => d === 1)).toBe(true);
    expect(final.centre).not.toBeNull();
    expect(Math.abs(s.loss[2 * 5 + 2]! - final.centre!.loss)).toBeLessThan(1e-4);
    expect(Math.abs(s.acc[2 * 5 + 2]! - final.centre!.acc)).toBeLessThan(1e-6);
  });

  it('a 9 x 9 surface sharpens: partial results with rising fractions up to 1, then done', async () => {
    const n = 9;
    const msgs = await landscape('surface', 'a', null, { grid: n });
    expect(msgs.at(-1)?.type).toBe('done');
    expect(msgs.at(-2)?.type).toBe('landscape');
    const results = msgs.filter((m) => m.type === 'landscape');
    expect(results.length).toBeGreaterThan(2); // coarse level(s), the last level, the final one
    const fractions = results.map((m) => m.fraction);
    expect(fractions[0]!).toBeGreaterThan(0);
    expect(fractions[0]!).toBeLessThan(1);
    for (let k = 1; k < fractions.length; k++)
      expect(fractions[k]!).toBeGreaterThanOrEqual(fractions[k - 1]!);
    expect(fractions.at(-1)).toBe(1);
    // Partials hold NaN exactly where not evaluated; their evaluated share is the fraction.
    for (const m of results) {
      if (m.result.kind !== 'surface') throw new Error('not a surface');
      const { done, loss } = m.result.surface;
      expect(done.reduce((a, d) => a + d, 0) / (n * n)).toBeCloseTo(m.fraction, 6);
      loss.forEach((v, k) => expect(Number.isNaN(v)).toBe(done[k] === 0));
    }
    const final = last(msgs, 'landscape');
    if (final.result.kind !== 'surface') throw new Error('not a surface');
    const mid = (n - 1) / 2;
    expect(Math.abs(final.result.surface.loss[mid * n + mid]! - final.centre!.loss)).toBeLessThan(
      1e-4,
    );
    // The centre is evaluated first, with the same value as in the end.
    const first = results[0]!;
    if (first.result.kind !== 'surface') throw new Error('not a surface');
    expect(first.result.surface.done[mid * n + mid]).toBe(1);
    expect(first.result.surface.loss[mid * n + mid]).toBe(final.result.surface.loss[mid * n + mid]);
  });

  it('interpolation: alpha 0 is the run itself; init -> final ends at the final model', async () => {
    // 13 points: -0.25 .. 1.25 in steps of 0.125, so 0 and 1 are on the curve.
    const alphas = interpolationAlphas(13);
    const i0 = alphas.indexOf(0);
    const i1 = alphas.indexOf(1);
    expect(i0).toBeGreaterThan(0);
    expect(i1).toBeGreaterThan(i0);

    const toB = last(await landscape('interpolation', 'a', 'b', { grid: 13 }), 'landscape');
    if (toB.result.kind !== 'interpolation') throw new Error('not an interpolation');
    expect(Array.from(toB.result.curve.alphas)).toEqual(Array.from(alphas));
    expect(Math.abs(toB.result.curve.loss[i0]! - toB.centre!.loss)).toBeLessThan(1e-4);

    const ownA = last(await landscape('interpolation', 'a', null, { grid: 13 }), 'landscape');
    if (ownA.result.kind !== 'interpolation') throw new Error('not an interpolation');
    expect(Math.abs(ownA.result.curve.loss[i1]! - ownA.centre!.loss)).toBeLessThan(1e-4);
    // Training lowered the loss: the initial model (alpha 0) is worse than the final one.
    expect(ownA.result.curve.loss[i0]!).toBeGreaterThan(ownA.centre!.loss);

    // a -> b at alpha 1 is b's final model, measured on the same images as b's own curve.
    const ownB = last(await landscape('interpolation', 'b', null, { grid: 13 }), 'landscape');
    if (ownB.result.kind !== 'interpolation') throw new Error('not an interpolation');
    expect(Math.abs(toB.result.curve.loss[i1]! - ownB.centre!.loss)).toBeLessThan(1e-4);
    expect(Math.abs(ownB.centre!.loss - toB.centre!.loss)).toBeGreaterThan(1e-3);
  });

  it('path: explained ratios in [0, 1], one coordinate per checkpoint, ending at the origin', async () => {
    const msgs = await landscape('path', 'a');
    expect(msgs.at(-1)?.type).toBe('done');
    const m = last(msgs, 'landscape');
    if (m.result.kind !== 'path') throw new Error('not a path');
    const { plane, surface } = m.result;
    const checkpoints = config.epochs + 1; // the initial weights and one per epoch
    expect(plane.pathA).toHaveLength(checkpoints);
    expect(plane.pathB).toHaveLength(checkpoints);
    for (const e of plane.explained) {
      expect(e).toBeGreaterThanOrEqual(0);
      expect(e).toBeLessThanOrEqual(1);
    }
    expect(plane.explained[0] + plane.explained[1]).toBeLessThanOrEqual(1 + 1e-6);
    expect(plane.explained[0]).toBeGreaterThanOrEqual(plane.explained[1]);
    expect(Math.abs(plane.pathA.at(-1)!)).toBeLessThan(1e-6);
    expect(Math.abs(plane.pathB.at(-1)!)).toBeLessThan(1e-6);
    expect(surface.loss).toHaveLength(25);
    expect(surface.done.every((d) => d === 1)).toBe(true);
    expect(surface.loss.every(Number.isFinite)).toBe(true);
  });

  it("measures on the chosen images: a poisoned run's own training set is not its clean version", async () => {
    const centre = async (runId: string, data: LandscapeSettings['data']) =>
      last(await landscape('interpolation', runId, null, { data }), 'landscape').centre!.loss;
    // A clean run trains on the clean subset itself.
    expect(await centre('b', 'train')).toBe(await centre('b', 'train-clean'));
    const poisonedTrain = await centre('p', 'train');
    const poisonedClean = await centre('p', 'train-clean');
    expect(Math.abs(poisonedTrain - poisonedClean)).toBeGreaterThan(1e-4);
    expect(Math.abs((await centre('p', 'test')) - poisonedClean)).toBeGreaterThan(1e-4);
  });

  it('a landscape of an unknown run (or target) fails with an error naming it', async () => {
    const src = await landscape('surface', 'ghost-run');
    expect(src.at(-1)).toMatchObject({
      type: 'error',
      message: expect.stringContaining('ghost-run'),
    });
    const tgt = await landscape('interpolation', 'a', 'ghost-target');
    expect(tgt.at(-1)).toMatchObject({
      type: 'error',
      message: expect.stringContaining('ghost-target'),
    });
    expect(tgt.some((m) => m.type === 'landscape')).toBe(false);
  });

  it('cancel stops a running surface after its first partial, and a queued one before it starts', async () => {
    const running = `L${++jobs}`;
    const queued = `L${++jobs}`;
    tap = (m) => {
      if (m.type === 'landscape' && m.runId === running)
        void session.handle({ type: 'cancel', runId: running });
    };
    const cmd = (runId: string): LandscapeCommand => ({
      type: 'landscape',
      runId,
      kind: 'surface',
      sourceRunId: 'a',
      targetRunId: null,
      settings: { ...settings, grid: 21 },
    });
    const p1 = session.handle(cmd(running));
    const p2 = session.handle(cmd(queued));
    await session.handle({ type: 'cancel', runId: queued });
    await Promise.all([p1, p2]);
    tap = null;
    const r = ofJob(running);
    expect(r.at(-1)?.type).toBe('cancelled');
    expect(r.filter((m) => m.type === 'landscape')).toHaveLength(1);
    expect(last(r, 'landscape').fraction).toBeLessThan(1);
    expect(r.some((m) => m.type === 'done')).toBe(false);
    const q = ofJob(queued);
    expect(q.map((m) => m.type)).toEqual(['status', 'cancelled']);
    // The session still works afterwards.
    expect((await landscape('surface', 'a')).at(-1)?.type).toBe('done');
  });

  it('repeated surface jobs leave no tensors behind', async () => {
    const before = tf.memory().numTensors;
    for (let k = 0; k < 3; k++) {
      const msgs = await landscape('surface', 'a', null, { seed: 10 + k });
      expect(msgs.at(-1)?.type).toBe('done');
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('interpolations, paths, failed and cancelled jobs leave no tensors behind either', async () => {
    const before = tf.memory().numTensors;
    await landscape('interpolation', 'a', 'b');
    await landscape('path', 'a', null, { limit: 32 });
    await landscape('surface', 'ghost');
    const runId = `L${++jobs}`;
    tap = (m) => {
      if (m.type === 'status' && m.runId === runId && m.stage === 'landscape')
        void session.handle({ type: 'cancel', runId });
    };
    await session.handle({
      type: 'landscape',
      runId,
      kind: 'surface',
      sourceRunId: 'a',
      targetRunId: null,
      settings: { ...settings, grid: 21 },
    });
    tap = null;
    expect(ofJob(runId).at(-1)?.type).toBe('cancelled');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the 'landscape' command", () => {
  const cmd: LandscapeCommand = {
    type: 'landscape',
    runId: 'L1',
    kind: 'interpolation',
    sourceRunId: 'a',
    targetRunId: 'b',
    settings,
  };

  it('passes validation after a structured clone', () => {
    expect(parseToWorker(structuredClone(cmd))).toEqual(cmd);
    const own = { ...cmd, kind: 'path' as const, targetRunId: null };
    expect(parseToWorker(own)).toEqual(own);
  });

  it('rejects bad settings and kinds, naming the field', () => {
    expect(() => parseToWorker({ ...cmd, settings: { ...settings, grid: 1000 } })).toThrow(
      /field "settings\.grid"/,
    );
    expect(() => parseToWorker({ ...cmd, settings: { ...settings, limit: 1 } })).toThrow(
      /settings\.limit/,
    );
    expect(() => parseToWorker({ ...cmd, settings: { ...settings, data: 'val' } })).toThrow(
      /settings\.data/,
    );
    expect(() => parseToWorker({ ...cmd, kind: 'volume' })).toThrow(/field "kind"/);
    expect(() => parseToWorker({ ...cmd, sourceRunId: '' })).toThrow(/sourceRunId/);
  });
});
