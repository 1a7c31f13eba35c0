import type { RollupSource } from "@/db/schema";
import { detectAnomalies, type AnomalyReport } from "@/engine/anomaly/detect-anomalies";
import { forecastSeries, type ForecastPoint } from "@/engine/anomaly/forecast";
import {
  detectRunTotals,
  forecastRunTotals,
  type RunTotalPoint,
  type RunTotalsReport,
} from "@/engine/anomaly/run-totals";
import type { MetricPoint, SeriesKind } from "@/engine/anomaly/types";
import type { AnomalySettingsRow } from "@/server/repositories/alerts";
import type { RollupFigures, RollupRow } from "@/server/repositories/metric-rollups";
import { quantileOfHist } from "./metric-recorder";

/** A series the watcher evaluates: which rollups it reads, at which resolution, and the value of a point. */
export interface WatchedMetric {
  metric: string;
  source: RollupSource;
  kind: SeriesKind;
  label: string;
  unit: "ms" | "ratio" | "usd" | "count";
  /** One point per this many ms: the rollup bucket ("bucket") or an hour. */
  resolution: "bucket" | "hour";
  /** Points read back for each evaluation. */
  windowPoints: number;
  /** Buckets with nothing counted: a gap (rates, latencies) or a zero (counts per hour). */
  emptyIsZero: boolean;
  /**
   * Which anomalies raise alerts: "up" where only a rise is trouble (a drop in errors, latency or
   * cost is good news, and the way back after a spell must count as calm), "both" for volumes.
   */
  alertOn: "up" | "both";
  /**
   * The point is a sum of per-run amounts over the period's runs (tokens or cost per hour): judged
   * as the runs it held and the amount per run, each by its own law (engine/anomaly/run-totals.ts),
   * since one ordinary run in a mostly empty hour is not a spike.
   */
  sumOfRuns?: true;
  value(a: RollupFigures): number | null;
}

const p95 = (a: RollupFigures) => quantileOfHist(a.hist, 0.95);
const rate = (a: RollupFigures) => (a.count ? a.errors / a.count : null);

/** Every watched series (issue 8): per workflow, node kind, MCP server, tenant, and the queue. */
export const WATCHED_METRICS: WatchedMetric[] = [
  {
    metric: "workflow.failure_rate",
    source: "workflow",
    kind: "error_rate",
    label: "Run failure rate",
    unit: "ratio",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: rate,
  },
  {
    metric: "workflow.latency_p95",
    source: "workflow",
    kind: "latency",
    label: "Run latency p95",
    unit: "ms",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: p95,
  },
  {
    metric: "workflow.cost_per_run",
    source: "workflow",
    kind: "cost",
    label: "Cost per run",
    unit: "usd",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: (a) => (a.count ? a.costUsd / a.count : null),
  },
  {
    metric: "node_kind.latency_p95",
    source: "node_kind",
    kind: "latency",
    label: "Step latency p95",
    unit: "ms",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: p95,
  },
  {
    metric: "node_kind.error_rate",
    source: "node_kind",
    kind: "error_rate",
    label: "Step error rate",
    unit: "ratio",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: rate,
  },
  {
    metric: "mcp.latency_p95",
    source: "mcp",
    kind: "latency",
    label: "MCP call latency p95",
    unit: "ms",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: p95,
  },
  {
    metric: "mcp.error_rate",
    source: "mcp",
    kind: "error_rate",
    label: "MCP call error rate",
    unit: "ratio",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: rate,
  },
  {
    metric: "mcp.health_failure_rate",
    source: "mcp_health",
    kind: "error_rate",
    label: "MCP health check failure rate",
    unit: "ratio",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: rate,
  },
  {
    metric: "tenant.tokens_per_hour",
    source: "tenant",
    kind: "count",
    label: "Tokens per hour",
    unit: "count",
    resolution: "hour",
    windowPoints: 24 * 28,
    emptyIsZero: true,
    alertOn: "both",
    sumOfRuns: true,
    value: (a) => a.tokens,
  },
  {
    metric: "tenant.cost_per_hour",
    source: "tenant",
    kind: "cost",
    label: "Cost per hour",
    unit: "usd",
    resolution: "hour",
    windowPoints: 24 * 28,
    emptyIsZero: true,
    alertOn: "up",
    sumOfRuns: true,
    value: (a) => a.costUsd,
  },
  {
    metric: "tenant.runs_per_hour",
    source: "tenant",
    kind: "count",
    label: "Runs per hour",
    unit: "count",
    resolution: "hour",
    windowPoints: 24 * 28,
    emptyIsZero: true,
    alertOn: "both",
    value: (a) => a.count,
  },
  {
    metric: "queue.depth",
    source: "queue",
    kind: "count",
    label: "Queued runs",
    unit: "count",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: true,
    alertOn: "up",
    value: (a) => a.gaugeMax,
  },
  {
    metric: "queue.wait_p95",
    source: "queue",
    kind: "latency",
    label: "Queue wait p95",
    unit: "ms",
    resolution: "bucket",
    windowPoints: 360,
    emptyIsZero: false,
    alertOn: "up",
    value: p95,
  },
];

export const findWatchedMetric = (metric: string) =>
  WATCHED_METRICS.find((m) => m.metric === metric);

export const resolutionMs = (m: WatchedMetric, bucketMs: number) =>
  m.resolution === "hour" ? Math.max(3_600_000, bucketMs) : bucketMs;

const emptyRollupFigures = (): RollupFigures => ({
  count: 0,
  errors: 0,
  durationMs: 0,
  tokens: 0,
  costUsd: 0,
  gaugeMax: 0,
  hist: [],
});

function addInto(total: RollupFigures, row: RollupRow) {
  total.count += row.count;
  total.errors += row.errors;
  total.durationMs += row.durationMs;
  total.tokens += row.tokens;
  total.costUsd += row.costUsd;
  total.gaugeMax = Math.max(total.gaugeMax, row.gaugeMax);
  row.hist.forEach((n, bin) => (total.hist[bin] = (total.hist[bin] ?? 0) + n));
}

/**
 * One subject's rollup rows → the metric's points, one per resolution step from `from` up to
 * (not including) `until`; only whole steps, so a bucket still filling is never judged.
 */
export function pointsOf(
  m: WatchedMetric,
  rows: readonly RollupRow[],
  step: number,
  from: number,
  until: number,
): MetricPoint[] {
  const byStep = new Map<number, RollupFigures>();
  for (const row of rows) {
    const at = Math.floor(row.bucketStart.getTime() / step) * step;
    if (at < from || at + step > until) continue;
    let total = byStep.get(at);
    if (!total) byStep.set(at, (total = emptyRollupFigures()));
    addInto(total, row);
  }
  const points: MetricPoint[] = [];
  for (let at = Math.ceil(from / step) * step; at + step <= until; at += step) {
    const total = byStep.get(at);
    const value = total ? m.value(total) : m.emptyIsZero ? 0 : null;
    if (value !== null && Number.isFinite(value)) points.push([at, value]);
  }
  return points;
}

/**
 * For rate series: the binomial noise of a typical point (its median call count), below which a
 * move is chance: one failure in 20 calls is 5 %, and should not page anyone. The rate is taken as
 * at least 5 % so a quiet history does not make single failures look significant.
 * Undefined for other series.
 */
export function noiseFloorOf(
  m: WatchedMetric,
  rows: readonly RollupRow[],
  step: number,
): number | undefined {
  if (m.kind !== "error_rate") return undefined;
  const counts = new Map<number, number>();
  let calls = 0;
  let errors = 0;
  for (const row of rows) {
    const at = Math.floor(row.bucketStart.getTime() / step) * step;
    counts.set(at, (counts.get(at) ?? 0) + row.count);
    calls += row.count;
    errors += row.errors;
  }
  if (calls === 0) return undefined;
  const sorted = [...counts.values()].filter((n) => n > 0).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 1;
  const rate = Math.min(0.5, Math.max(0.05, errors / calls));
  return Math.sqrt((rate * (1 - rate)) / median);
}

/** How a value of the metric reads: "2,340 ms", "4.1 %", "$0.0123", "17". */
export function formatMetricValue(m: Pick<WatchedMetric, "unit">, value: number): string {
  switch (m.unit) {
    case "ms":
      return `${Math.round(value).toLocaleString("en-US")} ms`;
    case "ratio":
      return `${(value * 100).toFixed(1)} %`;
    case "usd":
      return `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
    case "count":
      return Math.round(value).toLocaleString("en-US");
  }
}

/** A sum-of-runs series' points with the runs each period held (read from the same rollups). */
function runTotalsOf(
  points: readonly MetricPoint[],
  rows: readonly RollupRow[],
  step: number,
): RunTotalPoint[] {
  const runs = new Map<number, number>();
  for (const row of rows) {
    const at = Math.floor(row.bucketStart.getTime() / step) * step;
    runs.set(at, (runs.get(at) ?? 0) + row.count);
  }
  return points.map(([at, total]) => ({ at, runs: runs.get(at) ?? 0, total }));
}

/**
 * The detectors on a watched series with the tenant's sensitivity for it, as the watcher judges it
 * and the alert page draws it (so the page flags the points the alerts came from).
 */
export function detectOn(
  m: WatchedMetric,
  points: MetricPoint[],
  rows: readonly RollupRow[],
  step: number,
  settings: Pick<AnomalySettingsRow, "sensitivity" | "metricSensitivity"> | undefined,
): AnomalyReport & Partial<Pick<RunTotalsReport, "perRun">> {
  const sensitivity = settings?.metricSensitivity[m.metric] ?? settings?.sensitivity ?? "medium";
  if (m.sumOfRuns)
    return detectRunTotals(runTotalsOf(points, rows, step), {
      sensitivity,
      label: m.label.toLowerCase(),
      formatValue: (value) => formatMetricValue(m, value),
    });
  return detectAnomalies(points, {
    kind: m.kind,
    sensitivity,
    minScale: noiseFloorOf(m, rows, step),
    label: m.label,
  });
}

/**
 * The alert page's forecast of a watched series, read the way `detectOn` judges it: a sum of runs
 * as the run count's forecast times the per-run amount's band.
 */
export function forecastOn(
  m: WatchedMetric,
  points: MetricPoint[],
  rows: readonly RollupRow[],
  step: number,
  detection: ReturnType<typeof detectOn>,
  horizon: number,
): ForecastPoint[] {
  if (points.length < 10) return [];
  if (m.sumOfRuns)
    return forecastRunTotals(runTotalsOf(points, rows, step), horizon, detection.perRun ?? null);
  // Clipped to the values the metric can take, as the band is (a rate stays in 0..1, a latency ≥ 0).
  return forecastSeries(points, horizon, { kind: m.kind });
}
