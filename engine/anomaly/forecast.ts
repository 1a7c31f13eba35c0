/**
 * Short forecasts: additive Holt-Winters when the series has a daily or weekly rhythm, Holt's
 * linear trend otherwise. The series is first put on a regular grid (its median spacing, gaps
 * filled by linear interpolation), because both methods count in steps, not in milliseconds.
 */
import { prepareSeries } from "./detectors";
import { KIND_PROFILES } from "./kind-profiles";
import {
  detectSeasonality,
  fitSeasonalProfile,
  profileValueAt,
  type SeasonalProfile,
} from "./seasonality";
import type { MetricPoint, SeasonalPeriod, SeriesKind } from "./types";

export type ForecastPoint = { at: number; value: number; low: number; high: number };

export type ForecastOptions = {
  /** "auto" (default) looks for a daily or weekly rhythm; "none" forces Holt's linear method. */
  seasonality?: "auto" | "none" | SeasonalPeriod;
  utcOffsetMinutes?: number;
  /** Clips the forecast and its band to the kind's values (a rate stays in 0..1). */
  kind?: SeriesKind;
  /** Band width in standard deviations of the h-step error (default 1.96: about 95%). */
  bandDeviations?: number;
};

export type ForecastModel = {
  method: "holt-winters" | "holt";
  period: SeasonalPeriod | null;
  stepMs: number;
  /** Smoothing of level, trend and season, chosen by the smallest one-step squared error. */
  alpha: number;
  beta: number;
  gamma: number;
  /** Standard deviation of the one-step errors. */
  sigma: number;
  predict(horizon: number): ForecastPoint[];
};

const MIN_POINTS = 10;
const ALPHAS = [0.05, 0.1, 0.2, 0.35, 0.5, 0.7];
const BETAS = [0, 0.02, 0.1];
const GAMMAS = [0.02, 0.1, 0.3];

/**
 * The next `horizon` points after the series, each with a band; empty with fewer than 10 points.
 * @example forecastSeries(points, 30)[0] // { at: 1767225900000, value: 412, low: 371, high: 453 }
 */
export function forecastSeries(
  points: readonly MetricPoint[],
  horizon: number,
  options: ForecastOptions = {},
): ForecastPoint[] {
  return fitForecast(points, options)?.predict(horizon) ?? [];
}

/**
 * Fits the forecasting model (or null with fewer than 10 points): for tests, and for callers that
 * want to know which method was used.
 * @example fitForecast(points)?.method // "holt-winters"
 */
export function fitForecast(
  points: readonly MetricPoint[],
  options: ForecastOptions = {},
): ForecastModel | null {
  const series = prepareSeries(points);
  if (series.values.length < MIN_POINTS) return null;
  const stepMs = medianSpacing(series.times);
  if (!(stepMs > 0)) return null;
  const grid = resample(series.times, series.values, stepMs);
  const mode = options.seasonality ?? "auto";
  const profile =
    mode === "none"
      ? null
      : mode === "auto"
        ? detectSeasonality(series.times, series.values, options.utcOffsetMinutes)
        : fitSeasonalProfile(series.times, series.values, mode, options.utcOffsetMinutes);
  const seasonLength = profile
    ? Math.round((profile.period === "daily" ? 24 : 168) * (3_600_000 / stepMs))
    : 0;
  const seasonal =
    profile && seasonLength >= 2 && grid.values.length >= 2 * seasonLength
      ? { profile, seasonLength }
      : null;

  let best: { alpha: number; beta: number; gamma: number; fit: Fit } | null = null;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const gamma of seasonal ? GAMMAS : [0]) {
        const fit = runSmoothing(grid, seasonal, alpha, beta, gamma);
        if (!best || fit.sse < best.fit.sse) best = { alpha, beta, gamma, fit };
      }
    }
  }
  if (!best) return null;
  const { alpha, beta, gamma, fit } = best;
  const sigma = Math.sqrt(fit.sse / Math.max(1, fit.errors));
  const bounds = options.kind ? KIND_PROFILES[options.kind].bounds : naturalBounds(series.values);
  const deviations = options.bandDeviations ?? 1.96;
  const lastAt = grid.times[grid.times.length - 1] as number;
  const m = seasonal?.seasonLength ?? 0;
  const clip = (v: number) => Math.min(bounds[1], Math.max(bounds[0], v));

  return {
    method: seasonal ? "holt-winters" : "holt",
    period: seasonal?.profile.period ?? null,
    stepMs,
    alpha,
    beta,
    gamma,
    sigma,
    predict(horizon) {
      const out: ForecastPoint[] = [];
      // The h-step error variance is σ² (1 + Σ c_j², j < h), c_j = α(1 + jβ) + γ(1 − α)[j a whole number
      // of seasons] (Hyndman et al., additive models, with β and γ turned into their error-correction form).
      let variance = 0;
      for (let h = 1; h <= horizon; h++) {
        const season = m ? (fit.season[(fit.seasonIndex + h - 1) % m] as number) : 0;
        const value = fit.level + h * fit.trend + season;
        const spread = deviations * sigma * Math.sqrt(1 + variance);
        out.push({
          at: lastAt + h * stepMs,
          value: clip(value),
          low: clip(value - spread),
          high: clip(value + spread),
        });
        const weight = alpha * (1 + h * beta) + (m && h % m === 0 ? gamma * (1 - alpha) : 0);
        variance += weight * weight;
      }
      return out;
    },
  };
}

type Grid = { times: Float64Array; values: Float64Array };
type Fit = {
  sse: number;
  errors: number;
  level: number;
  trend: number;
  season: Float64Array;
  seasonIndex: number;
};

/** Runs Holt (no `seasonal`) or additive Holt-Winters over the grid, summing one-step squared errors. */
function runSmoothing(
  grid: Grid,
  seasonal: { profile: SeasonalProfile; seasonLength: number } | null,
  alpha: number,
  beta: number,
  gamma: number,
): Fit {
  const { values, times } = grid;
  const n = values.length;
  const m = seasonal?.seasonLength ?? 0;
  // Seasonal indices start from the robust profile (medians over every cycle), level and trend from
  // the first two cycles without it (or the first two points for Holt).
  const season = new Float64Array(Math.max(m, 1));
  for (let j = 0; j < m; j++)
    season[j] = profileValueAt(
      (seasonal as { profile: SeasonalProfile }).profile,
      times[j] as number,
    );
  let level: number;
  let trend: number;
  let start: number;
  if (m) {
    const meanOf = (from: number) => {
      let sum = 0;
      for (let k = from; k < from + m; k++)
        sum += (values[k] as number) - (season[k % m] as number);
      return sum / m;
    };
    level = meanOf(0);
    trend = (meanOf(m) - level) / m;
    level += (trend * (m - 1)) / 2; // the first cycle's mean sits at its middle; updates start at its end
    start = m;
  } else {
    trend = (values[1] as number) - (values[0] as number);
    level = values[1] as number;
    start = 2;
  }
  let sse = 0;
  let errors = 0;
  for (let k = start; k < n; k++) {
    const s = m ? (season[k % m] as number) : 0;
    const value = values[k] as number;
    const error = value - (level + trend + s);
    sse += error * error;
    errors++;
    const previousLevel = level;
    level = alpha * (value - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - previousLevel) + (1 - beta) * trend;
    if (m) season[k % m] = gamma * (value - level) + (1 - gamma) * s;
  }
  return { sse, errors, level, trend, season, seasonIndex: m ? n % m : 0 };
}

function medianSpacing(times: Float64Array): number {
  const gaps = new Float64Array(times.length - 1);
  for (let i = 1; i < times.length; i++)
    gaps[i - 1] = (times[i] as number) - (times[i - 1] as number);
  const positive = gaps.filter((g) => g > 0).sort();
  return positive.length ? (positive[positive.length >> 1] as number) : 0;
}

/** Values at t0, t0 + step, … by linear interpolation between the neighbouring points. */
function resample(times: Float64Array, values: Float64Array, step: number): Grid {
  const first = times[0] as number;
  const count = Math.floor(((times[times.length - 1] as number) - first) / step) + 1;
  const gridTimes = new Float64Array(count);
  const gridValues = new Float64Array(count);
  let j = 0;
  for (let k = 0; k < count; k++) {
    const t = first + k * step;
    while (j + 1 < times.length && (times[j + 1] as number) <= t) j++;
    const t0 = times[j] as number;
    const t1 = times[Math.min(j + 1, times.length - 1)] as number;
    const v0 = values[j] as number;
    const v1 = values[Math.min(j + 1, values.length - 1)] as number;
    gridTimes[k] = t;
    gridValues[k] = t1 > t0 ? v0 + ((t - t0) / (t1 - t0)) * (v1 - v0) : v0;
  }
  return { times: gridTimes, values: gridValues };
}

/** A series that never went below zero is not forecast below it. */
function naturalBounds(values: Float64Array): [number, number] {
  for (let i = 0; i < values.length; i++)
    if ((values[i] as number) < 0) return [-Infinity, Infinity];
  return [0, Infinity];
}
