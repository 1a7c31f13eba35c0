/**
 * The entry point the app and the CLI share: one call per series, detectors chosen by its kind.
 */
import {
  DEFAULT_MIN_HISTORY,
  type DetectOptions,
  findProfile,
  prepareSeries,
  runDetector,
  scaleSeries,
} from "./detectors";
import { KIND_PROFILES } from "./kind-profiles";
import type { DetectionResult, DetectorName, MetricPoint, SeasonalPeriod } from "./types";

export type AnomalyReport = DetectionResult & {
  /** The detectors that ran, in the order they apply. */
  detectors: DetectorName[];
  /** The rhythm the seasonal baseline used, if any. */
  seasonality: { period: SeasonalPeriod; strength: number } | null;
};

/**
 * Flags anomalies in one metric series with the defaults for its kind, on the scale (linear, square
 * root or log) on which its spread does not grow with its level (value-scale.ts): the kind's baseline
 * (rolling median and MAD for latency and counts, EWMA for error rates and cost), replaced by the
 * seasonal baseline when the series has a daily or weekly rhythm, with level-shift detection on top.
 * Fewer points than `minHistory` (30) flag nothing and say so in `skipped`.
 * @example
 * const { anomalies, band } = detectAnomalies(points, { kind: "latency", sensitivity: "high" });
 * anomalies[0]; // { at, value, score: 6.1, band: [380, 440], reason: "latency 2,340 ms is 6.1 …", detector: "robust-z" }
 */
export function detectAnomalies(
  points: readonly MetricPoint[],
  options: DetectOptions,
): AnomalyReport {
  const series = scaleSeries(prepareSeries(points), options);
  const minHistory = options.minHistory ?? DEFAULT_MIN_HISTORY;
  const profile = series.values.length > minHistory ? findProfile(series, options) : null;
  const result = runDetector(series, options, null, profile);
  const baseline: DetectorName =
    KIND_PROFILES[options.kind].baseline === "ewma" ? "ewma" : "robust-z";
  return {
    ...result,
    detectors: [profile ? "seasonal" : baseline, "level-shift"],
    seasonality: profile ? { period: profile.period, strength: profile.strength } : null,
  };
}
