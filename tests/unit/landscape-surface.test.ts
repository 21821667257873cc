/**
 * Surfaces, interpolation and the path surface on real MNIST images (ml/landscape/*), and the
 * pure grid helpers (core/surface-grid.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from './helpers/tf';
import { axpySnapshot, directionPair } from '../../src/core/directions';
import type { SurfaceGrid } from '../../src/core/landscape-types';
import { Rng } from '../../src/core/rng';
import {
  coarseToFineLevels,
  emptySurface,
  fillPreview,
  gridAxis,
  surfaceToCsv,
  surfaceToJson,
} from '../../src/core/surface-grid';
import type { WeightSnapshot } from '../../src/core/weights';
import { loadDatasetNode } from '../../src/ml/data/load-node';
import { toTensors } from '../../src/ml/data/tensors';
import { firstImages } from '../../src/ml/experiment/run-experiment';
import { computeSurface } from '../../src/ml/landscape/surface';
import { interpolate } from '../../src/ml/landscape/interpolate';
import { computePathSurface } from '../../src/ml/landscape/path';
import { correctCount, crossEntropy, forward } from '../../src/ml/models/forward';
import { initSnapshot, snapshotToTensors } from '../../src/ml/models/params';
import { buildSpec } from '../../src/ml/models/zoo';
import { CancelledError } from '../../src/ml/train/train-loop';

const spec = buildSpec('cnn-s');
let data: { x: tf.Tensor4D; y: tf.Tensor1D };

beforeAll(async () => {
  await useBackend('wasm');
  data = toTensors(firstImages(await loadDatasetNode('mnist', 'test'), 200));
});
afterAll(() => tf.dispose([data.x, data.y]));

/** Loss and accuracy straight from forward + crossEntropy, no grid machinery. */
async function direct(w: WeightSnapshot): Promise<{ loss: number; acc: number }> {
  const ts = snapshotToTensors(w);
  const [loss, correct] = tf.tidy(() => {
    const logits = forward(spec, ts, data.x);
    return [crossEntropy(logits, data.y), correctCount(logits, data.y)];
  });
  const r = { loss: (await loss.data())[0]!, acc: (await correct.data())[0]! / data.x.shape[0] };
  tf.dispose([...ts, loss, correct]);
  return r;
}

const centre = initSnapshot(spec, 3);
const dirs = directionPair(centre, 11, { includeBiases: false });

describe('computeSurface', () => {
  it("L(0, 0) is the model's loss; other points are the loss at centre + a d1 + b d2", async () => {
    const axes = { xs: gridAxis(5, 1), ys: gridAxis(3, 0.5) };
    const s = await computeSurface(spec, centre, dirs, data, axes);
    expect(Array.from(s.done).every((d) => d === 1)).toBe(true);
    const ref0 = await direct(centre);
    const k0 = 1 * 5 + 2; // (a = 0, b = 0)
    expect(s.loss[k0]).toBeCloseTo(ref0.loss, 4);
    expect(s.acc[k0]).toBeCloseTo(ref0.acc, 6);
    const k = 2 * 5 + 0; // (a = -1, b = 0.5): row-major, ys by xs
    const w = axpySnapshot(axpySnapshot(centre, -1, dirs[0]), 0.5, dirs[1]);
    const ref = await direct(w);
    expect(s.loss[k]).toBeCloseTo(ref.loss, 4);
    expect(s.acc[k]).toBeCloseTo(ref.acc, 6);
    expect(Math.abs(s.loss[k]! - s.loss[k0]!)).toBeGreaterThan(1e-3);
  });

  it('reports coarse-to-fine partial copies, ending with every point', async () => {
    const axes = { xs: gridAxis(9, 1), ys: gridAxis(9, 1) };
    const partials: { s: SurfaceGrid; done: number; total: number }[] = [];
    const s = await computeSurface(spec, centre, dirs, data, axes, {
      onPartial: (p, done, total) => partials.push({ s: p, done, total }),
    });
    const levels = coarseToFineLevels(9, 9);
    expect(partials.length).toBeGreaterThanOrEqual(levels.length);
    expect(partials[0]!.done).toBe(levels[0]!.length);
    const first = partials[0]!.s;
    expect(first.done.reduce((a, b) => a + b, 0)).toBe(levels[0]!.length);
    expect(Number.isNaN(first.loss[1])).toBe(true); // (1, 0) is not on the coarse lattice
    partials.forEach((p, i) => {
      expect(p.total).toBe(81);
      if (i > 0) expect(p.done).toBeGreaterThan(partials[i - 1]!.done);
      expect(p.s.loss).not.toBe(s.loss); // copies, safe to transfer
    });
    expect(partials.at(-1)!.done).toBe(81);
    expect(partials.at(-1)!.s.loss).toEqual(s.loss);
  });

  it('stops with CancelledError and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    let calls = 0;
    const run = computeSurface(
      spec,
      centre,
      dirs,
      data,
      { xs: gridAxis(9, 1), ys: gridAxis(9, 1) },
      { onPartial: () => calls++, shouldStop: () => calls > 0 },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(calls).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('no tensor growth over repeated surfaces', async () => {
    const axes = { xs: gridAxis(5, 1), ys: gridAxis(5, 1) };
    await computeSurface(spec, centre, dirs, data, axes); // backend warm-up
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await computeSurface(spec, centre, dirs, data, axes);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('interpolate', () => {
  it('a = 0 and a = 1 give the loss of from and to; a = 0.5 the midpoint', async () => {
    const from = initSnapshot(spec, 1);
    const to = initSnapshot(spec, 2);
    const before = tf.memory().numTensors;
    const ticks: number[] = [];
    const c = await interpolate(spec, from, to, data, new Float32Array([0, 0.5, 1]), {
      onProgress: (done) => ticks.push(done),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(ticks.at(-1)).toBe(3);
    const [rf, rm, rt] = await Promise.all([
      direct(from),
      direct(axpySnapshot(from, 0.5, axpySnapshot(to, -1, from))),
      direct(to),
    ]);
    expect(c.loss[0]).toBeCloseTo(rf.loss, 4);
    expect(c.loss[1]).toBeCloseTo(rm.loss, 4);
    expect(c.loss[2]).toBeCloseTo(rt.loss, 4);
    expect(c.acc[0]).toBeCloseTo(rf.acc, 6);
    expect(c.acc[2]).toBeCloseTo(rt.acc, 6);
    expect(Array.from(c.alphas)).toEqual([0, 0.5, 1]);
  });
});

describe('computePathSurface', () => {
  it('surface over the PCA plane of a path, centred on the final checkpoint', async () => {
    const rng = new Rng(9);
    const final = initSnapshot(spec, 5);
    const cps: WeightSnapshot[] = [0.3, 0.2, 0.1].map((scale) => ({
      ...final,
      data: final.data.map((d) => d.map((x) => x + scale * rng.normal() * 0.05)),
    }));
    cps.push(final);
    const before = tf.memory().numTensors;
    const { plane, surface } = await computePathSurface(spec, cps, data, 5);
    expect(tf.memory().numTensors).toBe(before);
    expect(plane.pathA).toHaveLength(4);
    expect(plane.pathA[3]).toBe(0);
    expect(plane.explained[0]).toBeGreaterThan(0);
    expect(surface.loss).toHaveLength(25);
    expect(surface.loss.every(Number.isFinite)).toBe(true);
    // The axes cover every checkpoint.
    expect(surface.xs[0]!).toBeLessThanOrEqual(Math.min(...plane.pathA));
    expect(surface.xs[4]!).toBeGreaterThanOrEqual(Math.max(...plane.pathA));
    expect(surface.ys[0]!).toBeLessThanOrEqual(Math.min(...plane.pathB));
    expect(surface.ys[4]!).toBeGreaterThanOrEqual(Math.max(...plane.pathB));
  });
});

describe('surface grid helpers', () => {
  it('gridAxis: symmetric, exact 0 in the middle for odd n', () => {
    const a = gridAxis(25, 1);
    expect(a).toHaveLength(25);
    expect(a[0]).toBe(-1);
    expect(a[24]).toBe(1);
    expect(a[12]).toBe(0);
    expect(Array.from(gridAxis(4, 2))).toEqual([-2, -2 / 3, 2 / 3, 2].map(Math.fround));
  });

  it('coarseToFineLevels: every index exactly once; level 0 holds the centre and the corners', () => {
    for (const [nx, ny] of [
      [5, 5],
      [25, 25],
      [101, 101],
      [7, 12],
      [1, 6],
    ] as const) {
      const levels = coarseToFineLevels(nx, ny);
      const all = levels.flat().sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: nx * ny }, (_, i) => i));
      const l0 = new Set(levels[0]);
      expect(l0.has(Math.floor(ny / 2) * nx + Math.floor(nx / 2))).toBe(true);
      for (const k of [0, nx - 1, (ny - 1) * nx, nx * ny - 1]) expect(l0.has(k)).toBe(true);
    }
    const l = coarseToFineLevels(25, 25);
    expect(l.length).toBeGreaterThanOrEqual(3);
    expect(l[0]!.length).toBeLessThan(100);
    expect(coarseToFineLevels(101, 101)[0]!.length).toBeLessThan(300);
  });

  it('fillPreview copies the nearest evaluated point; nothing evaluated stays NaN', () => {
    const s = emptySurface(gridAxis(5, 1), gridAxis(5, 1));
    expect(Array.from(fillPreview(s)).every(Number.isNaN)).toBe(true);
    const set = (k: number, v: number) => {
      s.loss[k] = v;
      s.done[k] = 1;
    };
    set(0, 1); // (0, 0)
    set(24, 5); // (4, 4)
    const p = fillPreview(s);
    expect(p[0]).toBe(1);
    expect(p[24]).toBe(5);
    expect(p[1 * 5 + 1]).toBe(1);
    expect(p[3 * 5 + 3]).toBe(5);
    expect(p[4 * 5 + 3]).toBe(5);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(Number.isNaN(s.loss[1])).toBe(true); // the surface itself is untouched
  });

  it('CSV and JSON exports: header, row-major order, null for points not evaluated', () => {
    const s = emptySurface(new Float32Array([-1, 1]), new Float32Array([0, 0.5, 1]));
    s.loss.set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    s.acc.set([0.9, 0.8, 0.7, 0.6, 0.5, NaN]);
    const csv = surfaceToCsv(s).trim().split('\n');
    expect(csv[0]).toBe('a,b,loss,acc');
    expect(csv).toHaveLength(7);
    expect(csv[1]).toBe('-1,0,0.1,0.9');
    expect(csv[2]).toBe('1,0,0.2,0.8');
    expect(csv[3]).toBe('-1,0.5,0.3,0.7');
    expect(csv[6]).toBe('1,1,0.6,');
    const j = JSON.parse(surfaceToJson(s)) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(['xs', 'ys', 'loss', 'acc']);
    expect(j).toEqual({
      xs: [-1, 1],
      ys: [0, 0.5, 1],
      loss: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
      acc: [0.9, 0.8, 0.7, 0.6, 0.5, null],
    });
  });
});
