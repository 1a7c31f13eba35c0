/**
 * The vocabulary of anomaly detection: metric series, the detectors' results and the options that
 * shape them. Zod schemas are exported for the edges (the CLI, tRPC inputs) that receive series.
 */
import { z } from "zod";

export const SERIES_KINDS = ["latency", "error_rate", "cost", "count"] as const;
export const seriesKindSchema = z.enum(SERIES_KINDS);
export type SeriesKind = z.infer<typeof seriesKindSchema>;

/** "low" flags only glaring outliers, "high" also modest ones; a number is 0 (low) .. 1 (high). */
export const sensitivitySchema = z.union([
  z.enum(["low", "medium", "high"]),
  z.number().min(0).max(1),
]);
export type Sensitivity = z.infer<typeof sensitivitySchema>;

/** `[unixMs, value]`, in time order; timestamps may be irregular and have gaps. */
export const metricPointSchema = z.tuple([z.number(), z.number()]);
export type MetricPoint = z.infer<typeof metricPointSchema>;

export const metricSeriesSchema = z.object({
  kind: seriesKindSchema,
  points: z.array(metricPointSchema),
  sensitivity: sensitivitySchema.optional(),
});
export type MetricSeries = z.infer<typeof metricSeriesSchema>;

export const SEASONAL_PERIODS = ["daily", "weekly"] as const;
export type SeasonalPeriod = (typeof SEASONAL_PERIODS)[number];

export type DetectorName = "robust-z" | "ewma" | "seasonal" | "level-shift";

export type Anomaly = {
  at: number;
  value: number;
  /** How many deviations from the expected value (always ≥ 0; see `direction`). */
  score: number;
  direction: "up" | "down";
  /** The expected band at this point, `[low, high]`. */
  band: [number, number];
  reason: string;
  detector: DetectorName;
};

export type BandPoint = { at: number; low: number; high: number; expected: number };

export type DetectionResult = {
  anomalies: Anomaly[];
  /** One entry per input point, in order, so a chart can draw the expected band. */
  band: BandPoint[];
  /** Onsets (unixMs) of level shifts that were flagged; the band follows the new level after each. */
  changePoints: number[];
  /** Set when nothing could be flagged (too few points, no rhythm for the seasonal detector). */
  skipped?: string;
};

/** How a metric's values read in a reason: "2,340 ms", "4.1%", "17". */
export type MetricFormat = { label: string; formatValue: (value: number) => string };
