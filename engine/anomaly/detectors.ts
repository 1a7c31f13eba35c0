/**
 * The detectors, each one baseline run through scanSeries: robust z-scores on a rolling median and
 * MAD, an EWMA control band, a seasonal baseline (same hour of day or of week) and level shifts.
 * All take the same options; detect-anomalies.ts picks and combines them per kind of metric.
 */
import { isCountTailExtreme } from "./count-tail";
import { selectInPlace } from "./order-statistics";
import { type Baseline, createEwmaBaseline, createMedianBaseline } from "./baselines";
import { KIND_PROFILES, type KindProfile, thresholdFor } from "./kind-profiles";
import { createRecurrence, typicalSpacing } from "./recurrence";
import { type ScanReasons, scanSeries } from "./scan-series";
import {
  describeSlot,
  detectSeasonality,
  fitSeasonalProfile,
  profileValueAt,
  dayOffProfile,
  type SeasonalProfile,
} from "./seasonality";
import {
  chooseValueScale,
  makeValueScale,
  type ValueScale,
  type ValueScaleName,
} from "./value-scale";
import type {
  DetectionResult,
  DetectorName,
  MetricPoint,
  SeasonalPeriod,
  SeriesKind,
  Sensitivity,
} from "./types";

export type DetectOptions = {
  kind: SeriesKind;
  /** Moves the threshold: "low" 6.5 .. "medium" 5 .. "high" 3.5 scales. */
  sensitivity?: Sensitivity;
  /** Overrides the threshold (in scales) that `sensitivity` would give. */
  threshold?: number;
  /**
   * A confirmed level shift is reported when it moves the level by this share of the threshold
   * (default SHIFT_SHARE). A shift is judged on many points, so it needs fewer scales than one point.
   */
  shiftShare?: number;
  /** "auto" (default) looks for a daily or weekly rhythm; a period forces it; "none" skips it. */
  seasonality?: "auto" | "none" | SeasonalPeriod;
  /** Where hour 0 of a day falls, for the seasonal buckets and the reasons (default UTC). */
  utcOffsetMinutes?: number;
  /** Names the metric in reasons, e.g. "p95 latency" (default: the kind). */
  label?: string;
  /** Points in the rolling median window (default 60). */
  window?: number;
  /** Points of history a point needs before it can be flagged (default 30). */
  minHistory?: number;
  /**
   * A smallest scale the caller knows from how the values were measured, raising the kind's floor:
   * an error rate over 20 calls per point moves by 5 % with one failure (binomial noise).
   */
  minScale?: number;
  /**
   * The scale values are judged on: "auto" (default) reads from the series how its spread grows
   * with its level (value-scale.ts); a name forces linear, square-root or log.
   */
  valueScale?: "auto" | ValueScaleName;
  /** Widen the threshold where the series' scores have heavier tails than normal noise (default true). */
  tailCalibration?: boolean;
  /**
   * Recurring effects (recurrence.ts): a point whose slot in past days, weeks or months leaned the
   * same way by at least this many scales (median over those cycles) is judged from there
   * (default RECURRENCE_FLOOR; Infinity turns it off).
   */
  recurrenceFloor?: number;
  /**
   * The quantile of |score| the tail calibration reads (default TAIL_QUANTILE): 0.95 reads the
   * shoulders of the noise, 0.99 its tail, where heavy-tailed blips (a latency's slow samples) show.
   */
  tailQuantile?: number;
  /** The most the tail calibration may widen the threshold by (default MAX_TAIL_FACTOR). */
  maxTailFactor?: number;
};

/** A series as typed arrays in time order (sorted when the input was not). */
export type PreparedSeries = { times: Float64Array; values: Float64Array };

/** A series on the detectors' scale: `values` transformed, `measured` as given. */
export type ScaledSeries = PreparedSeries & { measured: Float64Array; scale: ValueScale };

const DEFAULT_WINDOW = 60;
/** See `shiftShare`; chosen by leave-one-generator-out in bench/anomaly.ts. */
export const SHIFT_SHARE = 0.8;
/** Kinds whose values are counts of events (or rates of them): tail-tested near zero. */
const TAIL_TESTED: Partial<Record<SeriesKind, "count" | "rate">> = {
  count: "count",
  error_rate: "rate",
};
export const DEFAULT_MIN_HISTORY = 30;
/** Kinds that measure how much happened, which a day off (a holiday) lowers. */
const VOLUMES: ReadonlySet<SeriesKind> = new Set(["count", "cost"]);
/** See `recurrenceFloor`; chosen by leave-one-generator-out in bench/anomaly.ts. */
export const RECURRENCE_FLOOR = 2;
/** See `tailQuantile`; chosen by leave-one-generator-out in bench/anomaly.ts. */
export const TAIL_QUANTILE = 0.99;

/**
 * Copies points into typed arrays, sorting them by time if they are not already. Points with a
 * non-finite time or value are dropped: one NaN would poison every median after it.
 * @example prepareSeries([[0, 1], [60_000, 2]]).values // Float64Array [1, 2]
 */
export function prepareSeries(points: readonly MetricPoint[]): PreparedSeries {
  let ordered: readonly MetricPoint[] = points;
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i] as MetricPoint;
    if (!Number.isFinite(t) || !Number.isFinite(v)) {
      ordered = points.filter(([time, value]) => Number.isFinite(time) && Number.isFinite(value));
      break;
    }
  }
  for (let i = 1; i < ordered.length; i++) {
    if ((ordered[i] as MetricPoint)[0] < (ordered[i - 1] as MetricPoint)[0]) {
      ordered = [...ordered].sort((a, b) => a[0] - b[0]);
      break;
    }
  }
  const times = new Float64Array(ordered.length);
  const values = new Float64Array(ordered.length);
  ordered.forEach(([t, v], i) => {
    times[i] = t;
    values[i] = v;
  });
  return { times, values };
}

/**
 * Robust z-score: how many MAD-scales a point sits from the median of the points before it.
 * @example detectRobustZ(points, { kind: "latency" }).anomalies[0]?.reason
 * // "latency 2,340 ms is 6.1 robust deviations above the median of the last 60 points (410 ms)"
 */
export function detectRobustZ(
  points: readonly MetricPoint[] | PreparedSeries,
  options: DetectOptions,
): DetectionResult {
  return runDetector(asPrepared(points, options), options, "robust-z", null);
}

/**
 * EWMA control band: an exponentially weighted mean ± threshold × its weighted mean deviation.
 * @example detectEwma(points, { kind: "cost", sensitivity: "high" }).band.at(-1)?.high
 */
export function detectEwma(
  points: readonly MetricPoint[] | PreparedSeries,
  options: DetectOptions,
): DetectionResult {
  return runDetector(asPrepared(points, options), options, "ewma", null);
}

/**
 * Seasonal baseline: the usual value for this hour of the day (or week) on top of the rolling level.
 * With `seasonality: "auto"` (the default) and no rhythm found, flags nothing and says why in `skipped`.
 * @example detectSeasonal(points, { kind: "count", seasonality: "weekly" })
 */
export function detectSeasonal(
  points: readonly MetricPoint[] | PreparedSeries,
  options: DetectOptions,
): DetectionResult {
  const series = asPrepared(points, options);
  const profile = findProfile(series, options);
  if (!profile) {
    const result = runDetector(series, options, null, null);
    return {
      ...result,
      anomalies: [],
      changePoints: [],
      skipped: result.skipped ?? "no daily or weekly rhythm found",
    };
  }
  return runDetector(series, options, null, profile);
}

/**
 * Level shifts (change points): a two-sided CUSUM on robust scores; reports the onset of each shift
 * at least `threshold` scales high, and the band moves to the new level once it is confirmed.
 * @example detectLevelShifts(points, { kind: "latency" }).changePoints // [1767225600000]
 */
export function detectLevelShifts(
  points: readonly MetricPoint[] | PreparedSeries,
  options: DetectOptions,
): DetectionResult {
  const result = runDetector(asPrepared(points, options), options, "robust-z", null);
  return { ...result, anomalies: result.anomalies.filter((a) => a.detector === "level-shift") };
}

/** The profile to use: forced, found, or none. */
export function findProfile(
  series: ScaledSeries,
  options: Pick<DetectOptions, "seasonality" | "utcOffsetMinutes">,
): SeasonalProfile | null {
  const mode = options.seasonality ?? "auto";
  if (mode === "none") return null;
  if (mode === "auto")
    return detectSeasonality(series.times, series.values, options.utcOffsetMinutes);
  return fitSeasonalProfile(series.times, series.values, mode, options.utcOffsetMinutes);
}

/**
 * Runs one scan: `baselineName` null means the kind's own baseline; a profile makes it seasonal.
 * Exported for detect-anomalies.ts, which combines them.
 */
export function runDetector(
  series: ScaledSeries,
  options: DetectOptions,
  baselineName: "robust-z" | "ewma" | null,
  profile: SeasonalProfile | null,
): DetectionResult {
  const kind = KIND_PROFILES[options.kind];
  const minHistory = options.minHistory ?? DEFAULT_MIN_HISTORY;
  const window = options.window ?? DEFAULT_WINDOW;
  const useEwma = baselineName ? baselineName === "ewma" : kind.baseline === "ewma";
  const createBaseline = (): Baseline =>
    useEwma
      ? createEwmaBaseline({ seedPoints: Math.max(2, Math.min(minHistory, 20)) })
      : createMedianBaseline(window);
  const detector: DetectorName = profile ? "seasonal" : useEwma ? "ewma" : "robust-z";
  const seasonal = profile ? seasonalComponent(series.times, profile) : null;
  // Days off are days of less activity: volumes (counts, and costs incurred by activity) fall to
  // their day off's level; a latency or an error rate is not a volume.
  const dayOff =
    profile && VOLUMES.has(options.kind) ? dayOffComponent(series.times, profile) : undefined;
  const { scale } = series;
  // The kind's floor (and the caller's) are spreads in the metric's units around the expected
  // value: measured on the detectors' scale at that value.
  const floorOf = (expected: number) => Math.max(options.minScale ?? 0, kind.scaleFloor(expected));
  const threshold = options.threshold ?? thresholdFor(options.sensitivity);
  const scores = new Float64Array(series.values.length);
  const spacingMs = typicalSpacing(series.times);
  const recurrenceFloor = options.recurrenceFloor ?? RECURRENCE_FLOOR;
  const recurrence =
    Number.isFinite(recurrenceFloor) && spacingMs > 0
      ? createRecurrence(series.times, recurrenceFloor, spacingMs)
      : undefined;
  // Counts are events: those a gap held back may arrive after it (see ScanOptions.backfill).
  const backfill =
    options.kind === "count" && spacingMs > 0 ? { spacingMs, forward: scale.forward } : undefined;
  const scan = (factor: number) =>
    scanSeries(series.times, series.values, seasonal, createBaseline(), {
      detector,
      threshold: threshold * factor,
      shiftThreshold: threshold * (options.shiftShare ?? SHIFT_SHARE),
      scores,
      dayOff,
      recurrence,
      backfill,
      scaleFloor: (scaled) => {
        const expected = Math.max(kind.bounds[0], scale.inverse(scaled));
        // Measured over the band's whole width, so at the floor the band is expected ± threshold ×
        // floor in the metric's units, as it would be on a linear scale (a square root or log
        // bends a single scale's step less than a band's).
        return scale.spreadAt(expected, threshold * floorOf(expected)) / threshold;
      },
      bounds: kind.bounds,
      minHistory,
      reasons: createReasons(series, kind, options, detector, profile),
      measured: { values: series.measured, inverse: scale.inverse },
      confirm: TAIL_TESTED[options.kind]
        ? (value, expected, spread) =>
            isCountTailExtreme(value, expected, spread, threshold, TAIL_TESTED[options.kind]!)
        : undefined,
    });
  let result = scan(1);
  // Scores are in scales that would be standard deviations for normal noise; where this series'
  // own scores have heavier tails (Student-t costs, harmless blips), the threshold widens by as
  // much, so it flags as rarely as it would on normal noise (see tailFactor). A level shift is
  // judged on the median of a run of points, whose tails stay light, so its threshold does not.
  const factor =
    options.tailCalibration === false
      ? 1
      : tailFactor(
          scores,
          options.tailQuantile ?? TAIL_QUANTILE,
          options.maxTailFactor ?? MAX_TAIL_FACTOR,
        );
  if (factor > 1) result = scan(factor);
  if (series.values.length <= minHistory) {
    return {
      ...result,
      skipped: `too few points: ${series.values.length} given, and a point needs ${minHistory} before it to be judged`,
    };
  }
  return result;
}

/**
 * The most a series' tails may widen its threshold by; chosen by leave-one-generator-out in
 * bench/anomaly.ts.
 */
export const MAX_TAIL_FACTOR = 2;
/**
 * Scored points a quantile of |score| needs beyond it to be read: with fewer, the anomalies
 * themselves (a few spikes in a short series are over 1 % of it) would be the tail it reads, and
 * widen the threshold until they hide themselves.
 */
const MIN_BEYOND_QUANTILE = 4;

/**
 * How much heavier than normal the tails of a series' scores are: the `quantile` (default 0.95)
 * of |score| over the points that were scored, divided by a normal's (1.96 at 0.95, 2.58 at
 * 0.99), between 1 and `max` (default MAX_TAIL_FACTOR). The 95th percentile is read from the bulk, so anomalies
 * (a few percent of points at most) do not move it, while Student-t or blip-ridden noise does;
 * the 99th reads further into the tail, where one-point blips live. Fewer scored points than
 * leave MIN_BEYOND_QUANTILE (4) beyond the quantile (80 at the 95th, 400 at the 99th): 1.
 * @example tailFactor(scoresOfGaussianNoise) // 1
 */
export function tailFactor(scores: Float64Array, quantile = 0.95, max = MAX_TAIL_FACTOR): number {
  const finite = new Float64Array(scores.length);
  let count = 0;
  for (const s of scores) if (Number.isFinite(s)) finite[count++] = Math.abs(s);
  if (count * (1 - quantile) < MIN_BEYOND_QUANTILE) return 1;
  const observed = selectInPlace(finite, 0, count, Math.floor(quantile * (count - 1)));
  const factor = Math.min(max, observed / normalQuantile((1 + quantile) / 2));
  // Within 2 % of normal tails the nominal threshold stands (and the series is scanned once).
  return factor > 1.02 ? factor : 1;
}

/**
 * Puts a prepared series on the scale the detectors judge it on (see value-scale.ts).
 * @example scaleSeries(prepareSeries(points), { kind: "cost" }).scale.name // "log"
 */
export function scaleSeries(
  series: PreparedSeries,
  options: Pick<DetectOptions, "kind" | "valueScale">,
): ScaledSeries {
  if ("scale" in series) return series as ScaledSeries;
  const mode = options.valueScale ?? "auto";
  const scale =
    mode === "auto"
      ? chooseValueScale(series.values, options.kind)
      : makeValueScale(mode, mode === "log" ? 1e-9 : 0);
  const values = new Float64Array(series.values.length);
  for (let i = 0; i < values.length; i++) values[i] = scale.forward(series.values[i] as number);
  return { times: series.times, values, measured: series.values, scale };
}

function asPrepared(
  points: readonly MetricPoint[] | PreparedSeries,
  options: DetectOptions,
): ScaledSeries {
  return scaleSeries("times" in points ? points : prepareSeries(points), options);
}

/**
 * The weekly profile's day off at each point's time (see dayOffProfile), and each point's day in
 * the profile's time zone.
 */
function dayOffComponent(
  times: Float64Array,
  profile: SeasonalProfile,
): { values: Float64Array; day: Float64Array } | undefined {
  const quiet = dayOffProfile(profile);
  if (!quiet) return undefined;
  const values = seasonalComponent(times, quiet);
  const day = new Float64Array(times.length);
  const offsetMs = profile.utcOffsetMinutes * 60_000;
  for (let i = 0; i < times.length; i++)
    day[i] = Math.floor(((times[i] as number) + offsetMs) / 86_400_000);
  return { values, day };
}

function seasonalComponent(times: Float64Array, profile: SeasonalProfile): Float64Array {
  const component = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) component[i] = profileValueAt(profile, times[i] as number);
  return component;
}

function createReasons(
  series: PreparedSeries,
  kind: KindProfile,
  options: DetectOptions,
  detector: DetectorName,
  profile: SeasonalProfile | null,
): ScanReasons {
  const label = options.label ?? kind.format.label;
  const show = kind.format.formatValue;
  const side = (value: number, expected: number) => (value >= expected ? "above" : "below");
  return {
    point(index, value, expected, score, historySize) {
      const head = `${label} ${show(value)} is ${score.toFixed(1)}`;
      if (detector === "robust-z") {
        return `${head} robust deviations ${side(value, expected)} the median of the last ${historySize} points (${show(expected)})`;
      }
      if (detector === "ewma")
        return `${head} deviations ${side(value, expected)} its moving average (${show(expected)})`;
      const period = profile?.period ?? "daily";
      const slot = profile ? describeSlot(profile, series.times[index] as number) : "";
      const same = period === "daily" ? "same hour of day" : "same hour of week";
      return `${head} deviations ${side(value, expected)} the usual ${show(expected)} for ${slot} (${same})`;
    },
    shift(_index, before, after, score) {
      return `${label} shifted ${after >= before ? "up" : "down"} from ${show(before)} to ${show(after)} here (${score.toFixed(1)} deviations); the band follows the new level`;
    },
  };
}

/**
 * The standard normal's quantile function (Acklam's rational approximation, relative error below
 * 1.2e-9).
 * @example normalQuantile(0.975) // 1.959964
 */
export function normalQuantile(p: number): number {
  const a = [
    -39.6968302866538, 220.946098424521, -275.928510446969, 138.357751867269, -30.6647980661472,
    2.50662827745924,
  ];
  const b = [
    -54.4760987982241, 161.585836858041, -155.698979859887, 66.8013118877197, -13.2806815528857,
  ];
  const c = [
    -0.00778489400243029, -0.322396458041136, -2.40075827716184, -2.54973253934373,
    4.37466414146497, 2.93816398269878,
  ];
  const d = [0.00778469570904146, 0.32246712907004, 2.445134137143, 3.75440866190742];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}
