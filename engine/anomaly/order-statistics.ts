/**
 * Medians and quantiles by selection (Hoare's quickselect) instead of sorting: linear time, in
 * place, no allocation. The seasonality search takes thousands of them per series.
 */

/**
 * Reorders `values[from..to)` so that index `k` holds the value a sort would put there, smaller
 * values before it and larger after; returns that value.
 * @example selectInPlace(Float64Array.of(5, 1, 4), 0, 3, 1) // 4
 */
export function selectInPlace(values: Float64Array, from: number, to: number, k: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps sorted and reversed runs linear.
    const mid = (lo + hi) >>> 1;
    const a = values[lo] as number;
    const b = values[mid] as number;
    const c = values[hi] as number;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k] as number;
}

/**
 * Median of `values[from..to)` (the mean of the middle two for an even count); reorders them.
 * @example medianInPlace(Float64Array.of(3, 1, 4, 2), 0, 4) // 2.5
 */
export function medianInPlace(values: Float64Array, from: number, to: number): number {
  const count = to - from;
  if (count <= 0) return Number.NaN;
  const upper = selectInPlace(values, from, to, from + (count >> 1));
  if (count % 2) return upper;
  // After selection, everything below the upper middle is ≤ it: the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = from; i < from + (count >> 1); i++)
    if ((values[i] as number) > lower) lower = values[i] as number;
  return (lower + upper) / 2;
}

/**
 * The value at rank round(q·(n−1)) of `values` (nearest rank, no interpolation); reorders them.
 * @example quantileInPlace(Float64Array.of(1, 2, 3, 4, 5), 0.25) // 2
 */
export function quantileInPlace(values: Float64Array, q: number): number {
  if (values.length === 0) return Number.NaN;
  return selectInPlace(values, 0, values.length, Math.round(q * (values.length - 1)));
}
