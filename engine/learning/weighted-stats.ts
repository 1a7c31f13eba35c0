/**
 * Robust summaries of a window of recent runs, with recency weights: the newest run weighs 1 and
 * each older one `0.5 ^ (age / halfLife)`, age counted in runs. Durations and tokens are kept
 * sorted as runs arrive (insertion into at most a hundred entries), so a summary is two walks:
 * weighted medians and median absolute deviations, which a single outlier moves by at most one
 * place, never by its size.
 *
 * A window keeps its runs in a ring of typed arrays (a run's slot is its place modulo the
 * window's capacity) and its two orders as lists of slots, so a summary reads a few kilobytes
 * laid out together rather than a run object per run scattered over the heap: an index holds
 * thousands of windows, and summarizing is what a forecast spends most of its time on.
 */

/** One run as it enters a window: its figures on the scale they are summarized on. */
export type WindowEntry = {
  versionId: string;
  logDuration: number;
  logTokens: number;
  success: number;
};

export type RecentWindow = {
  /** How many runs it holds; at most its capacity (the `keep` of its first push). */
  size: number;
  /** The place of the newest run, counted from 1 (weights count back from it). */
  latest: number;
  /** Per slot: the run's place, its version (an index into `versions`) and its figures. */
  seq: Int32Array;
  version: Int32Array;
  logDuration: Float64Array;
  logTokens: Float64Array;
  success: Float64Array;
  /** The versions the slots name (may include some no longer held). */
  versions: string[];
  /** The held slots sorted by duration, and by tokens (the first `size` of each). */
  byDuration: Int32Array;
  byTokens: Int32Array;
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

const NONE = new Int32Array(0);

export function createWindow(): RecentWindow {
  return {
    size: 0,
    latest: 0,
    seq: NONE,
    version: NONE,
    logDuration: new Float64Array(0),
    logTokens: new Float64Array(0),
    success: new Float64Array(0),
    versions: [],
    byDuration: NONE,
    byTokens: NONE,
  };
}

/** Sets the window's capacity (the first push's `keep`), keeping its newest runs. */
function resize(window: RecentWindow, capacity: number) {
  const old = { ...window };
  const held = [...old.byDuration.subarray(0, old.size)].sort((a, b) => old.seq[a]! - old.seq[b]!);
  window.seq = new Int32Array(capacity);
  window.version = new Int32Array(capacity);
  window.logDuration = new Float64Array(capacity);
  window.logTokens = new Float64Array(capacity);
  window.success = new Float64Array(capacity);
  window.byDuration = new Int32Array(capacity);
  window.byTokens = new Int32Array(capacity);
  window.size = 0;
  window.versions = [];
  for (const slot of held.slice(-capacity)) {
    window.latest = old.seq[slot]! - 1;
    pushEntry(
      window,
      {
        versionId: old.versions[old.version[slot]!]!,
        logDuration: old.logDuration[slot]!,
        logTokens: old.logTokens[slot]!,
        success: old.success[slot]!,
      },
      capacity,
    );
  }
  window.latest = old.latest;
}

/** Removes a slot from the first `size` of an order. */
function removeSlot(order: Int32Array, size: number, slot: number) {
  const at = order.subarray(0, size).indexOf(slot);
  order.copyWithin(at, at + 1, size);
}

/** Inserts a slot into the first `size` of an order, after the slots of equal value. */
function insertSlot(order: Int32Array, size: number, slot: number, values: Float64Array) {
  const value = values[slot]!;
  let low = 0;
  let high = size;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[order[mid]!]! <= value) low = mid + 1;
    else high = mid;
  }
  order.copyWithin(low + 1, low, size);
  order[low] = slot;
}

/** The index of a version among the window's, added when new; rebuilt when stale ones pile up. */
function versionCode(window: RecentWindow, versionId: string): number {
  const at = window.versions.lastIndexOf(versionId);
  if (at >= 0) return at;
  if (window.versions.length >= 2 * window.seq.length) {
    const live = [
      ...new Set([...window.byDuration.subarray(0, window.size)].map((s) => window.version[s]!)),
    ];
    const names = live.map((code) => window.versions[code]!);
    for (const slot of window.byDuration.subarray(0, window.size))
      window.version[slot] = live.indexOf(window.version[slot]!);
    window.versions = names;
  }
  window.versions.push(versionId);
  return window.versions.length - 1;
}

/**
 * Adds the newest run, dropping the oldest beyond `keep` (a window's capacity is the `keep` of
 * its first push; a later push with another one resizes it).
 * @example pushEntry(window, { versionId: "v", logDuration: 7, logTokens: 0, success: 1 }, 40)
 */
export function pushEntry(window: RecentWindow, entry: WindowEntry, keep: number): void {
  if (window.seq.length !== keep) resize(window, keep);
  const seq = ++window.latest;
  const slot = seq % keep;
  if (window.size === keep) {
    // The slot holds the oldest run: out of both orders first.
    removeSlot(window.byDuration, window.size, slot);
    removeSlot(window.byTokens, window.size, slot);
    window.size -= 1;
  }
  window.seq[slot] = seq;
  window.version[slot] = versionCode(window, entry.versionId);
  window.logDuration[slot] = entry.logDuration;
  window.logTokens[slot] = entry.logTokens;
  window.success[slot] = entry.success;
  insertSlot(window.byDuration, window.size, slot, window.logDuration);
  insertSlot(window.byTokens, window.size, slot, window.logTokens);
  window.size += 1;
}

const powers = new Map<number, Float64Array>();
/** decay^k for k below `length`, per half-life. */
function powersOf(halfLife: number, length: number): Float64Array {
  let table = powers.get(halfLife);
  if (!table || table.length < length) {
    const decay = Math.pow(0.5, 1 / halfLife);
    table = Float64Array.from({ length: Math.max(length, 128) }, (_, k) => Math.pow(decay, k));
    powers.set(halfLife, table);
  }
  return table;
}

// Scratch space for one walk (windows hold at most a few hundred runs); reused, so a summary
// allocates nothing but its result.
let values = new Float64Array(256);
let weights = new Float64Array(256);

/**
 * The weighted median and robust spread (1.4826 × weighted MAD) of the first `n` scratch values
 * (sorted) with their weights, of `total` weight in all.
 */
function medianAndSpread(n: number, total: number): { median: number; spread: number } {
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
  const { size, latest, seq, version } = window;
  if (size === 0) return EMPTY_SUMMARY;
  const skip = excludeVersion === undefined ? -1 : window.versions.indexOf(excludeVersion);
  const table = powersOf(halfLife, seq.length + 1);
  if (values.length < size) {
    values = new Float64Array(size * 2);
    weights = new Float64Array(size * 2);
  }
  // Weights and success oldest first (the order fixes the sums' rounding), then durations in order.
  let weight = 0;
  let success = 0;
  let count = 0;
  const capacity = seq.length;
  for (let k = latest - size + 1; k <= latest; k++) {
    const slot = k % capacity;
    if (version[slot] === skip) continue;
    const w = table[latest - k]!;
    weight += w;
    success += w * window.success[slot]!;
    count += 1;
  }
  if (count === 0) return EMPTY_SUMMARY;
  const duration = medianAndSpread(
    gatherSorted(window, window.byDuration, window.logDuration, skip, table),
    weight,
  );
  const tokens = medianAndSpread(
    gatherSorted(window, window.byTokens, window.logTokens, skip, table),
    weight,
  );
  return {
    weight,
    count,
    success: success / weight,
    logDuration: duration.median,
    spread: duration.spread,
    logTokens: tokens.median,
  };
}

/**
 * Copies one figure of the window's runs, in `order`, with their weights into the scratch arrays,
 * leaving out the version coded `skip`; returns how many it copied.
 */
function gatherSorted(
  window: RecentWindow,
  order: Int32Array,
  figure: Float64Array,
  skip: number,
  table: Float64Array,
): number {
  const { size, latest, seq, version } = window;
  let n = 0;
  for (let i = 0; i < size; i++) {
    const slot = order[i]!;
    if (version[slot] === skip) continue;
    values[n] = figure[slot]!;
    weights[n++] = table[latest - seq[slot]!]!;
  }
  return n;
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
