/**
 * Defaults per kind of metric: which baseline suits it, the values it can take, the smallest scale
 * worth trusting (so a flat series does not turn every wobble into an anomaly) and how its values
 * read in a reason. Sensitivity maps to the threshold, in scales, beyond which a point is flagged.
 */
import type { MetricFormat, SeriesKind, Sensitivity } from "./types";

export type KindProfile = {
  baseline: "median" | "ewma";
  bounds: [number, number];
  /** The smallest scale to trust around an expected value. */
  scaleFloor: (expected: number) => number;
  format: MetricFormat;
};

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const significant = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/**
 * Formats a number for a sentence: thousands separators, three significant digits below 100.
 * @example formatNumber(2340.4) // "2,340"; formatNumber(0.01234) // "0.0123"
 */
export function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? integer.format(value) : significant.format(value);
}

export const KIND_PROFILES: Record<SeriesKind, KindProfile> = {
  // Latencies wander slowly and spike often: a rolling median ignores the spikes. Within 1% of the
  // level (or half a millisecond) a change is not worth a page, however flat the series was.
  latency: {
    baseline: "median",
    bounds: [0, Infinity],
    scaleFloor: (expected) => Math.max(0.5, 0.01 * Math.abs(expected)),
    format: { label: "latency", formatValue: (v) => `${formatNumber(v)} ms` },
  },
  // Rates are often 0 with a blip now and then (1 failure in 200 calls); half a percentage point is
  // noise whatever the history, and the EWMA follows slow drift in traffic mix.
  error_rate: {
    baseline: "ewma",
    bounds: [0, 1],
    scaleFloor: (expected) => Math.max(0.005, 0.05 * Math.abs(expected)),
    format: { label: "error rate", formatValue: (v) => `${formatNumber(v * 100)}%` },
  },
  cost: {
    baseline: "ewma",
    bounds: [0, Infinity],
    scaleFloor: (expected) => Math.max(1e-6, 0.01 * Math.abs(expected)),
    format: { label: "cost", formatValue: formatNumber },
  },
  // Counts are Poisson-like: their spread is at least the square root of the mean (and at least 1,
  // so a series of zeros with the odd 1 or 2 stays quiet). Poisson tails are heavier than normal
  // ones at small means: there a flag must also pass a Poisson tail test (count-tail.ts).
  count: {
    baseline: "median",
    bounds: [0, Infinity],
    scaleFloor: (expected) => Math.sqrt(Math.max(1, expected)),
    format: { label: "count", formatValue: formatNumber },
  },
};

const NAMED_SENSITIVITY = { low: 0, medium: 0.5, high: 1 } as const;

/**
 * The threshold in scales for a sensitivity: 6.5 (low) .. 5 (medium, the default) .. 3.5 (high).
 * @example thresholdFor("high") // 3.5
 */
export function thresholdFor(sensitivity: Sensitivity = "medium"): number {
  const level =
    typeof sensitivity === "number"
      ? Math.min(1, Math.max(0, sensitivity))
      : NAMED_SENSITIVITY[sensitivity];
  return 6.5 - 3 * level;
}
