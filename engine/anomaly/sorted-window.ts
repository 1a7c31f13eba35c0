/**
 * A rolling window kept sorted, for medians, MADs and quantiles of the last `capacity` values in
 * O(capacity) per push with no allocation: the detectors run this once per point of every series.
 */
export type SortedWindow = {
  readonly capacity: number;
  size(): number;
  push(value: number): void;
  median(): number;
  /** Median absolute deviation from the median. */
  mad(): number;
  /** Linear-interpolated quantile, `q` in 0..1. */
  quantile(q: number): number;
  clear(): void;
};

/**
 * Creates an empty sorted window holding at most `capacity` values (the oldest leaves first).
 * @example const w = createSortedWindow(60); w.push(410); w.push(395); w.median(); // 402.5
 */
export function createSortedWindow(capacity: number): SortedWindow {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
  const sorted = new Float64Array(capacity);
  const arrival = new Float64Array(capacity); // ring buffer: which value leaves next
  let count = 0;
  let oldest = 0;

  /** First index whose value is ≥ `value` in sorted[0..count). */
  const lowerBound = (value: number) => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((sorted[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const insert = (value: number) => {
    const at = lowerBound(value);
    sorted.copyWithin(at + 1, at, count);
    sorted[at] = value;
    count++;
  };

  /** Replaces `old` by `value` in one pass, moving only the values between their two places. */
  const replace = (old: number, value: number) => {
    let i = lowerBound(old);
    if (value >= old) {
      while (i + 1 < count && (sorted[i + 1] as number) < value) {
        sorted[i] = sorted[i + 1] as number;
        i++;
      }
    } else {
      while (i > 0 && (sorted[i - 1] as number) > value) {
        sorted[i] = sorted[i - 1] as number;
        i--;
      }
    }
    sorted[i] = value;
  };

  const quantile = (q: number) => {
    if (count === 0) return Number.NaN;
    const position = q * (count - 1);
    const below = Math.floor(position);
    const low = sorted[below] as number;
    return below + 1 < count
      ? low + (position - below) * ((sorted[below + 1] as number) - low)
      : low;
  };

  return {
    capacity,
    size: () => count,
    push(value) {
      if (count < capacity) {
        arrival[(oldest + count) % capacity] = value;
        insert(value);
        return;
      }
      replace(arrival[oldest] as number, value);
      arrival[oldest] = value;
      oldest = (oldest + 1) % capacity;
    },
    median: () => quantile(0.5),
    mad() {
      if (count === 0) return Number.NaN;
      const m = quantile(0.5);
      const split = lowerBound(m);
      if (count % 2) return kthDeviation(sorted, split, count, m, (count - 1) / 2);
      return (
        (kthDeviation(sorted, split, count, m, count / 2 - 1) +
          kthDeviation(sorted, split, count, m, count / 2)) /
        2
      );
    },
    quantile,
    clear() {
      count = 0;
      oldest = 0;
    },
  };
}

/**
 * The k-th smallest (0-based) of |x − m| over sorted[0..count), where sorted[split] is the first
 * value ≥ m. Read outward from m the deviations form two sorted runs (left of it and right of it);
 * binary search finds how many of the k + 1 smallest come from the left run, in O(log count).
 */
function kthDeviation(
  sorted: Float64Array,
  split: number,
  count: number,
  m: number,
  k: number,
): number {
  let lo = Math.max(0, k + 1 - (count - split));
  let hi = Math.min(k + 1, split);
  while (lo < hi) {
    const i = (lo + hi) >>> 1; // taking i from the left run: is its next one smaller than the right run's last?
    if (m - (sorted[split - 1 - i] as number) < (sorted[split + k - i] as number) - m) lo = i + 1;
    else hi = i;
  }
  const fromRight = k + 1 - lo;
  const lastLeft = lo > 0 ? m - (sorted[split - lo] as number) : -Infinity;
  const lastRight = fromRight > 0 ? (sorted[split + fromRight - 1] as number) - m : -Infinity;
  return lastLeft > lastRight ? lastLeft : lastRight;
}
