/** The 95 % t-interval over seeds: hand-computed cases, the edge cases and the t quantiles. */
import { describe, expect, it } from 'vitest';
import {
  meanInterval,
  NO_VALUE_REASON,
  ONE_SEED_REASON,
  tQuantile975,
} from '../../src/core/interval';

describe('meanInterval', () => {
  it('matches a hand computation for [1, 2, 3, 4, 5]', () => {
    // mean 3, sd sqrt(10 / 4) = 1.5811, t(0.975, 4) = 2.7764, half-width 2.7764 * 1.5811 / sqrt(5).
    const r = meanInterval([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.n).toBe(5);
    expect(r.hi! - r.mean!).toBeCloseTo(1.9632, 4);
    expect(r.mean! - r.lo!).toBeCloseTo(1.9632, 4);
    expect(r.reason).toBeUndefined();
  });

  it('gives the mean and no interval for one value', () => {
    expect(meanInterval([0.42])).toEqual({
      mean: 0.42,
      lo: null,
      hi: null,
      n: 1,
      reason: ONE_SEED_REASON,
    });
    expect(ONE_SEED_REASON).toBe('one seed: no interval');
  });

  it('uses t(0.975, 1) = 12.706 for two values', () => {
    // mean 0.5, sd |0.6 - 0.4| / sqrt(2), half-width 12.706 * sd / sqrt(2) = 12.706 * 0.1.
    const r = meanInterval([0.4, 0.6]);
    expect(r.mean).toBeCloseTo(0.5, 12);
    expect(r.lo).toBeCloseTo(0.5 - 1.2706205, 6);
    expect(r.hi).toBeCloseTo(0.5 + 1.2706205, 6);
  });

  it('collapses to the value for constant values', () => {
    expect(meanInterval([0.9, 0.9, 0.9])).toEqual({ mean: 0.9, lo: 0.9, hi: 0.9, n: 3 });
  });

  it('has no mean without values', () => {
    expect(meanInterval([])).toEqual({
      mean: null,
      lo: null,
      hi: null,
      n: 0,
      reason: NO_VALUE_REASON,
    });
  });

  it('refuses NaN and infinite values, naming the index', () => {
    expect(() => meanInterval([1, NaN, 3])).toThrow('value 1 is NaN');
    expect(() => meanInterval([Infinity])).toThrow('value 0 is Infinity');
  });
});

describe('tQuantile975', () => {
  it('reads the table up to df 30', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.7062, 4);
    expect(tQuantile975(4)).toBeCloseTo(2.7764, 4);
    expect(tQuantile975(30)).toBeCloseTo(2.0423, 4);
  });

  it('continues the table smoothly beyond df 30 (scipy.stats.t.ppf reference values)', () => {
    expect(tQuantile975(31)).toBeCloseTo(2.039513, 6);
    expect(tQuantile975(60)).toBeCloseTo(2.000298, 6);
    expect(tQuantile975(120)).toBeCloseTo(1.97993, 6);
    // Decreasing in df, towards the normal quantile 1.96.
    for (let df = 1; df < 200; df++) expect(tQuantile975(df + 1)).toBeLessThan(tQuantile975(df));
    expect(tQuantile975(100_000)).toBeCloseTo(1.96, 3);
  });

  it('refuses df below 1 or fractional', () => {
    expect(() => tQuantile975(0)).toThrow('df must be');
    expect(() => tQuantile975(2.5)).toThrow('df must be');
  });
});
