/** The training-path plane (core/pca.ts) and its grid axes. */
import { describe, expect, it } from 'vitest';
import { Matrix, SVD } from 'ml-matrix';
import { planeRange, trajectoryPlane } from '../../src/core/pca';
import { dotSnapshot, normSnapshot } from '../../src/core/directions';
import { Rng } from '../../src/core/rng';
import { shapeSize, type WeightSnapshot } from '../../src/core/weights';

const SHAPES = [[3, 3, 1, 4], [4], [36, 5], [5]];
const NAMES = ['conv1/kernel', 'conv1/bias', 'dense1/kernel', 'dense1/bias'];

function snap(rng: Rng, scale = 1): WeightSnapshot {
  return {
    names: NAMES,
    shapes: SHAPES,
    data: SHAPES.map((sh) => rng.fillNormal(new Float32Array(shapeSize(sh)), scale)),
  };
}

/** final + sum_k c[k] * vs[k], per weight. */
function combo(final: WeightSnapshot, vs: WeightSnapshot[], c: number[]): WeightSnapshot {
  return {
    ...final,
    data: final.data.map((d, i) =>
      d.map((x, e) => x + vs.reduce((s, v, k) => s + c[k]! * v.data[i]![e]!, 0)),
    ),
  };
}

/** A path of n checkpoints on the plane final + span{u, v}, ending at final. */
function planarPath(rng: Rng, n: number) {
  const final = snap(rng);
  const u = snap(rng, 0.3);
  const v = snap(rng, 0.3);
  const cps = Array.from({ length: n - 1 }, () =>
    combo(final, [u, v], [rng.uniform(-2, 2), rng.uniform(-2, 2)]),
  );
  return { final, u, v, cps: [...cps, final] };
}

const sub = (a: WeightSnapshot, b: WeightSnapshot) => ({
  ...a,
  data: a.data.map((d, i) => d.map((x, e) => x - b.data[i]![e]!)),
});

describe('trajectoryPlane', () => {
  it('a path on a plane: 100% explained, no distance from the plane, exact coordinates', () => {
    const { final, cps } = planarPath(new Rng(1), 8);
    const { dirs, plane } = trajectoryPlane(cps);
    expect(plane.explained[0] + plane.explained[1]).toBeCloseTo(1, 6);
    expect(plane.explained[0]).toBeGreaterThanOrEqual(plane.explained[1]);
    expect(plane.explained[1]).toBeGreaterThan(0);
    expect(normSnapshot(dirs[0])).toBeCloseTo(1, 5);
    expect(normSnapshot(dirs[1])).toBeCloseTo(1, 5);
    expect(dotSnapshot(dirs[0], dirs[1])).toBeCloseTo(0, 5);
    const scale = Math.max(...cps.map((c) => normSnapshot(sub(c, final))));
    for (const d of plane.offPlane) expect(d).toBeLessThan(1e-4 * scale);
    // The last checkpoint is the origin; the others are recovered from their coordinates.
    expect(plane.pathA.at(-1)).toBe(0);
    expect(plane.pathB.at(-1)).toBe(0);
    cps.forEach((c, t) => {
      const rebuilt = combo(final, dirs, [plane.pathA[t]!, plane.pathB[t]!]);
      expect(normSnapshot(sub(rebuilt, c))).toBeLessThan(1e-4 * scale);
    });
  });

  it('explained ratios equal those of a centred PCA (SVD of the full data matrix)', () => {
    const rng = new Rng(2);
    const final = snap(rng);
    const cps = [...Array.from({ length: 6 }, () => snap(rng)), final];
    const { plane } = trajectoryPlane(cps);
    const rows = cps.map((c) =>
      c.data.flatMap((d, i) => Array.from(d, (x, e) => x - final.data[i]![e]!)),
    );
    const m = new Matrix(rows);
    const centred = m.subRowVector(m.mean('column'));
    const sv = new SVD(centred, { autoTranspose: true }).diagonal;
    const total = sv.reduce((s, x) => s + x * x, 0);
    expect(plane.explained[0]).toBeCloseTo(sv[0]! ** 2 / total, 5);
    expect(plane.explained[1]).toBeCloseTo(sv[1]! ** 2 / total, 5);
    expect(plane.explained[0] + plane.explained[1]).toBeLessThan(0.99);
  });

  it('a checkpoint off the plane reports its distance', () => {
    const rng = new Rng(3);
    const { final, cps } = planarPath(rng, 8);
    const w = snap(rng, 0.5);
    cps[2] = combo(cps[2]!, [w], [1]);
    const { plane } = trajectoryPlane(cps);
    expect(plane.explained[0] + plane.explained[1]).toBeLessThan(1 - 1e-3);
    const far = plane.offPlane[2]!;
    expect(far).toBeGreaterThan(0.05 * normSnapshot(sub(cps[2]!, final)));
    expect(Math.max(...plane.offPlane)).toBe(far);
  });

  it('is reproducible (signs fixed) and does not change the input', () => {
    const { cps } = planarPath(new Rng(4), 5);
    const copy = cps.map((c) => c.data.map((d) => d.slice()));
    const a = trajectoryPlane(cps);
    const b = trajectoryPlane(cps);
    expect(b.dirs[0].data).toEqual(a.dirs[0].data);
    expect(b.plane.pathA).toEqual(a.plane.pathA);
    cps.forEach((c, t) => expect(c.data).toEqual(copy[t]));
  });

  it('degenerate paths: two checkpoints, a straight line, one checkpoint', () => {
    const rng = new Rng(5);
    const final = snap(rng);
    const u = snap(rng);
    const two = trajectoryPlane([combo(final, [u], [1]), final]);
    expect(two.plane.explained[0]).toBeCloseTo(1, 12);
    expect(two.plane.explained[1]).toBe(0);
    expect(two.dirs[1].data.every((d) => d.every((x) => x === 0))).toBe(true);
    expect(Math.abs(two.plane.pathA[0]!)).toBeCloseTo(normSnapshot(u), 3);
    expect(two.plane.offPlane[0]).toBeLessThan(1e-3);

    const line = trajectoryPlane([3, 2, 1, 0.5, 0].map((c) => combo(final, [u], [c])));
    expect(line.plane.explained[0]).toBeCloseTo(1, 6);
    expect(line.plane.explained[1]).toBe(0);
    expect(Array.from(line.plane.pathB)).toEqual([0, 0, 0, 0, 0]);

    const one = trajectoryPlane([final]);
    expect(one.plane.explained).toEqual([0, 0]);
    expect(Array.from(one.plane.offPlane)).toEqual([0]);
    expect(() => trajectoryPlane([])).toThrow(/at least one/);
  });
});

describe('planeRange', () => {
  it('covers the path and the origin with a margin', () => {
    const plane = {
      pathA: new Float32Array([-3, -1, 0.5, 0]),
      pathB: new Float32Array([2, 1, -0.5, 0]),
      explained: [0.8, 0.2] as [number, number],
      offPlane: new Float32Array(4),
    };
    const { xs, ys } = planeRange(plane, 11, 0.1);
    expect(xs).toHaveLength(11);
    expect(ys).toHaveLength(11);
    expect(xs[0]).toBeCloseTo(-3 - 0.35, 5);
    expect(xs[10]).toBeCloseTo(0.5 + 0.35, 5);
    expect(ys[0]).toBeCloseTo(-0.5 - 0.25, 5);
    expect(ys[10]).toBeCloseTo(2 + 0.25, 5);
  });

  it('an axis the path does not move along borrows the other half-width', () => {
    const plane = {
      pathA: new Float32Array([2, 0]),
      pathB: new Float32Array([0, 0]),
      explained: [1, 0] as [number, number],
      offPlane: new Float32Array(2),
    };
    const { ys } = planeRange(plane, 5, 0);
    expect(Array.from(ys)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});
