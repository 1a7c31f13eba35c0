/**
 * Robust summaries of a window of recent runs, with recency weights: the newest run weighs 1 and
 * each older one `0.5 ^ (age / halfLife)`, age counted in runs. Durations and tokens are kept
 * sorted as runs arrive (insertion into at most a hundred entries), so a summary is one walk:
 * weighted medians and median absolute deviations, which a single outlier moves by at most one
 * place, never by its size.
 */

/** One run in a window: its figures on the scale they are summarized on. */
export type WindowEntry = {
  /** Its place in its window (set by pushEntry): ages count in the window's own runs. */
  seq: number;
  versionId: string;
  logDuration: number;
  logTokens: number;
  success: number;
};

export type RecentWindow = {
  /** Oldest first. */
  entries: WindowEntry[];
  byDuration: WindowEntry[];
  byTokens: WindowEntry[];
  /** The seq of the newest entry (weights count back from it). */
  latest: number;
};

export type WeightedSummary = {
  /** Sum of the weights: how many runs' worth of evidence, recent ones counting most. */
  weight: number;
  /** How many runs (unweighted). */
  count: number;
  /** Weighted mean success. */
  success: number;
  /** Weighted median log duration, and 1.4826 × its weighted median absolute deviation. */
  logDuration: number;
  spread: number;
  /** Weighted median of log(1 + tokens). */
  logTokens: number;
};

export const EMPTY_SUMMARY: WeightedSummary = {
  weight: 0,
  count: 0,
  success: 0,
  logDuration: 0,
  spread: 0,
  logTokens: 0,
};

export function createWindow(): RecentWindow {
  return { entries: [], byDuration: [], byTokens: [], latest: 0 };
}

function insertSorted(list: WindowEntry[], entry: WindowEntry, key: (e: WindowEntry) => number) {
  let low = 0;
  let high = list.length;
  const value = key(entry);
  while (low < high) {
    const mid = (low + high) >> 1;
    if (key(list[mid]!) <= value) low = mid + 1;
    else high = mid;
  }
  list.splice(low, 0, entry);
}

const byDuration = (e: WindowEntry) => e.logDuration;
const byTokens = (e: WindowEntry) => e.logTokens;

/**
 * Adds the newest run, dropping the oldest beyond `keep`.
 * @example pushEntry(window, { versionId: "v", logDuration: 7, logTokens: 0, success: 1 }, 40)
 */
export function pushEntry(
  window: RecentWindow,
  figures: Omit<WindowEntry, "seq">,
  keep: number,
): void {
  const entry = { ...figures, seq: ++window.latest };
  window.entries.push(entry);
  insertSorted(window.byDuration, entry, byDuration);
  insertSorted(window.byTokens, entry, byTokens);
  if (window.entries.length > keep) {
    const oldest = window.entries.shift()!;
    window.byDuration.splice(window.byDuration.indexOf(oldest), 1);
    window.byTokens.splice(window.byTokens.indexOf(oldest), 1);
  }
}

const powers = new Map<number, number[]>();
/** decay^k for k below `length`, per half-life. */
function powersOf(halfLife: number, length: number): number[] {
  let table = powers.get(halfLife);
  if (!table || table.length < length) {
    const decay = Math.pow(0.5, 1 / halfLife);
    table = Array.from({ length: Math.max(length, 128) }, (_, k) => Math.pow(decay, k));
    powers.set(halfLife, table);
  }
  return table;
}

// Scratch space for one walk (windows hold at most a few hundred runs); reused, so a summary
// allocates nothing but its result.
let values = new Float64Array(256);
let weights = new Float64Array(256);

/**
 * The weighted median and robust spread (1.4826 × weighted MAD) of the window's runs sorted by
 * `key`, leaving out one version's runs when asked.
 */
function walkSorted(
  window: RecentWindow,
  sorted: WindowEntry[],
  key: "logDuration" | "logTokens",
  table: number[],
  total: number,
  excludeVersion: string | undefined,
): { median: number; spread: number } {
  if (values.length < sorted.length) {
    values = new Float64Array(sorted.length * 2);
    weights = new Float64Array(sorted.length * 2);
  }
  let n = 0;
  for (const e of sorted) {
    if (e.versionId === excludeVersion) continue;
    values[n] = e[key];
    weights[n] = table[window.latest - e.seq] ?? 0;
    n++;
  }
  const half = total / 2;
  let sum = 0;
  let at = n - 1;
  for (let i = 0; i < n; i++) {
    sum += weights[i]!;
    if (sum >= half) {
      at = i;
      break;
    }
  }
  const median = values[at]!;
  // Deviations grow outwards from the median on both sides: merge the two sides in order.
  let left = at - 1;
  let right = at + 1;
  sum = weights[at]!;
  let mad = 0;
  while (sum < half && (left >= 0 || right < n)) {
    const dl = left >= 0 ? median - values[left]! : Infinity;
    const dr = right < n ? values[right]! - median : Infinity;
    if (dl <= dr) {
      sum += weights[left--]!;
      mad = dl;
    } else {
      sum += weights[right++]!;
      mad = dr;
    }
  }
  return { median, spread: 1.4826 * mad };
}

/**
 * Summarizes a window, leaving out the runs of one version when asked.
 * @example summarizeWindow(window, 20).logDuration // → the weighted median log duration
 */
export function summarizeWindow(
  window: RecentWindow,
  halfLife: number,
  excludeVersion?: string,
): WeightedSummary {
  const table = powersOf(halfLife, window.entries.length + 1);
  let weight = 0;
  let count = 0;
  let success = 0;
  for (const e of window.entries) {
    if (e.versionId === excludeVersion) continue;
    const w = table[window.latest - e.seq] ?? 0;
    weight += w;
    success += w * e.success;
    count += 1;
  }
  if (count === 0) return EMPTY_SUMMARY;
  const duration = walkSorted(
    window,
    window.byDuration,
    "logDuration",
    table,
    weight,
    excludeVersion,
  );
  return {
    weight,
    count,
    success: success / weight,
    logDuration: duration.median,
    spread: duration.spread,
    logTokens: walkSorted(window, window.byTokens, "logTokens", table, weight, excludeVersion)
      .median,
  };
}

/**
 * The unweighted median of numbers (NaN for none).
 * @example medianOf([3, 1, 100]) // → 3
 */
export function medianOf(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
