/**
 * The scale the detectors judge a series on. Most metrics are noisier when they are higher: a cost
 * or a latency wobbles by a share of its level (multiplicative noise), a count by about the square
 * root of its mean (Poisson). A band of fixed width is then too narrow at the daily peak and too
 * wide at night. So the values are first put on a power scale (Box–Cox: linear, square root or
 * log) on which the spread no longer depends on the level; the detectors run there, and the band
 * is mapped back, so it is wider where the series is higher.
 *
 * The power is read from the series itself, by Tukey's spread-versus-level rule: cut the series
 * into short blocks, take each block's level (median) and spread (median of successive
 * second differences, which a trend or a rhythm's slope does not inflate), fit log spread = a + b · log level
 * robustly (Theil–Sen), and use power 1 − b, snapped to 1, ½ or 0. When the blocks' levels hardly
 * differ the slope says nothing, and the kind's usual power is used. A count is Poisson-like
 * (square root) below the level where its overdispersion takes over (1/φ, read from the same
 * blocks), so its log flattens there, and a count that is small throughout keeps the square root.
 */
import { medianInPlace, selectInPlace } from "./order-statistics";
import type { SeriesKind } from "./types";

export type ValueScaleName = "linear" | "sqrt" | "log";

export type ValueScale = {
  name: ValueScaleName;
  /** Value → the detectors' scale (monotonic increasing). */
  forward(value: number): number;
  /** The detectors' scale → value. */
  inverse(scaled: number): number;
  /** A spread of `spread` above `value`, in the metric's units, measured on this scale. */
  spreadAt(value: number, spread: number): number;
};

const BLOCK = 12;
const MIN_BLOCKS = 8;
// Levels must span at least this factor (between the blocks' deciles) for the slope to mean anything.
const MIN_LEVEL_RATIO = 1.5;
// x[i−1] − 2x[i] + x[i+1] of independent noise has variance 6σ²; its median absolute value is 0.6745 of that sd.
const SIGMA_PER_MEDIAN_ABS_SECOND_DIFFERENCE = 1 / (0.6745 * Math.sqrt(6));

/** When the data cannot tell: costs and latencies are multiplicative, counts and rates Poisson-like. */
const KIND_DEFAULT: Record<SeriesKind, ValueScaleName> = {
  latency: "log",
  cost: "log",
  count: "sqrt",
  error_rate: "sqrt",
};

/**
 * The power scale that makes the series' spread independent of its level (see the file's header).
 * @example chooseValueScale(values, "cost").name // "log"
 */
export function chooseValueScale(values: Float64Array, kind: SeriesKind): ValueScale {
  let min = Infinity;
  for (let i = 0; i < values.length; i++)
    if ((values[i] as number) < min) min = values[i] as number;
  if (!(min >= 0)) return makeValueScale("linear", 0);
  const typical = typicalPositive(values);
  const blocks = readBlocks(values);
  const power = estimatePower(blocks);
  let name: ValueScaleName =
    power === null ? KIND_DEFAULT[kind] : power > 0.75 ? "linear" : power > 0.25 ? "sqrt" : "log";
  // Offsets keep zeros finite: ⅜ is Anscombe's for counts; a log starts to flatten at a twentieth
  // of the series' typical value, so a fall to 0 reads as a large drop, not an infinite one.
  let offset = name === "log" ? 0.05 * typical : 0;
  if (name === "log" && kind === "count") {
    // A count's spread is Poisson (√mean) below the level 1/φ where its extra-Poisson share (φ ×
    // mean², a negative binomial's) takes over: the log only holds above that, and below it
    // stretches a step from 0 to 2 events into many scales. So the log flattens there, and a
    // count whose typical value lies below it is Poisson-like throughout (the square root).
    const dispersion = readDispersion(blocks);
    if (!(dispersion * typical > 1)) name = "sqrt";
    else offset = Math.max(offset, 1 / dispersion);
  }
  if (name === "sqrt") offset = anscombeOffset(values, kind);
  return makeValueScale(name, offset);
}

/**
 * A scale by name: `log(v + offset)`, `√(v + offset)` or `v`.
 * @example makeValueScale("log", 1).forward(9) // Math.log(10)
 */
export function makeValueScale(name: ValueScaleName, offset: number): ValueScale {
  if (name === "log") {
    const c = offset > 0 ? offset : Number.MIN_VALUE;
    return {
      name,
      forward: (v) => Math.log(Math.max(0, v) + c),
      inverse: (y) => Math.exp(y) - c,
      spreadAt: (v, d) => Math.log((Math.max(0, v) + d + c) / (Math.max(0, v) + c)),
    };
  }
  if (name === "sqrt") {
    return {
      name,
      forward: (v) => Math.sqrt(Math.max(0, v) + offset),
      inverse: (y) => (y > 0 ? y * y : 0) - offset,
      spreadAt: (v, d) =>
        Math.sqrt(Math.max(0, v) + d + offset) - Math.sqrt(Math.max(0, v) + offset),
    };
  }
  return { name, forward: (v) => v, inverse: (y) => y, spreadAt: (_v, d) => d };
}

/**
 * Anscombe's ⅜ of one event: for counts ⅜ itself; for a rate of events over n trials ⅜ of 1/n, where
 * the smallest rates the series shows (their 10th percentile) stand in for 1/n. Without it the
 * square root stretches the step from 0 to one event, and a rate over few trials that is often 0
 * gets a band far too wide.
 */
function anscombeOffset(values: Float64Array, kind: SeriesKind): number {
  if (kind === "count") return 3 / 8;
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return 0;
  const k = Math.floor(0.1 * (positive.length - 1));
  return (3 / 8) * (selectInPlace(positive, 0, positive.length, k) as number);
}

/** The median of the positive values (1 when there are none). */
function typicalPositive(values: Float64Array): number {
  const positive = values.filter((v) => v > 0);
  return positive.length ? medianInPlace(positive, 0, positive.length) : 1;
}

type Blocks = { logLevel: number[]; logSpread: number[] };

/** Each block's log level (median) and log spread (from second differences), where both are > 0. */
function readBlocks(values: Float64Array): Blocks {
  const blocks = Math.floor(values.length / BLOCK);
  const logLevel: number[] = [];
  const logSpread: number[] = [];
  const block = new Float64Array(BLOCK);
  const differences = new Float64Array(BLOCK - 2);
  for (let b = 0; b < blocks; b++) {
    const from = b * BLOCK;
    for (let k = 0; k < BLOCK; k++) block[k] = values[from + k] as number;
    for (let k = 1; k < BLOCK - 1; k++)
      differences[k - 1] = Math.abs(
        (block[k - 1] as number) - 2 * (block[k] as number) + (block[k + 1] as number),
      );
    const level = medianInPlace(block, 0, BLOCK);
    const spread =
      SIGMA_PER_MEDIAN_ABS_SECOND_DIFFERENCE * medianInPlace(differences, 0, differences.length);
    if (level > 0 && spread > 0) {
      logLevel.push(Math.log(level));
      logSpread.push(Math.log(spread));
    }
  }
  return { logLevel, logSpread };
}

/**
 * A count's overdispersion φ, as a negative binomial's variance μ + φμ² reads it: the median over
 * blocks of (spread² − level) / level² (0 when the blocks are no wider than Poisson).
 */
function readDispersion({ logLevel, logSpread }: Blocks): number {
  if (logLevel.length === 0) return 0;
  const phi = Float64Array.from(logLevel, (l, k) => {
    const level = Math.exp(l);
    return (Math.exp(2 * (logSpread[k] as number)) - level) / (level * level);
  });
  return Math.max(0, medianInPlace(phi, 0, phi.length));
}

/** 1 − the Theil–Sen slope of log spread on log level over blocks, or null when it cannot be read. */
function estimatePower({ logLevel, logSpread }: Blocks): number | null {
  if (logLevel.length < MIN_BLOCKS) return null;
  const sorted = Float64Array.from(logLevel).sort();
  const decile = (q: number) => sorted[Math.round(q * (sorted.length - 1))] as number;
  if (decile(0.9) - decile(0.1) < Math.log(MIN_LEVEL_RATIO)) return null;
  // Theil–Sen: the median of pairwise slopes, over pairs whose levels differ by at least 5 %.
  const slopes: number[] = [];
  const stride = Math.max(1, Math.floor(logLevel.length / 60)); // ≤ ~1,800 pairs
  for (let i = 0; i < logLevel.length; i += stride) {
    for (let j = i + stride; j < logLevel.length; j += stride) {
      const dx = (logLevel[j] as number) - (logLevel[i] as number);
      if (Math.abs(dx) >= 0.05)
        slopes.push(((logSpread[j] as number) - (logSpread[i] as number)) / dx);
    }
  }
  if (slopes.length < MIN_BLOCKS) return null;
  const slope = medianInPlace(Float64Array.from(slopes), 0, slopes.length);
  return 1 - slope;
}
