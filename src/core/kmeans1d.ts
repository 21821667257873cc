/**
 * Exact two-cluster k-means of one-dimensional values: the per-epoch threshold of the
 * Unlearnable Distance (docs/science.md section 3, step 1).
 *
 * The paper's code (`analysis/get_ud.py`) runs scikit-learn's
 * `KMeans(n_clusters=2, random_state=0)`, i.e. Lloyd iterations from a seeded k-means++ start,
 * which can stop in a local optimum and depends on the library's random stream. In one
 * dimension the global optimum is cheap to find exactly: in an optimal partition every point
 * sits with its nearer centre, so the two clusters are separated by the midpoint of the centres
 * and each cluster is a contiguous run of the sorted values. Trying every split point of the
 * sorted values (n - 1 candidates) therefore finds the minimum within-cluster sum of squares,
 * deterministically, in O(n log n). Where sklearn reaches the global optimum (the usual case)
 * both give the same threshold.
 */

/** Result of {@link kmeans2x1d}. */
export interface TwoMeans1D {
  /** Centre (mean) of the lower cluster. */
  low: number;
  /** Centre (mean) of the upper cluster; equals `low` when all values are equal. */
  high: number;
  /** Midpoint of the two centres: the decision boundary between the clusters. */
  threshold: number;
  /** Number of values in the lower cluster: the `split` smallest values (n when all equal). */
  split: number;
  /** Within-cluster sum of squares of the optimal partition. */
  sse: number;
}

/**
 * Optimal 2-means of `values` (any order, at least one, all finite). Among equally good splits
 * the one with the fewest values in the lower cluster is chosen; splits between equal values
 * are never used, so the clusters are always `v <= threshold`-style intervals. All-equal input
 * (n = 1 included) gives both centres and the threshold equal to that value.
 */
export function kmeans2x1d(values: readonly number[]): TwoMeans1D {
  const n = values.length;
  if (n === 0) throw new Error('kmeans2x1d: needs at least one value');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]))
      throw new Error(`kmeans2x1d: value ${i} is ${values[i]}, not a finite number`);
  }
  const sorted = Float64Array.from(values).sort();
  const first = sorted[0]!;
  const last = sorted[n - 1]!;
  if (first === last) return { low: first, high: first, threshold: first, split: n, sse: 0 };

  // Shift by the mean so the prefix sums stay small (less cancellation). For a split with
  // i values below, SSE = total - (S_L^2 / i + S_R^2 / (n - i)) on shifted values, so the best
  // split maximises the between-cluster term.
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sorted[i]!;
  mean /= n;
  let total = 0;
  for (let i = 0; i < n; i++) total += sorted[i]! - mean;
  let left = 0;
  let best = -Infinity;
  let bestSplit = 1;
  for (let i = 1; i < n; i++) {
    left += sorted[i - 1]! - mean;
    if (sorted[i - 1] === sorted[i]) continue; // never split a run of equal values
    const right = total - left;
    const between = (left * left) / i + (right * right) / (n - i);
    if (between > best) {
      best = between;
      bestSplit = i;
    }
  }
  const low = meanOf(sorted, 0, bestSplit);
  const high = meanOf(sorted, bestSplit, n);
  const sse = sumSq(sorted, 0, bestSplit, low) + sumSq(sorted, bestSplit, n, high);
  return { low, high, threshold: (low + high) / 2, split: bestSplit, sse };
}

function meanOf(a: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s / (to - from);
}

function sumSq(a: Float64Array, from: number, to: number, c: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += (a[i]! - c) ** 2;
  return s;
}
