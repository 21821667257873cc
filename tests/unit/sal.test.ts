import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { toTensors, type ImageTensors } from '../../src/ml/data/tensors';
import { defaultTrainConfig } from '../../src/core/train-config';
import { selectRunData } from '../../src/ml/train/run-training';
import { CancelledError } from '../../src/ml/train/train-loop';
import { buildSpec, paramInfos } from '../../src/ml/models/zoo';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { cloneSnapshot, type WeightSnapshot } from '../../src/core/weights';
import {
  APP_SAL_DEFAULTS,
  PAPER_SAL_SETTINGS,
  SAL_L0_DEPARTURE,
  SalRecordSchema,
  type SalSettings,
} from '../../src/core/sal-types';
import { salAllLayers, salOfLayer, salPerFilter, type RoundTensors } from '../../src/ml/sal/sal';
import { runCopies, salFromParts } from '../../src/ml/sal/copies';
import { baseLoss, layerInputs, prepareSal, splitAtLayer } from '../../src/ml/sal/prepare';
import { crossEntropy, forward } from '../../src/ml/models/forward';
import { evaluate } from '../../src/ml/train/evaluate';
import type { ModelSpec } from '../../src/core/model-spec';

let data: ImageTensors;
beforeAll(async () => {
  await useBackend('wasm');
  const train = await loadDatasetNode('mnist', 'train');
  const config = { ...defaultTrainConfig(), trainSize: 256, testSize: 10, seed: 3 };
  data = toTensors(selectRunData(config, train, train).train);
});
afterAll(() => tf.dispose([data.x, data.y]));

const cnn = buildSpec('cnn-s');
const vgg = buildSpec('vgg-s');
const quick = (over: Partial<SalSettings> = {}): SalSettings => ({
  ...APP_SAL_DEFAULTS,
  rounds: 2,
  subsetSize: 128,
  batchSize: 64,
  ...over,
});

/** Float64 Frobenius norm of a - b (b may be null). */
function dist(a: Float32Array | Int32Array | Uint8Array, b: typeof a | null): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - (b ? b[i]! : 0)) ** 2;
  return Math.sqrt(s);
}

/** A copy of `w` with every value of weight `name` set to `value`. */
function withConstant(w: WeightSnapshot, name: string, value: number): WeightSnapshot {
  const out = cloneSnapshot(w);
  out.data[out.names.indexOf(name)]!.fill(value);
  return out;
}

/**
 * docs/science.md section 2 written out plainly: whole-model forward passes, the gradient of the
 * full weight list with only entry k used, projection in float64, evaluate() for the losses.
 */
async function referenceSal(spec: ModelSpec, w: WeightSnapshot, layer: string, s: SalSettings) {
  const k = w.names.indexOf(`${layer}/kernel`);
  const base = snapshotToTensors(w);
  const x = tf.slice(data.x, 0, s.subsetSize);
  const y = tf.slice(data.y, 0, s.subsetSize);
  const n = x.shape[0];
  const w0 = base[k]!.dataSync() as Float32Array;
  const radius = s.eps * dist(w0, null);
  const lossAt = async (kernel: tf.Tensor) =>
    (
      await evaluate(
        spec,
        base.map((t, i) => (i === k ? kernel : t)),
        x,
        y,
        s.batchSize,
      )
    ).loss;
  const l0 = await lossAt(base[k]!);
  let up = 0;
  let down = 0;
  const copies = [tf.clone(base[k]!), tf.clone(base[k]!)];
  for (let r = 0; r < s.rounds; r++) {
    for (const c of [0, 1]) {
      for (let start = 0; start < n; start += s.batchSize) {
        const size = Math.min(s.batchSize, n - start);
        const next = tf.tidy(() => {
          const xb = tf.slice(x, start, size);
          const yb = tf.slice(y, start, size);
          const g = tf.grads((...ws: tf.Tensor[]) => crossEntropy(forward(spec, ws, xb), yb))(
            base.map((t, i) => (i === k ? copies[c]! : t)),
          )[k]!;
          return c === 0
            ? tf.sub(copies[c]!, tf.mul(g, s.lr))
            : tf.add(copies[c]!, tf.mul(g, s.lr));
        });
        copies[c]!.dispose();
        copies[c] = next;
      }
      const cur = copies[c]!.dataSync() as Float32Array;
      const d = dist(cur, w0);
      if (d > radius) {
        const p = Float32Array.from(cur, (v, i) => w0[i]! + (v - w0[i]!) * (radius / d));
        copies[c]!.dispose();
        copies[c] = tf.tensor(p, base[k]!.shape);
      }
    }
    down = Math.max(down, l0 - (await lossAt(copies[0]!)));
    up = Math.max(up, (await lossAt(copies[1]!)) - l0);
  }
  tf.dispose([...base, ...copies, x, y]);
  return { l0, up, down };
}

describe('SAL', () => {
  it('agrees with a plain whole-model implementation of docs/science.md section 2', async () => {
    const w = initSnapshot(vgg, 11);
    const s = quick({ rounds: 2, subsetSize: 72, batchSize: 32, lr: 5 }); // uneven batches, projected
    for (const layer of ['conv3', 'dense1']) {
      const want = await referenceSal(vgg, w, layer, s);
      const got = await salOfLayer(vgg, w, layer, data, s);
      expect(got.l0).toBeCloseTo(want.l0, 5);
      expect(Math.abs(got.up - want.up)).toBeLessThan(1e-3 * want.up + 1e-6);
      expect(Math.abs(got.down - want.down)).toBeLessThan(1e-3 * want.down + 1e-6);
      expect(got.up).toBeGreaterThan(1e-4);
    }
  });

  it('keeps every copy inside its radius after every round, and reaches it', async () => {
    const w = initSnapshot(cnn, 1);
    const checks: { d: number; a: number; r: number }[] = [];
    const onRound = (_: unknown, t: RoundTensors) => {
      const o = t.original.dataSync() as Float32Array;
      const r = 0.05 * dist(o, null);
      checks.push({
        d: dist(t.descent.dataSync() as Float32Array, o),
        a: dist(t.ascent.dataSync() as Float32Array, o),
        r,
      });
    };
    // a large step so both copies leave the ball in every round and must be projected
    await salAllLayers(cnn, w, data, quick({ lr: 5, eps: 0.05 }), { onRound });
    expect(checks).toHaveLength(3 * 2);
    for (const c of checks) {
      expect(c.d).toBeLessThanOrEqual(c.r + 1e-6);
      expect(c.a).toBeLessThanOrEqual(c.r + 1e-6);
      expect(c.a).toBeGreaterThan(0.999 * c.r); // projected onto the sphere, not inside it
    }
  });

  it('gives SAL exactly 0 to layers the loss does not depend on', async () => {
    // conv3's bias of -1000 kills its relu: conv1-conv3 cannot change the output
    const w = withConstant(initSnapshot(vgg, 2), 'conv3/bias', -1000);
    const r = await salAllLayers(vgg, w, data, quick({ rounds: 1, subsetSize: 64, lr: 1 }));
    const by = Object.fromEntries(r.layers.map((l) => [l.name, l]));
    for (const name of ['conv1', 'conv2', 'conv3'])
      expect(by[name]).toEqual({ name, sal: 0, up: 0, down: 0 });
    expect(by.dense2!.sal).toBeGreaterThan(0);
    // a zero downstream kernel in cnn-s: the convs are cut off; dense1's own radius is 0
    const z = withConstant(initSnapshot(cnn, 2), 'dense1/kernel', 0);
    const rz = await salAllLayers(cnn, z, data, quick({ rounds: 1, subsetSize: 64, lr: 1 }));
    expect(rz.layers.map((l) => l.sal)).toEqual([0, 0, 0]);
  });

  it('evaluates every layer on the same path as L0 (a step too small to move gives 0)', async () => {
    const r = await salAllLayers(cnn, initSnapshot(cnn, 4), data, quick({ lr: 1e-30 }));
    expect(r.layers.map((l) => [l.up, l.down])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('is deterministic: same inputs, same numbers bit for bit', async () => {
    const w = initSnapshot(cnn, 5);
    const s = quick({ lr: 0.5 });
    const a = await salAllLayers(cnn, w, data, s);
    const ws = snapshotToTensors(w);
    const b = await salAllLayers(cnn, ws, data, s); // tensors instead of a snapshot
    tf.dispose(ws);
    expect(b).toEqual(a);
    expect(a.layers.some((l) => l.sal > 0)).toBe(true);
  });

  it('builds SAL from the running max/min over rounds, both parts >= 0', async () => {
    const r = await salOfLayer(cnn, initSnapshot(cnn, 6), 'conv2', data, quick({ rounds: 3 }));
    expect(r.rounds.map((x) => x.round)).toEqual([1, 2, 3]);
    const maxAsc = Math.max(r.l0, ...r.rounds.map((x) => x.ascentLoss));
    const minDesc = Math.min(r.l0, ...r.rounds.map((x) => x.descentLoss));
    expect(r.up).toBe(maxAsc - r.l0);
    expect(r.down).toBe(r.l0 - minDesc);
    expect(r.up).toBeGreaterThanOrEqual(0);
    expect(r.down).toBeGreaterThanOrEqual(0);
    expect(r.sal).toBe(r.up > r.down ? r.up : r.down);
    // the signed choice of the paper: the part with the larger magnitude, ties to S_down
    expect(salFromParts(0.3, 0.1)).toBe(0.3);
    expect(salFromParts(0.1, 0.3)).toBe(0.3);
    expect(salFromParts(0.2, 0.2)).toBe(0.2);
    expect(salFromParts(-0.5, 0.1)).toBe(-0.5);
  });

  it('gives the same numbers when the layer inputs are recomputed instead of cached', async () => {
    const s = quick({ rounds: 1, subsetSize: 64, batchSize: 32, lr: 1 });
    const p = prepareSal(vgg, initSnapshot(vgg, 12), data, s.subsetSize, s.batchSize);
    try {
      const split = splitAtLayer(vgg, 'conv3');
      const l0 = await baseLoss(p);
      const results = [];
      for (const budget of [Infinity, 0]) {
        const inputs = layerInputs(p, split, budget);
        expect(inputs.cached).toBe(budget > 0);
        const progress = { done: 0, total: 1 };
        results.push(await runCopies(p, split, inputs, l0, s, 0.1, null, {}, progress));
        inputs.dispose();
      }
      expect(results[1]).toEqual(results[0]);
    } finally {
      p.dispose();
    }
  });

  it('does not grow the tensor count across repeated runs', async () => {
    const w = initSnapshot(cnn, 7);
    const s = quick({ rounds: 1, subsetSize: 64 });
    await salAllLayers(cnn, w, data, s); // warm-up: backends allocate lazily
    const ws = snapshotToTensors(w);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) await salAllLayers(cnn, w, data, s);
    await salAllLayers(cnn, ws, data, s);
    await salOfLayer(cnn, ws, 'dense1', data, s);
    await salPerFilter(cnn, ws, 'conv1', data, s);
    expect(tf.memory().numTensors).toBe(before);
    expect(ws.every((t) => !t.isDisposed)).toBe(true); // borrowed tensors stay alive
    tf.dispose(ws);
  });

  it('can be cancelled between rounds and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const seen: [number, number][] = [];
    const run = salAllLayers(cnn, initSnapshot(cnn, 8), data, quick(), {
      onProgress: (done, total) => seen.push([done, total]),
      shouldStop: () => seen.length >= 3,
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual([
      [1, 6],
      [2, 6],
      [3, 6],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('per filter: one value per filter, only that slice moves, within its own radius', async () => {
    const w = initSnapshot(cnn, 9);
    const count = 8; // conv1 of cnn-s: kernel [3, 3, 1, 8]
    const moved: boolean[] = [];
    let round = 0;
    const onRound = (rep: { radius: number }, t: RoundTensors) => {
      const j = Math.floor(round++ / 2); // 2 rounds per filter
      const o = t.original.dataSync() as Float32Array;
      const a = t.ascent.dataSync() as Float32Array;
      const own = (x: Float32Array) => x.filter((_, i) => i % count === j);
      const others = (x: Float32Array) => x.filter((_, i) => i % count !== j);
      expect(Array.from(others(a))).toEqual(Array.from(others(o)));
      expect(rep.radius).toBeCloseTo(0.05 * dist(own(o), null), 6);
      expect(dist(own(a), own(o))).toBeLessThanOrEqual(rep.radius + 1e-6);
      moved.push(dist(own(a), own(o)) > 0);
    };
    const progress: number[] = [];
    const r = await salPerFilter(cnn, w, 'conv1', data, quick({ lr: 2, subsetSize: 64 }), {
      onRound,
      onProgress: (d, t) => progress.push(t),
    });
    expect(r.layer).toBe('conv1');
    expect(r.filters.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.filters.every((f) => f.sal >= 0 && f.up >= 0 && f.down >= 0)).toBe(true);
    expect(moved.every(Boolean)).toBe(true);
    expect(new Set(progress)).toEqual(new Set([count * 2]));
  });

  it('rejects bad layers, weights and settings with clear messages', async () => {
    const w = initSnapshot(cnn, 1);
    await expect(salOfLayer(cnn, w, 'pool1', data, quick())).rejects.toThrow(
      'cnn-s has no weight layer "pool1"; its weight layers are conv1, conv2, dense1',
    );
    await expect(salAllLayers(vgg, w, data, quick())).rejects.toThrow(
      'vgg-s has 12 weight tensors, got 6',
    );
    await expect(salAllLayers(cnn, w, data, quick({ rounds: 0 }))).rejects.toThrow(
      'invalid SAL setting "rounds"',
    );
    const bad = { ...w, names: ['x', ...w.names.slice(1)] };
    await expect(salAllLayers(cnn, bad, data, quick())).rejects.toThrow(
      'weight 0 should be conv1/kernel [3, 3, 1, 8], got x [3, 3, 1, 8]',
    );
  });

  it('exposes the settings and the L0 departure for the UI and run.json', () => {
    expect(PAPER_SAL_SETTINGS).toMatchObject({ eps: 0.05, lr: 0.1, rounds: 10, batchSize: 256 });
    expect(SAL_L0_DEPARTURE).toMatch(/inference mode/);
    expect(paramInfos(cnn).filter((p) => p.role === 'kernel')).toHaveLength(3);
    const rec = {
      settings: APP_SAL_DEFAULTS,
      layers: ['conv1', 'conv2'],
      values: [[0.1, 0.2]],
      up: [[0.1, 0.2]],
      down: [[0, 0.1]],
    };
    expect(SalRecordSchema.safeParse(rec).success).toBe(true);
    const r = SalRecordSchema.safeParse({ ...rec, up: [[0.1]] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('has 1 entries but there are 2 layers');
  });
});
