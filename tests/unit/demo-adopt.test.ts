/**
 * The worker's 'adopt' command (workers/lab-session.ts, adopted-run.ts): runs trained in one
 * LabSession are handed, as checkpoints only, to a fresh one, which then computes the same
 * landscapes and per-filter SAL (its poisoned training set rebuilt from the seeds).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { LANDSCAPE_DEFAULTS, type LandscapeSettings } from '../../src/core/landscape-types';
import type { PoisonSettings } from '../../src/core/poison-types';
import type { BackendReport } from '../../src/core/run-types';
import { APP_SAL_DEFAULTS } from '../../src/core/sal-types';
import { defaultTrainConfig, type TrainConfig } from '../../src/core/train-config';
import type { WeightSnapshot } from '../../src/core/weights';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { LabSession } from '../../src/workers/lab-session';
import {
  parseToWorker,
  type AdoptCommand,
  type FromWorker,
  type LandscapeKind,
} from '../../src/workers/protocol';

const config: TrainConfig = {
  ...defaultTrainConfig(),
  trainSize: 200,
  testSize: 100,
  epochs: 2,
};
const poison: PoisonSettings = { method: 'random', eps: 0.3, ratio: 1, seed: 1 };
const settings: LandscapeSettings = { ...LANDSCAPE_DEFAULTS, grid: 5, limit: 64 };
const report: BackendReport = {
  chosen: 'wasm',
  preference: 'auto',
  notes: [{ backend: 'wasm', status: 'chosen', why: 'test' }],
};

/** A session in Node, its messages, and the checkpoints its 'epoch' messages carried. */
function session() {
  const out: FromWorker[] = [];
  const checkpoints = new Map<string, WeightSnapshot[]>();
  const s = new LabSession(
    (m) => {
      const c = structuredClone(m);
      out.push(c);
      if (c.type === 'epoch') {
        const l = checkpoints.get(c.runId) ?? [];
        l[c.metrics.epoch - 1] = c.checkpoint;
        checkpoints.set(c.runId, l);
      }
    },
    async () => report,
    (id, split) => loadDatasetNode(id, split),
  );
  let n = 0;
  const job = async (msg: Record<string, unknown>) => {
    const runId = `j${++n}`;
    await s.handle({ runId, ...msg } as never);
    return out.filter((m) => 'runId' in m && m.runId === runId);
  };
  const landscape = async (
    kind: LandscapeKind,
    source: string,
    target: string | null = null,
    patch = {},
  ) => {
    const msgs = await job({
      type: 'landscape',
      kind,
      sourceRunId: source,
      targetRunId: target,
      settings: { ...settings, ...patch },
    });
    const last = msgs.filter((m) => m.type === 'landscape').at(-1);
    if (!last || last.type !== 'landscape')
      throw new Error(`no landscape: ${JSON.stringify(msgs.at(-1))}`);
    return last.result;
  };
  return { s, out, checkpoints, job, landscape };
}

let a: ReturnType<typeof session>;
let b: ReturnType<typeof session>;
let initA: WeightSnapshot;

const adopt = (
  runId: string,
  checkpoints: WeightSnapshot[],
  p: PoisonSettings | null,
): AdoptCommand => ({
  type: 'adopt',
  runId,
  config,
  poison: p,
  defence: null,
  surrogateRunId: null,
  checkpoints,
});

beforeAll(async () => {
  await useBackend('wasm');
  a = session();
  await a.s.handle({ type: 'init', backend: 'auto', dataUrl: '' });
  for (const [runId, p] of [
    ['clean', null],
    ['poisoned', poison],
  ] as const) {
    const msgs = await a.job({
      type: 'train',
      config,
      poison: p,
      defence: null,
      sal: null,
      surrogateRunId: null,
    });
    expect(msgs.at(-1)?.type).toBe('done');
    const id = msgs[0]!.type === 'status' ? (msgs[0] as { runId: string }).runId : '';
    a.checkpoints.set(runId, a.checkpoints.get(id)!);
  }
  // The original session's init, as seen through an init -> final interpolation at alpha 0.
  initA = a.checkpoints.get('clean')![0]!;
  b = session();
  await b.s.handle({ type: 'init', backend: 'auto', dataUrl: '' });
}, 120_000);

describe("the worker's adopt command", () => {
  it('an adopted run gives the same surface, path plane and interpolations as the session that trained it', async () => {
    // Session A knows its runs as j1 / j2; B adopts them under the app's ids.
    await b.s.handle(adopt('clean', a.checkpoints.get('clean')!.slice(-1), null));
    await b.s.handle(adopt('poisoned', a.checkpoints.get('poisoned')!.slice(-1), poison));
    const before = tf.memory().numTensors;
    for (const [kind, target] of [
      ['surface', null],
      ['path', null],
      ['interpolation', null],
      ['interpolation', 'poisoned'],
    ] as const) {
      const ra = await a.landscape(kind, 'j1', target ? 'j2' : null);
      const rb = await b.landscape(kind, 'clean', target);
      if (kind === 'path') {
        // The path plane needs every checkpoint: with the final one alone it has init and final.
        expect(rb.kind).toBe('path');
        continue;
      }
      expect(rb).toEqual(ra);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(initA.data[0]!.length).toBeGreaterThan(0);
  }, 120_000);

  it('with epochs 1..T (the init re-created from the seed) the training-path plane is the same too', async () => {
    await b.s.handle(adopt('clean-all', a.checkpoints.get('clean')!, null));
    expect(await b.landscape('path', 'clean-all')).toEqual(await a.landscape('path', 'j1'));
  }, 60_000);

  it("rebuilds a poisoned run's training set from the seeds: 'train' landscapes and the drill-down match", async () => {
    expect(await b.landscape('surface', 'poisoned', null, { data: 'train' })).toEqual(
      await a.landscape('surface', 'j2', null, { data: 'train' }),
    );
    const sal = { ...APP_SAL_DEFAULTS, subsetSize: 64, rounds: 1 };
    const drill = async (x: typeof a, runId: string) => {
      const msgs = await x.job({
        type: 'filter-sal',
        sourceRunId: runId,
        layer: 'conv1',
        epoch: 2,
        settings: sal,
      });
      const m = msgs.find((y) => y.type === 'filter-sal');
      if (!m || m.type !== 'filter-sal') throw new Error(JSON.stringify(msgs.at(-1)));
      return m.filters;
    };
    expect(await drill(b, 'poisoned')).toEqual(await drill(a, 'j2'));
    // Only the final weights were handed over: an earlier epoch is refused in words.
    await expect(async () => {
      const msgs = await b.job({
        type: 'filter-sal',
        sourceRunId: 'poisoned',
        layer: 'conv1',
        epoch: 1,
        settings: sal,
      });
      throw new Error(JSON.stringify(msgs.at(-1)));
    }).rejects.toThrow(/only the final weights of run poisoned were kept/);
    expect(b.out.some((m) => m.type === 'status' && /rebuilding/.test(m.detail))).toBe(true);
  }, 120_000);

  it('checkpoints that do not fit the model become a worker error naming the run', async () => {
    const bad: WeightSnapshot = { names: ['x/kernel'], shapes: [[2]], data: [new Float32Array(2)] };
    const before = b.out.length;
    await b.s.handle(adopt('odd', [bad], null));
    expect(b.out.length).toBe(before); // nothing happens until a job needs it
    const msgs = await b.job({
      type: 'landscape',
      kind: 'surface',
      sourceRunId: 'odd',
      targetRunId: null,
      settings,
    });
    const err = b.out.find((m, i) => i >= before && m.type === 'error' && m.runId === null);
    expect(err?.type === 'error' && err.message).toMatch(
      /Could not hand run odd to the worker: weight count differs/,
    );
    expect(msgs.at(-1)).toMatchObject({ type: 'error' });
  });

  it('the protocol validates adopt messages', () => {
    const ok = adopt('r', [initA], null);
    expect(parseToWorker(ok).type).toBe('adopt');
    expect(() => parseToWorker({ ...ok, checkpoints: [] })).toThrow(/checkpoints/);
    expect(() => parseToWorker({ ...ok, config: { ...config, epochs: 0 } })).toThrow(
      /config\.epochs/,
    );
    expect(() => parseToWorker({ ...ok, checkpoints: [{ ...initA, data: [[1, 2]] }] })).toThrow(
      /checkpoints\.0\.data/,
    );
  });
});
