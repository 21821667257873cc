/** Filter-normalised random directions (core/directions.ts): norms per TF.js filter, seeds, biases. */
import { describe, expect, it } from 'vitest';
import {
  differenceSnapshot,
  directionPair,
  filterNormalisedDirection,
  zerosLike,
} from '../../src/core/directions';
import { Rng } from '../../src/core/rng';
import { shapeSize, type WeightSnapshot } from '../../src/core/weights';

/** cnn-s layout; every kernel's scale differs along its first axis and along its last one. */
function weights(seed: number): WeightSnapshot {
  const rng = new Rng(seed);
  const shapes = [[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [400, 10], [10]];
  const names = [
    'conv1/kernel',
    'conv1/bias',
    'conv2/kernel',
    'conv2/bias',
    'dense1/kernel',
    'dense1/bias',
  ];
  const data = shapes.map((sh) => {
    const d = new Float32Array(shapeSize(sh));
    const out = sh[sh.length - 1]!;
    const inner = d.length / sh[0]!;
    for (let e = 0; e < d.length; e++) {
      const first = Math.floor(e / inner);
      d[e] = rng.normal() * (1 + (e % out)) * (1 + 3 * first);
    }
    return d;
  });
  return { names, shapes, data };
}

/** Norms of the slices of a tensor along `axis`, from explicit multi-indices. */
function sliceNorms(d: Float32Array, shape: number[], axis: number): number[] {
  const sq = new Array<number>(shape[axis]!).fill(0);
  for (let e = 0; e < d.length; e++) {
    let rest = e;
    const idx = new Array<number>(shape.length);
    for (let k = shape.length - 1; k >= 0; k--) {
      idx[k] = rest % shape[k]!;
      rest = Math.floor(rest / shape[k]!);
    }
    sq[idx[axis]!]! += d[e]! * d[e]!;
  }
  return sq.map(Math.sqrt);
}

const kernels = (s: WeightSnapshot) =>
  s.shapes.map((sh, i) => i).filter((i) => s.shapes[i]!.length >= 2);

describe('filterNormalisedDirection', () => {
  const w = weights(1);
  const d = filterNormalisedDirection(w, 7, { includeBiases: false });

  it('keeps the layout of the weights', () => {
    expect(d.names).toEqual(w.names);
    expect(d.shapes).toEqual(w.shapes);
    d.data.forEach((x, i) => expect(x.length).toBe(w.data[i]!.length));
  });

  it('gives each filter (last-axis slice) the norm of the matching weight filter', () => {
    for (const i of kernels(w)) {
      const sh = w.shapes[i]!;
      const wn = sliceNorms(w.data[i]!, sh, sh.length - 1);
      const dn = sliceNorms(d.data[i]!, sh, sh.length - 1);
      dn.forEach((v, f) => expect(v / wn[f]!).toBeCloseTo(1, 5));
    }
  });

  it('does not normalise first-axis slices (the PyTorch layout would be the wrong filter here)', () => {
    for (const i of kernels(w)) {
      const sh = w.shapes[i]!;
      const wn = sliceNorms(w.data[i]!, sh, 0);
      const dn = sliceNorms(d.data[i]!, sh, 0);
      const worst = Math.max(...dn.map((v, f) => Math.abs(v / wn[f]! - 1)));
      expect(worst).toBeGreaterThan(0.1);
    }
  });

  it('is a random draw: not proportional to the weights', () => {
    for (const i of kernels(w)) {
      const a = w.data[i]!;
      const b = d.data[i]!;
      let dot = 0;
      for (let e = 0; e < a.length; e++) dot += a[e]! * b[e]!;
      const cos = dot / (Math.hypot(...a) * Math.hypot(...b));
      expect(Math.abs(cos)).toBeLessThan(0.5);
    }
  });

  it('zero weight filter -> zero direction filter', () => {
    const z = weights(2);
    const k = z.data[0]!;
    for (let e = 3; e < k.length; e += 8) k[e] = 0; // filter 3 of conv1
    const dz = filterNormalisedDirection(z, 7, { includeBiases: false });
    for (let e = 3; e < k.length; e += 8) expect(Math.abs(dz.data[0]![e]!)).toBe(0);
    expect(dz.data[0]!.every(Number.isFinite)).toBe(true);
    expect(Math.abs(dz.data[0]![4]!)).toBeGreaterThan(0);
  });

  it('biases: zero by default, the weights themselves with includeBiases (reference d.copy_(w))', () => {
    const withB = filterNormalisedDirection(w, 7, { includeBiases: true });
    w.shapes.forEach((sh, i) => {
      if (sh.length > 1) {
        expect(withB.data[i]).toEqual(d.data[i]);
        return;
      }
      expect(d.data[i]!.every((v) => v === 0)).toBe(true);
      expect(withB.data[i]!.some((v) => v !== 0)).toBe(true);
      expect(withB.data[i]).toEqual(w.data[i]);
    });
  });

  it('same seed, same direction; another seed, another direction', () => {
    const again = filterNormalisedDirection(w, 7, { includeBiases: false });
    const other = filterNormalisedDirection(w, 8, { includeBiases: false });
    d.data.forEach((x, i) => {
      expect(again.data[i]).toEqual(x);
      if (w.shapes[i]!.length > 1) expect(other.data[i]).not.toEqual(x);
    });
  });

  it('two models of one architecture share the raw draw, each normalised to its own weights', () => {
    const w2 = weights(3);
    const d2 = filterNormalisedDirection(w2, 7, { includeBiases: false });
    for (const i of kernels(w)) {
      const sh = w.shapes[i]!;
      const out = sh[sh.length - 1]!;
      const n1 = sliceNorms(w.data[i]!, sh, sh.length - 1);
      const n2 = sliceNorms(w2.data[i]!, sh, sh.length - 1);
      for (let e = 0; e < d.data[i]!.length; e += 13) {
        const f = e % out;
        expect(d.data[i]![e]! / n1[f]!).toBeCloseTo(d2.data[i]![e]! / n2[f]!, 5);
      }
    }
  });
});

describe('directionPair and snapshot arithmetic', () => {
  it('two independent, reproducible directions', () => {
    const w = weights(4);
    const [a, b] = directionPair(w, 5, { includeBiases: false });
    const [a2, b2] = directionPair(w, 5, { includeBiases: false });
    expect(a2.data).toEqual(a.data);
    expect(b2.data).toEqual(b.data);
    expect(b.data[0]).not.toEqual(a.data[0]);
    const [c] = directionPair(w, 6, { includeBiases: false });
    expect(c.data[0]).not.toEqual(a.data[0]);
  });

  it('differenceSnapshot is b - a; zerosLike is zero with the same layout', () => {
    const a = weights(5);
    const b = weights(6);
    const diff = differenceSnapshot(a, b);
    diff.data.forEach((x, i) =>
      x.forEach((v, e) => expect(v).toBe(Math.fround(b.data[i]![e]! - a.data[i]![e]!))),
    );
    const z = zerosLike(a);
    expect(z.shapes).toEqual(a.shapes);
    expect(z.data.every((x) => x.every((v) => v === 0))).toBe(true);
    expect(() => differenceSnapshot(a, { ...b, names: [...b.names].reverse() })).toThrow(/differs/);
  });
});
