import { describe, expect, it } from 'vitest';
import { kmeans2x1d } from '../../src/core/kmeans1d';
import { Rng } from '../../src/core/rng';

/** Every split of the sorted values, SSE computed directly; the smallest wins. */
function bruteForce(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  let best = { sse: Infinity, threshold: NaN, split: 0 };
  for (let i = 1; i < s.length; i++) {
    const l = s.slice(0, i);
    const r = s.slice(i);
    const ml = l.reduce((a, b) => a + b, 0) / l.length;
    const mr = r.reduce((a, b) => a + b, 0) / r.length;
    const sse = l.reduce((a, v) => a + (v - ml) ** 2, 0) + r.reduce((a, v) => a + (v - mr) ** 2, 0);
    if (sse < best.sse) best = { sse, threshold: (ml + mr) / 2, split: i };
  }
  return best;
}

describe('kmeans2x1d', () => {
  it('finds the same optimum as a brute-force search on 200 random inputs', () => {
    const rng = new Rng(42);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + rng.int(60);
      const kind = trial % 4;
      const values = Array.from({ length: n }, () => {
        if (kind === 0) return rng.uniform(-1, 1);
        if (kind === 1) return rng.normal() * 0.1 + (rng.next() < 0.3 ? 2 : 0); // two modes
        if (kind === 2) return Math.abs(rng.normal()) ** 3; // skewed, like SAL values
        return rng.int(5) / 4; // many ties
      });
      const got = kmeans2x1d(values);
      const want = bruteForce(values);
      expect(got.sse).toBeLessThanOrEqual(want.sse * (1 + 1e-9) + 1e-12);
      if (kind !== 3) {
        // continuous draws: the optimum is unique, so the threshold must match too
        expect(got.threshold).toBeCloseTo(want.threshold, 10);
        expect(got.split).toBe(want.split);
      }
      if (new Set(values).size > 1) expect(got.low).toBeLessThan(got.high);
      expect(got.threshold).toBe((got.low + got.high) / 2);
    }
  });

  it('splits two obvious groups and is independent of input order', () => {
    const v = [0.01, 0.02, 0.03, 1.0, 1.1];
    const r = kmeans2x1d(v);
    expect(r.split).toBe(3);
    expect(r.low).toBeCloseTo(0.02, 12);
    expect(r.high).toBeCloseTo(1.05, 12);
    expect(r.threshold).toBeCloseTo(0.535, 12);
    expect(kmeans2x1d([1.1, 0.02, 1.0, 0.03, 0.01])).toEqual(r);
  });

  it('handles n = 1, all-equal values and two values', () => {
    expect(kmeans2x1d([0.3])).toEqual({ low: 0.3, high: 0.3, threshold: 0.3, split: 1, sse: 0 });
    expect(kmeans2x1d([2, 2, 2, 2])).toMatchObject({ threshold: 2, split: 4, sse: 0 });
    expect(kmeans2x1d([1, 3])).toMatchObject({ low: 1, high: 3, threshold: 2, split: 1, sse: 0 });
  });

  it('never splits a run of equal values', () => {
    const r = kmeans2x1d([0, 1, 1, 1, 1, 1, 5]);
    const s = [0, 1, 1, 1, 1, 1, 5];
    expect(s[r.split - 1]).not.toBe(s[r.split]);
  });

  it('rejects empty and non-finite input with a clear message', () => {
    expect(() => kmeans2x1d([])).toThrow('needs at least one value');
    expect(() => kmeans2x1d([1, NaN])).toThrow('value 1 is NaN, not a finite number');
    expect(() => kmeans2x1d([Infinity])).toThrow('value 0 is Infinity');
  });
});
