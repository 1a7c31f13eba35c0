/**
 * Series whose points are sums of per-run amounts over a period: a tenant's tokens or cost per
 * hour. Such a sum is a compound count: how many runs the hour held, times what each cost. Judged
 * as one number, a sparse one misleads: with most hours empty the baseline is zero, and an hour
 * holding one ordinary run looks like a spike. So the two parts are judged apart, each by the law
 * that suits it, and an hour is flagged when either part is out of the ordinary:
 * - the runs per hour, as a count (detect-anomalies with kind "count": its rhythm, its level, and a
 *   Poisson tail test near zero, so one run where 0.2 are usual is not news, and forty are);
 * - the amount per run (the hour's sum over its runs), over the hours that had an amount, judged
 *   like the app's cost per run (kind "cost": scale, rhythm, baseline, level shifts), so a per-run
 *   cost that triples is found whether the hour held one run or ten.
 * The band drawn on the sums is the one those two judgements imply for each hour, given its runs:
 * its runs times the per-run band, or, when the count itself was flagged, the most runs the count
 * allows at this hour's per-run amount; so a flagged hour lies outside it and an ordinary one inside.
 */
import { detectAnomalies, type AnomalyReport } from "./detect-anomalies";
import type { DetectOptions } from "./detectors";
import type { ForecastPoint } from "./forecast";
import { KIND_PROFILES } from "./kind-profiles";
import type { Anomaly, BandPoint, DetectorName, MetricPoint } from "./types";

/** One period of a sum of per-run amounts: when, how many runs, and their summed amount. */
export type RunTotalPoint = { at: number; runs: number; total: number };

export type RunTotalsOptions = Omit<DetectOptions, "kind" | "minScale"> & {
  /** How the per-run amount reads in reasons (default: a plain number). */
  formatValue?: (value: number) => string;
};

export type RunTotalsReport = AnomalyReport & {
  /** The per-run amount's band at the last hour that had one (null before any). */
  perRun: { expected: number; low: number; high: number } | null;
};

const PER_RUN_KIND = "cost" as const;

/**
 * Flags periods of a sum of per-run amounts whose run count or amount per run is out of the
 * ordinary (see the file's comment); the band and reasons read in the sum's units.
 * @example
 * detectRunTotals(hours, { label: "cost per hour" }).anomalies[0]?.reason
 * // "cost per hour 0.0216: its 3 runs came to 0.0072 each: cost per run 0.0072 is 6.1 deviations
 * //  above its moving average (0.0024)"
 */
export function detectRunTotals(
  points: readonly RunTotalPoint[],
  options: RunTotalsOptions = {},
): RunTotalsReport {
  const ordered = points.every((p, i) => i === 0 || (points[i - 1] as RunTotalPoint).at <= p.at)
    ? points
    : [...points].sort((a, b) => a.at - b.at);
  const hours = ordered.filter(
    (p) => Number.isFinite(p.at) && Number.isFinite(p.runs) && Number.isFinite(p.total),
  );
  const { formatValue: show = KIND_PROFILES.cost.format.formatValue, ...detect } = options;
  const label = options.label ?? "total";
  const counts: MetricPoint[] = hours.map((p) => [p.at, p.runs]);
  const perRunPoints: MetricPoint[] = [];
  for (const p of hours) if (p.runs > 0 && p.total > 0) perRunPoints.push([p.at, p.total / p.runs]);

  const count = detectAnomalies(counts, { ...detect, kind: "count", label: "runs per hour" });
  const perRun = detectAnomalies(perRunPoints, {
    ...detect,
    kind: PER_RUN_KIND,
    label: `${label.replace(/ per hour$/, "")} per run`,
  });
  const countFlag = new Map(count.anomalies.map((a) => [a.at, a]));
  const perRunFlag = new Map(perRun.anomalies.map((a) => [a.at, a]));
  const perRunBand = new Map(perRun.band.map((b) => [b.at, b]));

  const band: BandPoint[] = new Array(hours.length);
  const anomalies: Anomaly[] = [];
  let lastPerRun: BandPoint | undefined;
  hours.forEach((p, i) => {
    const countBand = count.band[i] as BandPoint;
    const own = perRunBand.get(p.at);
    if (own) lastPerRun = own;
    const each = p.runs > 0 ? p.total / p.runs : 0;
    // Before any run had an amount there is nothing to judge an amount by: this hour's own stands.
    const amount = lastPerRun ?? { low: 0, high: each, expected: each };
    const byCount = countFlag.get(p.at);
    // The runs the band allows: this hour's own, or the count's band when the count was flagged.
    let high =
      byCount?.direction === "up"
        ? countBand.high * Math.min(each, amount.high)
        : p.runs > 0
          ? p.runs * amount.high
          : 0;
    let low =
      byCount?.direction === "down"
        ? countBand.low * Math.max(each, amount.low)
        : !own
          ? 0 // runs without an amount (a tenant's runs that use no model) are ordinary
          : byCount
            ? countBand.low * amount.low
            : p.runs * amount.low;
    if (low > high) {
      if (byCount?.direction === "down") high = low;
      else low = high;
    }
    const runsExpected = byCount ? countBand.expected : p.runs;
    const expected = Math.min(high, Math.max(low, runsExpected * amount.expected));
    band[i] = { at: p.at, low, high, expected };

    const byAmount = own ? perRunFlag.get(p.at) : undefined;
    const countCounts =
      byCount !== undefined && (byCount.direction === "up" ? p.total > high : p.total < low);
    if (!byAmount && !countCounts) return;
    const parts: string[] = [];
    if (byAmount)
      parts.push(
        `${p.runs === 1 ? "its one run came to" : `its ${p.runs} runs came to`} ${show(each)}${p.runs === 1 ? "" : " each"}: ${byAmount.reason}`,
      );
    if (countCounts && byCount) parts.push(byCount.reason);
    const main =
      byAmount && (!countCounts || byAmount.score >= byCount!.score) ? byAmount : byCount!;
    anomalies.push({
      at: p.at,
      value: p.total,
      score: Math.max(byAmount?.score ?? 0, countCounts ? byCount!.score : 0),
      direction: main.direction,
      band: [low, high],
      reason: `${label} ${show(p.total)}: ${parts.join("; ")}`,
      detector: main.detector,
    });
  });

  const detectors: DetectorName[] = [...new Set([...count.detectors, ...perRun.detectors])];
  const skipped =
    count.skipped && perRun.skipped
      ? `runs per hour: ${count.skipped}; per run: ${perRun.skipped}`
      : undefined;
  return {
    anomalies,
    band,
    changePoints: [...new Set([...count.changePoints, ...perRun.changePoints])].sort(
      (a, b) => a - b,
    ),
    ...(skipped ? { skipped } : {}),
    detectors,
    seasonality: count.seasonality,
    perRun: lastPerRun
      ? { expected: lastPerRun.expected, low: lastPerRun.low, high: lastPerRun.high }
      : null,
  };
}

/** Hours of run counts the forecast's rate is the mean of (a week). */
const FORECAST_RATE_POINTS = 168;

/**
 * The smallest k with P(X ≤ k) ≥ q for a Poisson of this mean. The terms are carried as
 * logarithms: e^-mean underflows to 0 past a mean of about 745 runs an hour, and a product
 * started from 0 stays 0, so every k would look improbable up to the loop's end.
 */
function poissonQuantile(mean: number, q: number): number {
  if (!(mean > 0)) return 0;
  const last = Math.ceil(mean + 40 * Math.sqrt(mean) + 40);
  const logMean = Math.log(mean);
  let k = 0;
  let logP = -mean;
  let cumulative = Math.exp(logP);
  while (cumulative < q && k < last) {
    k++;
    logP += logMean - Math.log(k);
    cumulative += Math.exp(logP);
  }
  return k;
}

/**
 * The next `horizon` periods of a sum of per-run amounts, read from the same two parts the flags
 * come from: runs at the last week's mean rate (a Poisson count: its 2.5 % and 97.5 % points give
 * the band) times the per-run amount's current band (expected; low × low .. high × high). A mean,
 * not a smoothed last value: in a sparse series the last few hours being empty says nothing.
 * @example forecastRunTotals(hours, 30, report.perRun)[0] // { at, value: 0.00048, low: 0, high: 0.0041 }
 */
export function forecastRunTotals(
  points: readonly RunTotalPoint[],
  horizon: number,
  perRun: RunTotalsReport["perRun"],
): ForecastPoint[] {
  const last = points.at(-1);
  const before = points.at(-2);
  if (!perRun || !last || !before || !(last.at > before.at)) return [];
  const step = last.at - before.at;
  const recent = points.slice(-FORECAST_RATE_POINTS);
  const rate = recent.reduce((sum, p) => sum + p.runs, 0) / recent.length;
  const low = poissonQuantile(rate, 0.025) * perRun.low;
  const high = poissonQuantile(rate, 0.975) * perRun.high;
  return Array.from({ length: horizon }, (_, h) => ({
    at: last.at + (h + 1) * step,
    value: rate * perRun.expected,
    low,
    high,
  }));
}
