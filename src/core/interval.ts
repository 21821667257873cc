/**
 * The 95 % interval over seeds for a mean: a Student t-interval, mean +- t(0.975, n-1) * sd / sqrt(n).
 *
 * Why t and not a bootstrap: a benchmark runs S = 3-10 seeds. A percentile bootstrap of a mean of
 * 3-10 values resamples from so few distinct values that its interval is too narrow (its coverage
 * falls well below 95 % at n <= 10, because it uses the sample spread without widening it for the
 * spread being estimated), and it needs its own seeded resampling. The t-interval is exact for
 * normal values, widens by t / z for small n (t(0.975, 2) = 4.30 against 1.96), and is
 * deterministic. Accuracies and UDs per seed are bounded and discrete, so the interval says "how
 * much the mean moves with the seed", not a guarantee; one value gives no interval at all.
 */

/** A mean over seeds with its 95 % interval; lo / hi are null when there is no interval. */
export interface MeanInterval {
  /** The mean; null when there is no value. */
  mean: number | null;
  lo: number | null;
  hi: number | null;
  /** How many values the figures rest on. */
  n: number;
  /** Why lo / hi are null, in words; absent when there is an interval. */
  reason?: string;
}

/** The reason given for a single value. */
export const ONE_SEED_REASON = 'one seed: no interval';
/** The reason given for no value at all. */
export const NO_VALUE_REASON = 'no value: no mean';

/** t(0.975, df) for df = 1..30 (index df - 1), the two-sided 95 % quantiles of Student's t. */
const T975 = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
  2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024,
  2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523,
  2.042272,
] as const;

/** z(0.975), the normal quantile the t quantiles tend to. */
const Z975 = 1.959963984540054;

/**
 * t(0.975, df): the table for df <= 30, beyond it the Cornish-Fisher expansion of t around the
 * normal quantile (four terms; against scipy its error at df 31 is 3e-8, and it shrinks with df).
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1)
    throw new Error(`tQuantile975: df must be a whole number >= 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1]!;
  const z = Z975;
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/**
 * The mean of `values` with its 95 % t-interval. One value: the mean and no interval (reason
 * "one seed: no interval"); none: no mean. Throws on NaN or an infinite value, naming its index,
 * so a failed run never slips into a mean as a number.
 */
export function meanInterval(values: readonly number[]): MeanInterval {
  values.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new Error(`meanInterval: value ${i} is ${v}, not a finite number`);
  });
  const n = values.length;
  if (n === 0) return { mean: null, lo: null, hi: null, n, reason: NO_VALUE_REASON };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: null, hi: null, n, reason: ONE_SEED_REASON };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const half = (tQuantile975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n);
  return { mean, lo: mean - half, hi: mean + half, n };
}
