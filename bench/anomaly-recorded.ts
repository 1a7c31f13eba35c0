/**
 * bench:anomaly's recorded set: series the app's anomaly watch would score, built from what the app
 * records for its Demo tenant rather than from a series generator, and labelled from how those
 * records were made. Never used to choose anything (bench:anomaly only reports on it).
 *
 * - The demo's month of runs (server/demo-run-history.ts, the app's seed and others of the same
 *   code): each run's end becomes the observation the run executor hands the metric recorder
 *   (source "workflow" per workflow and "tenant"), summed into 60 s rollups as the recorder sums
 *   them, and read back by the watcher's own `pointsOf` for every watched workflow and tenant
 *   series (failure rate, p95 latency and cost per run per workflow; tokens, cost and runs per
 *   hour). Labelled, from the history's laws: the slow batch's first runs failing fast before its
 *   server was installed (a dip in its latency, a spike in its failure rate, over those runs' points)
 *   and its published version 2 running a step shorter (a level shift in its latency at version 2's
 *   first run). The fail-fast runs are the workflow's first five runs, so they open its series:
 *   there is no history of the workflow before them for them to depart from, and the watcher, like
 *   every detector that judges a point by the points before it, judges none of a series' first
 *   DEFAULT_MIN_HISTORY points. A label that ends inside that opening is not an event the watcher
 *   can be asked to find (the probation period of streaming benchmarks such as NAB): it is left out
 *   of the set and counted in `labelsInOpening`, not scored as a miss. (Until this was noticed,
 *   those 20 labels, 10 seeds × spike and dip, were scored as misses.) Nothing else in the
 *   history departs from a workflow's own law, so any other flag (the tenant's hourly series, the
 *   workflows' ordinary failures) is a false flag.
 * - The demo's latency history (server/demo-anomalies.ts, what a fresh install's watcher alerts on):
 *   six hours of per-minute latencies ending in DEMO_SPIKE_MINUTES minutes near 5 s, labelled a spike.
 * The whole month is one series each (the watcher reads a window of 360 buckets or 28 days; here
 * every point is judged with all before it and after it, as bench:anomaly judges generated series).
 */
import { DEFAULT_MIN_HISTORY } from "../engine/anomaly/detectors";
import type { LabelledSeries } from "../engine/anomaly/generate-series";
import type { RollupRow } from "../server/repositories/metric-rollups";
import { demoAnomalyDeltas, DEMO_SPIKE_MINUTES } from "../server/demo-anomalies";
import { demoRunHistory, DEMO_HISTORY_SEED, type DemoRun } from "../server/demo-run-history";
import { binOf } from "../server/services/metric-recorder";
import {
  detectOn,
  pointsOf,
  resolutionMs,
  WATCHED_METRICS,
  type WatchedMetric,
} from "../server/services/watched-series";

const BUCKET_MS = 60_000;
const END = Date.UTC(2026, 6, 1);
const TENANT = "demo";

/** A recorded series with what the watcher needs to judge it like the app. */
export type RecordedSeries = LabelledSeries & {
  metric: WatchedMetric;
  rows: RollupRow[];
  step: number;
  /** Labels that end before a point can be judged (the series' first DEFAULT_MIN_HISTORY points). */
  labelsInOpening: LabelledSeries["labels"];
};

/** Rollup rows of one source and subject: each run counted at its end, as the run executor does. */
function rollupsOf(runs: readonly DemoRun[], source: "workflow" | "tenant", subject: string) {
  const rows = new Map<number, RollupRow>();
  for (const run of runs) {
    const end = run.at + run.durationMs;
    const bucket = Math.floor(end / BUCKET_MS) * BUCKET_MS;
    let row = rows.get(bucket);
    if (!row)
      rows.set(
        bucket,
        (row = {
          tenantId: TENANT,
          source,
          subject,
          bucketStart: new Date(bucket),
          count: 0,
          errors: 0,
          durationMs: 0,
          tokens: 0,
          costUsd: 0,
          gaugeMax: 0,
          hist: [],
        }),
      );
    row.count++;
    if (!run.success) row.errors++;
    row.durationMs += run.durationMs;
    row.tokens += run.tokens;
    row.costUsd += run.costUsd;
    const bin = binOf(run.durationMs);
    while (row.hist.length <= bin) row.hist.push(0);
    row.hist[bin] = (row.hist[bin] ?? 0) + 1;
  }
  return [...rows.values()].sort((a, b) => a.bucketStart.getTime() - b.bucketStart.getTime());
}

const bucketOf = (run: DemoRun, step: number) =>
  Math.floor((run.at + run.durationMs) / step) * step;

/** The labels a workflow's series carries, from the laws its runs were drawn by. */
function labelsOf(
  metric: WatchedMetric,
  runs: readonly DemoRun[],
  points: LabelledSeries["points"],
) {
  const indexOf = new Map(points.map(([t], i) => [t, i]));
  const labels: LabelledSeries["labels"] = [];
  const fast = runs
    .filter((run) => run.failureRate === 1)
    .map((run) => indexOf.get(bucketOf(run, BUCKET_MS)))
    .filter((i): i is number => i !== undefined);
  if (fast.length && metric.metric !== "workflow.cost_per_run") {
    const type = metric.metric === "workflow.failure_rate" ? "spike" : "dip";
    labels.push({ index: Math.min(...fast), end: Math.max(...fast), type });
  }
  if (metric.metric === "workflow.latency_p95")
    runs.forEach((run, i) => {
      const before = runs[i - 1];
      if (!before || before.version === run.version || before.medianMs === run.medianMs) return;
      const at = indexOf.get(bucketOf(run, BUCKET_MS));
      if (at !== undefined) labels.push({ index: at, end: at, type: "level-shift" });
    });
  return labels.sort((a, b) => a.index - b.index);
}

/** Every watched workflow and tenant series of one demo history, labelled. */
export function recordedRunHistory(seed: number): RecordedSeries[] {
  const history = demoRunHistory({ seed, end: END });
  const from = END - 30 * 86_400_000 - 3_600_000;
  const until = END + 86_400_000;
  const out: RecordedSeries[] = [];
  const workflows = [...new Set(history.map((run) => run.workflow))];
  for (const metric of WATCHED_METRICS) {
    const step = resolutionMs(metric, BUCKET_MS);
    const subjects =
      metric.source === "workflow"
        ? workflows.map((w) => ({ name: w, runs: history.filter((run) => run.workflow === w) }))
        : metric.source === "tenant"
          ? [{ name: "tenant", runs: history }]
          : [];
    for (const { name, runs } of subjects) {
      const rows = rollupsOf(runs, metric.source === "tenant" ? "tenant" : "workflow", name);
      const points = pointsOf(metric, rows, step, Math.floor(from / step) * step, until);
      if (points.length === 0) continue;
      const labels = metric.source === "workflow" ? labelsOf(metric, runs, points) : [];
      out.push({
        id: `demo-${seed} ${metric.metric} ${name}`,
        kind: metric.kind,
        family: "mixed",
        points,
        labels: labels.filter((l) => l.end >= DEFAULT_MIN_HISTORY),
        metric,
        rows,
        step,
        labelsInOpening: labels.filter((l) => l.end < DEFAULT_MIN_HISTORY),
      });
    }
  }
  return out;
}

/** The demo's latency history (a fresh install's alert), its spike labelled. */
export function recordedDemoLatency(): RecordedSeries {
  const metric = WATCHED_METRICS.find((m) => m.metric === "workflow.latency_p95") as WatchedMetric;
  const rows: RollupRow[] = demoAnomalyDeltas(
    { tenantId: TENANT, workflowId: "welcome" },
    BUCKET_MS,
    END,
  );
  const points = pointsOf(metric, rows, BUCKET_MS, rows[0]!.bucketStart.getTime(), END);
  const last = points.length - 1;
  return {
    id: "demo latency spike",
    kind: metric.kind,
    family: "mixed",
    points,
    labels: [{ index: last - DEMO_SPIKE_MINUTES + 1, end: last, type: "spike" }],
    metric,
    rows,
    step: BUCKET_MS,
    labelsInOpening: [],
  };
}

/** The app's own demo history (DEMO_HISTORY_SEED) and nine more draws of the same code. */
export const RECORDED_SEEDS = [DEMO_HISTORY_SEED, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The recorded set: every demo history's series and the demo's latency spike. */
export function recordedSet(): RecordedSeries[] {
  return [...RECORDED_SEEDS.flatMap((seed) => recordedRunHistory(seed)), recordedDemoLatency()];
}

/** The timestamps the app's watcher flags on a recorded series (its detectors, kind, floor, sensitivity). */
export function flaggedOn(series: RecordedSeries): number[] {
  return detectOn(series.metric, series.points, series.rows, series.step, undefined).anomalies.map(
    (a) => a.at,
  );
}
