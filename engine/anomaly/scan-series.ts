/**
 * The one loop every detector runs: for each point, ask the baseline what to expect, score the point
 * in scales, flag it past the threshold, then feed it to the baseline (clipped, so an outlier does
 * not teach the baseline). A two-sided CUSUM on the scores watches for level shifts: once the
 * series has sat on one side long enough, the baseline's history is moved to the new level, so the
 * band follows it instead of flagging every later point; a shift as large as the threshold is
 * reported at its onset.
 */
import type { Baseline } from "./baselines";
import type { Recurrence } from "./recurrence";
import type { Anomaly, BandPoint, DetectionResult, DetectorName } from "./types";

export type ScanReasons = {
  point(index: number, value: number, expected: number, score: number, historySize: number): string;
  shift(index: number, before: number, after: number, score: number): string;
};

export type ScanOptions = {
  detector: DetectorName;
  /** Scales from the expected value beyond which a point is flagged. */
  threshold: number;
  /** Scales a confirmed level shift must move the level by to be reported (default: `threshold`). */
  shiftThreshold?: number;
  /** The smallest scale to trust at a given expected value (see detect-anomalies.ts, per kind). */
  scaleFloor: (expected: number) => number;
  /** Values the metric can take, e.g. [0, 1] for a rate: the band is clipped to them. */
  bounds: [number, number];
  /** Points of history a point needs before it can be flagged. */
  minHistory: number;
  reasons: ScanReasons;
  /**
   * When `values` are on a transformed scale (value-scale.ts): the values as measured, and the map
   * back, so flags, the band and reasons read in the metric's units. Scores stay on the scale.
   */
  measured?: { values: Float64Array; inverse: (scaled: number) => number };
  /**
   * A second opinion on a point its score flags, in the metric's units (value, expected value,
   * one scale's spread there): counts near zero answer with a tail test (count-tail.ts).
   */
  confirm?: (value: number, expected: number, spread: number) => boolean;
  /**
   * A weekly rhythm's day off (seasonality.ts, dayOffProfile): `values` per point, on the
   * scale like `seasonal`, and each point's local `day` (a day number). A day may be a day off (a
   * holiday run like a Sunday) while none of its points so far rose above the day off's band: then
   * the band's lower edge reaches down to the day off's, and a point as low lies inside it. A fall
   * partway through an ordinary day is judged as before.
   */
  dayOff?: { values: Float64Array; day: Float64Array };
  /** When given, receives every point's score (NaN for the warm-up points, which are not scored). */
  scores?: Float64Array;
  /** What a point's slot usually adds in past cycles (recurrence.ts): judged from there. */
  recurrence?: Recurrence;
  /**
   * Counts only: after a gap of `spacingMs` steps with no point, what the missing points would have
   * held (the expected value each) may arrive late, on top of the points after it (a device's
   * store-and-forward, a queue draining). Their excess over the expected value is taken as that
   * backlog while they lie above the band (a burst), until it is used up; only what exceeds it is
   * judged.
   */
  backfill?: { spacingMs: number; forward: (measured: number) => number };
};

// CUSUM on scores clipped to ±3, allowing 1 scale of slack: a shift of ≥ 3 scales is confirmed after
// 4 points, 2 scales after 8, while single spikes (and bursts up to 3 points) never add up to it.
const CUSUM_CLIP = 3;
const CUSUM_SLACK = 1;
const CUSUM_LIMIT = 8;
// What is fed to the baseline is clipped to this many scales around the expected value.
const FEED_CLIP = 3;
const RUN_MEMORY = 32;
/**
 * The most points a confirmed level shift's onset lies before the point that confirmed it (its
 * run is at most RUN_MEMORY points long). A shift is flagged at its onset, so a flag that many
 * points back can appear only once later points arrive: whoever judges a series as it grows (the
 * live watcher) must look back this far for it.
 */
export const SHIFT_ONSET_MAX_LAG = RUN_MEMORY - 1;

/**
 * Scans `values` (with an optional seasonal component per point, subtracted before the baseline
 * sees them) and returns flagged points, the band at every point and the confirmed level shifts.
 * @example scanSeries(times, values, null, createMedianBaseline(60), options)
 */
export function scanSeries(
  times: Float64Array,
  values: Float64Array,
  seasonal: Float64Array | null,
  baseline: Baseline,
  options: ScanOptions,
): DetectionResult {
  const n = values.length;
  const { threshold, bounds, reasons } = options;
  const anomalies: Anomaly[] = [];
  const flaggedAt: number[] = []; // point index of each anomaly, for relabelling a shift's onset
  const band: BandPoint[] = new Array(n);
  const changePoints: number[] = [];
  const warmup = Math.min(n, options.minHistory);
  const seasonalAt = (i: number) => (seasonal ? (seasonal[i] as number) : 0);
  const measured = options.measured?.values ?? values;
  const inverse = options.measured?.inverse ?? ((scaled: number) => scaled);
  const expectedScaled = new Float64Array(n); // the band's centre on the scale, for shifts' reasons
  // Deviations from the baseline before a recurring effect is taken off, for later points'
  // look-ups of their past slots.
  const pastDeviations = options.recurrence ? new Float64Array(n).fill(Number.NaN) : null;
  let backlog = 0; // measured units still owed by gaps (see `backfill`)
  let today = Number.NaN; // the local day of the point judged, and whether it may be a day off
  let mayBeDayOff = false;
  let plateau: { delta: number; confirmed: number } | null = null; // the last confirmed shift

  const bandAt = (i: number, expected: number, scale: number): BandPoint => {
    expectedScaled[i] = expected;
    return {
      at: times[i] as number,
      low: Math.max(bounds[0], inverse(expected - threshold * scale)),
      high: Math.min(bounds[1], inverse(expected + threshold * scale)),
      expected: Math.min(bounds[1], Math.max(bounds[0], inverse(expected))),
    };
  };
  const effectiveScale = (expected: number) => {
    const scale = Math.max(baseline.scale(), options.scaleFloor(expected));
    return scale > 0 ? scale : Number.EPSILON * Math.max(1, Math.abs(expected));
  };

  // Warm-up: the first points only teach the baseline; their band is the one it learnt from them.
  for (let i = 0; i < warmup; i++) baseline.push((values[i] as number) - seasonalAt(i));
  if (options.scores) options.scores.fill(Number.NaN, 0, warmup);
  for (let i = 0; i < warmup; i++) {
    const expected = seasonalAt(i) + baseline.center();
    band[i] = bandAt(i, expected, effectiveScale(expected));
  }

  const shifts = createShiftWatch();
  // The baseline's centre and scale where each point was judged: a shift is measured from the
  // level and in the scale before it began, which its first points (fed to the baseline before
  // the CUSUM confirms it) have already pulled towards them.
  const centerAt = new Float64Array(n);
  const scaleAt = new Float64Array(n);

  for (let i = warmup; i < n; i++) {
    let value = values[i] as number;
    const season = seasonalAt(i);
    let center = baseline.center();
    const level = season + center;
    const scale = effectiveScale(level);
    let measuredValue = measured[i] as number;

    let owed = 0; // backlog this point may carry, in the metric's units
    if (options.backfill) {
      const steps = ((times[i] as number) - (times[i - 1] as number)) / options.backfill.spacingMs;
      // At most what the missing points could have held without being flagged themselves: the
      // band's upper edge each (the level may have moved while nothing was seen).
      if (steps > 1.5)
        backlog += (Math.round(steps) - 1) * Math.max(0, inverse(level + threshold * scale));
      // Only a burst carries backlog: a point inside the band is the live rate again.
      if (backlog > 0) {
        const excess = measuredValue - Math.max(0, inverse(level));
        if (measuredValue > inverse(level + threshold * scale)) {
          owed = backlog;
          const drawn = Math.min(excess, backlog);
          backlog -= drawn;
          measuredValue -= drawn;
          value = options.backfill.forward(measuredValue);
        } else backlog = 0;
      }
    }

    const residual = value - season;
    let usual = 0; // what this point's slot usually adds (recurrence.ts)
    if (pastDeviations) {
      pastDeviations[i] = residual - center;
      usual = options.recurrence!.offsetAt(i, residual - center, scale, pastDeviations);
    }
    const deviation = residual - center - usual;
    const score = deviation / scale;
    const expected = level + usual;
    if (options.scores) options.scores[i] = score;
    const pointBand = bandAt(i, expected, scale);
    band[i] = pointBand;
    if (options.dayOff) {
      const { values: quiet, day } = options.dayOff;
      if (day[i] !== today) {
        today = day[i] as number;
        mayBeDayOff = true;
      }
      const quietLevel = (quiet[i] as number) + center;
      if (mayBeDayOff) {
        const quietLow = inverse(quietLevel - threshold * scale);
        if (quietLow < pointBand.low) pointBand.low = Math.max(bounds[0], quietLow);
      }
      if (value > quietLevel + threshold * scale) mayBeDayOff = false;
    }

    if (
      ((score > threshold && measuredValue > pointBand.high) ||
        (score < -threshold && measuredValue < pointBand.low)) &&
      (!options.confirm ||
        options.confirm(
          measuredValue,
          pointBand.expected,
          (inverse(expected + scale) - inverse(expected - scale)) / 2,
        ))
    ) {
      flaggedAt.push(i);
      anomalies.push({
        at: times[i] as number,
        value: measured[i] as number,
        score: Math.abs(score),
        direction: score > 0 ? "up" : "down",
        band: [pointBand.low, pointBand.high],
        reason: reasons.point(
          i,
          measured[i] as number,
          pointBand.expected,
          Math.abs(score),
          baseline.size(),
        ),
        detector: options.detector,
      });
    }
    // A backfill's band reaches as far as the backlog it could carry (flags come only past that).
    if (owed > 0) {
      pointBand.high = Math.min(bounds[1], pointBand.high + owed);
      if (flaggedAt[flaggedAt.length - 1] === i)
        (anomalies[anomalies.length - 1] as Anomaly).band[1] = pointBand.high;
    }

    centerAt[i] = center;
    scaleAt[i] = scale;
    const shift = shifts.observe(i, center + deviation, score, centerAt);
    if (shift) {
      const { onset } = shift;
      const delta = shift.level - center;
      const size = shift.level - (centerAt[onset] as number);
      if (pastDeviations) {
        // A shift that takes back the last one (a plateau: a batch the baseline followed for a
        // while) means the points since it lay that far from the level, as later cycles will see.
        if (
          plateau &&
          delta * plateau.delta < 0 &&
          Math.abs(delta + plateau.delta) < 0.5 * Math.abs(plateau.delta)
        ) {
          for (let k = plateau.confirmed + 1; k <= i; k++) pastDeviations[k]! += plateau.delta;
          plateau = null;
        } else plateau = { delta, confirmed: i };
      }
      baseline.shift(delta);
      center += delta;
      const shiftScore = Math.abs(size) / (scaleAt[onset] as number);
      if (shiftScore >= (options.shiftThreshold ?? threshold)) {
        changePoints.push(times[onset] as number);
        const onsetBand = band[onset] as BandPoint;
        const before = onsetBand.expected;
        const after = inverse((expectedScaled[onset] as number) + size);
        placeAnomaly(anomalies, flaggedAt, onset, {
          at: times[onset] as number,
          value: measured[onset] as number,
          score: shiftScore,
          direction: size > 0 ? "up" : "down",
          band: [onsetBand.low, onsetBand.high],
          reason: reasons.shift(onset, before, after, shiftScore),
          detector: "level-shift",
        });
      }
    }

    const limit = FEED_CLIP * scale;
    baseline.push(Math.max(center - limit, Math.min(center + limit, center + deviation)));
  }
  return { anomalies, band, changePoints };
}

/**
 * A two-sided CUSUM over scores: `observe` takes each point's value (on the scale, the rhythm and
 * any recurring effect taken off) and returns a confirmed shift's onset and new level (the median
 * value since the run began), then starts over.
 */
function createShiftWatch() {
  let upSum = 0;
  let downSum = 0;
  let upStart = 0;
  let downStart = 0;
  const values = new Float64Array(RUN_MEMORY); // ring of recent values, for a shift's level
  const scratch = new Float64Array(RUN_MEMORY);
  return {
    observe(
      i: number,
      value: number,
      score: number,
      centerAt: Float64Array,
    ): { onset: number; level: number } | null {
      values[i % RUN_MEMORY] = value;
      const clipped = Math.max(-CUSUM_CLIP, Math.min(CUSUM_CLIP, score));
      if (upSum === 0) upStart = i;
      if (downSum === 0) downStart = i;
      upSum = Math.max(0, upSum + clipped - CUSUM_SLACK);
      downSum = Math.max(0, downSum - clipped - CUSUM_SLACK);
      if (upSum < CUSUM_LIMIT && downSum < CUSUM_LIMIT) return null;
      const runStart = Math.max(upSum >= CUSUM_LIMIT ? upStart : downStart, i - RUN_MEMORY + 1);
      upSum = 0;
      downSum = 0;
      const level = medianOfRecent(values, scratch, i, i - runStart + 1);
      return { onset: findOnset(values, centerAt, runStart, i, level), level };
    },
  };
}

/** Median of the last `count` values written to the ring `ring` up to index `last`. */
function medianOfRecent(
  ring: Float64Array,
  scratch: Float64Array,
  last: number,
  count: number,
): number {
  for (let k = 0; k < count; k++) scratch[k] = ring[(last - k) % RUN_MEMORY] as number;
  const window = scratch.subarray(0, count).sort();
  const mid = count >> 1;
  return count % 2
    ? (window[mid] as number)
    : ((window[mid - 1] as number) + (window[mid] as number)) / 2;
}

/**
 * The first point of the run nearer the new level than the level it was judged against: the
 * CUSUM's run may have started a few points early on noise that happened to lean the same way.
 */
function findOnset(
  ring: Float64Array,
  centerAt: Float64Array,
  from: number,
  to: number,
  level: number,
): number {
  for (let i = from; i <= to; i++) {
    const value = ring[i % RUN_MEMORY] as number;
    if (Math.abs(value - level) < Math.abs(value - (centerAt[i] as number))) return i;
  }
  return from;
}

/** Puts a level shift's anomaly at its onset: replaces a point flag there, or inserts it in time order. */
function placeAnomaly(anomalies: Anomaly[], flaggedAt: number[], index: number, anomaly: Anomaly) {
  let k = flaggedAt.length - 1;
  while (k >= 0 && (flaggedAt[k] as number) > index) k--;
  if (k >= 0 && flaggedAt[k] === index) {
    const existing = anomalies[k] as Anomaly;
    anomalies[k] = { ...anomaly, score: Math.max(anomaly.score, existing.score) };
    return;
  }
  anomalies.splice(k + 1, 0, anomaly);
  flaggedAt.splice(k + 1, 0, index);
}
