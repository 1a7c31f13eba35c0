/**
 * Daily and weekly rhythm: a profile of what each hour of the day (or of the week) usually adds to
 * the series' level, found by classical decomposition: the level is a moving average over exactly
 * one period (which cancels the rhythm), and each hour's profile value is the median of the points'
 * distance from that level in that hour, over every cycle (medians, so spikes do not leak in).
 */
import { medianInPlace, quantileInPlace } from "./order-statistics";
import type { SeasonalPeriod } from "./types";

const HOUR_MS = 3_600_000;
const BUCKETS: Record<SeasonalPeriod, number> = { daily: 24, weekly: 168 };
// 1970-01-01 was a Thursday: 72 hours past the Monday before it, where hour-of-week 0 begins.
const EPOCH_HOUR_OF_WEEK = 72;
const WEEKDAYS = [
  "Mondays",
  "Tuesdays",
  "Wednesdays",
  "Thursdays",
  "Fridays",
  "Saturdays",
  "Sundays",
];

/**
 * How a weekly profile's 168 buckets are fitted: "free" (each its own median) or "hour-and-day"
 * (an hour-of-day shape plus a level per weekday: 24 + 7 parameters, so a weekend dip is found in
 * a few weeks of data, where 168 free buckets could not pay for themselves).
 */
export type ProfileShape = "free" | "hour-and-day";

export type SeasonalProfile = {
  period: SeasonalPeriod;
  /** Typical offset from the level per hour bucket (hour 0 = midnight, Monday midnight for weekly). */
  buckets: Float64Array;
  /** Share of the detrended spread the profile explains (0..1). */
  strength: number;
  utcOffsetMinutes: number;
  /** Where in the hour bucket centres sit: on the samples' minute when they keep to one, else :30. */
  phaseMs: number;
  /** What the fit rests on, for choosing between rhythms: points, buckets with data, spreads before and after. */
  fit: { points: number; parameters: number; spread: number; residual: number };
};

/**
 * Finds a daily or weekly rhythm, or null. Needs three cycles of data and a handful of points per
 * cycle. The choice between none, daily and weekly is a significance check: each candidate is
 * scored by the Bayesian information criterion of a Laplace fit, 2n·log(mean |residual|) + k·log(n)
 * with k its buckets that hold data (a mean, not a median, of the residuals: a profile that misfits
 * every weekend misfits over a quarter of the points, which a median would not see), so a weekly profile (up to 168 buckets) must explain enough
 * more than a daily one (24) to pay for its extra buckets, and a rhythm must beat a flat level.
 * @example detectSeasonality(times, values)?.period // "daily"
 */
export function detectSeasonality(
  times: Float64Array,
  values: Float64Array,
  utcOffsetMinutes = 0,
): SeasonalProfile | null {
  const phaseMs = findHourPhase(times);
  const weekly = fitSeasonalProfile(times, values, "weekly", utcOffsetMinutes, phaseMs);
  // Judged against the same level as the weekly one (a week-long average) when there is one: a
  // day-long average would soak up the weekends, hiding what a daily profile leaves unexplained.
  const daily = fitSeasonalProfile(
    times,
    values,
    "daily",
    utcOffsetMinutes,
    phaseMs,
    weekly ? "weekly" : "daily",
  );
  const hourAndDay = weekly
    ? fitSeasonalProfile(
        times,
        values,
        "weekly",
        utcOffsetMinutes,
        phaseMs,
        "weekly",
        "hour-and-day",
      )
    : null;
  let best: SeasonalProfile | null = null;
  let bestScore = Infinity;
  for (const profile of [daily, hourAndDay, weekly]) {
    if (!profile || !(profile.fit.spread > 0)) continue;
    const { points, parameters, spread, residual } = profile.fit;
    // Against a flat level on the same points: the rhythm's buckets must pay for themselves.
    const flat = 2 * points * Math.log(spread);
    const score =
      2 * points * Math.log(Math.max(residual, 1e-12 * spread)) + parameters * Math.log(points);
    if (score < flat && score < bestScore) {
      best = profile;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The profile of one period, however weak (see `strength`), or null when the data spans fewer than
 * three cycles or has fewer than six points per cycle.
 * @example fitSeasonalProfile(times, values, "weekly")?.strength // 0.8
 */
export function fitSeasonalProfile(
  times: Float64Array,
  values: Float64Array,
  period: SeasonalPeriod,
  utcOffsetMinutes = 0,
  phaseMs = findHourPhase(times),
  levelPeriod: SeasonalPeriod = period,
  shape: ProfileShape = "free",
): SeasonalProfile | null {
  const n = values.length;
  if (n < 2) return null;
  const bucketCount = BUCKETS[period];
  const periodMs = BUCKETS[levelPeriod] * HOUR_MS;
  const first = times[0] as number;
  const last = times[n - 1] as number;
  const cycles = (last - first) / periodMs;
  if (cycles < 3 || n / cycles < 6) return null;

  // Centered moving average over [t - P/2, t + P/2), kept for points whose window lies inside the
  // data: `detrended` holds their distance from it, in order.
  const half = periodMs / 2;
  const detrended = new Float64Array(n);
  const interior = new Int32Array(n);
  let count = 0;
  let lo = 0;
  let hi = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = times[i] as number;
    while (hi < n && (times[hi] as number) < t + half) sum += values[hi++] as number;
    while ((times[lo] as number) < t - half) sum -= values[lo++] as number;
    if (t - half >= first && t + half <= last) {
      detrended[count] = (values[i] as number) - sum / (hi - lo);
      interior[count++] = i;
    }
  }
  if (count < 2 * bucketCount) return null;

  const profile: SeasonalProfile = {
    period,
    buckets: new Float64Array(bucketCount),
    strength: 0,
    utcOffsetMinutes,
    phaseMs,
    fit: { points: count, parameters: 0, spread: 0, residual: 0 },
  };
  // Where each point sits between two bucket centres, computed once for the medians and the fit.
  const bucket = new Int32Array(count);
  const fraction = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const hours = hoursFromCentres(profile, times[interior[k] as number] as number);
    const whole = Math.floor(hours);
    bucket[k] = positiveModulo(whole, bucketCount);
    fraction[k] = hours - whole;
  }
  const filled =
    shape === "hour-and-day" && bucketCount === BUCKETS.weekly
      ? fillHourAndDayMedians(profile.buckets, detrended.subarray(0, count), bucket, fraction)
      : fillBucketMedians(profile.buckets, detrended.subarray(0, count), bucket, fraction);
  if (filled === 0) return null;

  const remaining = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const b = bucket[k] as number;
    const from = profile.buckets[b] as number;
    const to = profile.buckets[b + 1 === bucketCount ? 0 : b + 1] as number;
    remaining[k] = (detrended[k] as number) - (from + (fraction[k] as number) * (to - from));
  }
  const fit = {
    points: count,
    parameters: filled,
    spread: meanAbsoluteDeviation(detrended.subarray(0, count)),
    residual: meanAbsoluteDeviation(remaining),
  };
  const spread = robustScaleInPlace(detrended.subarray(0, count));
  const left = robustScaleInPlace(remaining);
  profile.strength = spread > 0 ? Math.max(0, 1 - (left / spread) ** 2) : 0;
  profile.fit = fit;
  return profile;
}

/**
 * The profile's value at a time, interpolated between hour centres: smooth rhythms move within an hour.
 * @example profileValueAt(profile, Date.UTC(2026, 0, 5, 14, 30))
 */
export function profileValueAt(profile: SeasonalProfile, at: number): number {
  const count = profile.buckets.length;
  const hours = hoursFromCentres(profile, at);
  const whole = Math.floor(hours);
  const fraction = hours - whole;
  const from = profile.buckets[positiveModulo(whole, count)] as number;
  const to = profile.buckets[positiveModulo(whole + 1, count)] as number;
  return from + fraction * (to - from);
}

/**
 * A weekly profile's day off: at each hour of the day, the lowest value any day of the week takes
 * there (a weekend, or the day a shop shuts), repeated on every day; null for a daily profile,
 * which has none. A public holiday, a bridge day or a shutdown runs a weekday like that day.
 * @example profileValueAt(dayOffProfile(weekly)!, wednesdayNoon) // Sunday's noon value
 */
export function dayOffProfile(profile: SeasonalProfile): SeasonalProfile | null {
  if (profile.period !== "weekly") return null;
  const buckets = new Float64Array(BUCKETS.weekly);
  for (let hour = 0; hour < 24; hour++) {
    let lowest = Infinity;
    for (let day = 0; day < 7; day++) lowest = Math.min(lowest, profile.buckets[day * 24 + hour]!);
    for (let day = 0; day < 7; day++) buckets[day * 24 + hour] = lowest;
  }
  return { ...profile, buckets };
}

/**
 * Names the hour bucket a time falls in, for reasons: "14:00" (daily) or "Tuesdays 14:00" (weekly).
 * @example describeSlot(profile, Date.UTC(2026, 0, 6, 14, 20)) // "Tuesdays 14:00"
 */
export function describeSlot(profile: SeasonalProfile, at: number): string {
  const hourOfWeek = bucketOf({ ...profile, period: "weekly" }, at);
  const clock = `${String(hourOfWeek % 24).padStart(2, "0")}:00`;
  return profile.period === "daily" ? clock : `${WEEKDAYS[Math.floor(hourOfWeek / 24)]} ${clock}`;
}

/** Hours since the first bucket centre (hour 0 of the week), in the profile's time zone. */
function hoursFromCentres(
  profile: Pick<SeasonalProfile, "utcOffsetMinutes" | "phaseMs">,
  at: number,
): number {
  return (at + profile.utcOffsetMinutes * 60_000 - profile.phaseMs) / HOUR_MS + EPOCH_HOUR_OF_WEEK;
}

function bucketOf(
  profile: Pick<SeasonalProfile, "utcOffsetMinutes" | "phaseMs" | "period">,
  at: number,
): number {
  return positiveModulo(Math.round(hoursFromCentres(profile, at)), BUCKETS[profile.period]);
}

/**
 * Hourly (or coarser) samples usually keep to one minute of the hour; centring the buckets there
 * puts each sample on its bucket's value, where a centre at :30 would interpolate across a change
 * at the top of the hour. Dense samples spread over the hour get centres at :30.
 */
function findHourPhase(times: Float64Array): number {
  let cos = 0;
  let sin = 0;
  let samples = 0;
  // A few hundred samples spread over the series tell the phase as well as all of them.
  const stride = Math.max(1, Math.floor(times.length / 256));
  for (let i = 0; i < times.length; i += stride) {
    const angle = (2 * Math.PI * positiveModulo(times[i] as number, HOUR_MS)) / HOUR_MS;
    cos += Math.cos(angle);
    sin += Math.sin(angle);
    samples++;
  }
  if (Math.hypot(cos, sin) < 0.5 * samples) return HOUR_MS / 2;
  return positiveModulo((Math.atan2(sin, cos) / (2 * Math.PI)) * HOUR_MS, HOUR_MS);
}

function positiveModulo(value: number, modulus: number): number {
  return ((value % modulus) + modulus) % modulus;
}

/**
 * Fills `buckets` with the median of the values nearest each bucket's centre (fraction < ½ belongs
 * to the bucket before), centred to mean 0; empty buckets are interpolated from their neighbours.
 * Returns how many buckets held values (0: none, and nothing was filled).
 */
function fillBucketMedians(
  buckets: Float64Array,
  values: Float64Array,
  bucket: Int32Array,
  fraction: Float64Array,
): number {
  const bucketCount = buckets.length;
  const nearest = (k: number) =>
    (fraction[k] as number) < 0.5
      ? (bucket[k] as number)
      : ((bucket[k] as number) + 1) % bucketCount;
  const starts = new Int32Array(bucketCount + 1);
  for (let k = 0; k < values.length; k++) starts[nearest(k) + 1]!++;
  for (let b = 0; b < bucketCount; b++) starts[b + 1]! += starts[b] as number;
  const grouped = new Float64Array(values.length);
  const fill = starts.slice(0, bucketCount);
  for (let k = 0; k < values.length; k++) grouped[fill[nearest(k)]!++] = values[k] as number;
  const known: number[] = [];
  for (let b = 0; b < bucketCount; b++) {
    const from = starts[b] as number;
    const to = starts[b + 1] as number;
    buckets[b] = to > from ? medianInPlace(grouped, from, to) : Number.NaN;
    if (to > from) known.push(b);
  }
  if (known.length === 0) return 0;
  for (let b = 0; b < bucketCount; b++) {
    if (!Number.isNaN(buckets[b])) continue;
    // Neighbours on the circle: the last known bucket before b and the first one after it.
    const next = known.find((k) => k > b) ?? (known[0] as number) + bucketCount;
    const previous =
      known.findLast((k) => k < b) ?? (known[known.length - 1] as number) - bucketCount;
    const from = buckets[positiveModulo(previous, bucketCount)] as number;
    const to = buckets[positiveModulo(next, bucketCount)] as number;
    buckets[b] = from + ((b - previous) / (next - previous)) * (to - from);
  }
  let mean = 0;
  for (let b = 0; b < bucketCount; b++) mean += (buckets[b] as number) / bucketCount;
  for (let b = 0; b < bucketCount; b++) buckets[b]! -= mean;
  return known.length;
}

/**
 * Fills the 168 weekly `buckets` as an hour-of-day shape (medians per hour over every day) plus a
 * level per weekday (the median of what the shape leaves on that day), each centred to mean 0.
 * Returns the parameters that held values (hours + weekdays − 1), 0 when none did.
 */
function fillHourAndDayMedians(
  buckets: Float64Array,
  values: Float64Array,
  bucket: Int32Array,
  fraction: Float64Array,
): number {
  const hourOf = new Int32Array(bucket.length);
  for (let k = 0; k < bucket.length; k++) hourOf[k] = (bucket[k] as number) % 24;
  const hours = new Float64Array(24);
  const filledHours = fillBucketMedians(hours, values, hourOf, fraction);
  if (filledHours === 0) return 0;
  const dayOf = new Int32Array(bucket.length);
  const left = new Float64Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const h = hourOf[k] as number;
    const f = fraction[k] as number;
    const from = hours[h] as number;
    const to = hours[(h + 1) % 24] as number;
    left[k] = (values[k] as number) - (from + f * (to - from));
    // The weekday of the bucket centre nearest the point, as the free fit assigns it.
    dayOf[k] = Math.floor((((bucket[k] as number) + (f < 0.5 ? 0 : 1)) % 168) / 24);
  }
  const days = new Float64Array(7);
  // Every point sits on its day's centre (fraction 0), so no level leaks between weekdays.
  const filledDays = fillBucketMedians(days, left, dayOf, new Float64Array(values.length));
  for (let b = 0; b < 168; b++)
    buckets[b] = (hours[b % 24] as number) + (days[Math.floor(b / 24)] as number);
  return filledHours + Math.max(0, filledDays - 1);
}

/** Mean absolute distance from the median (reorders `values`). */
function meanAbsoluteDeviation(values: Float64Array): number {
  const median = medianInPlace(values, 0, values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs((values[i] as number) - median);
  return sum / values.length;
}

/**
 * Standard-deviation-sized spread by the interquartile range, or the inter-decile range when the
 * IQR is 0 (a series that is mostly one value); reorders `values`.
 */
function robustScaleInPlace(values: Float64Array): number {
  const iqr = (quantileInPlace(values, 0.75) - quantileInPlace(values, 0.25)) / 1.349;
  return iqr > 0 ? iqr : (quantileInPlace(values, 0.9) - quantileInPlace(values, 0.1)) / 2.5631;
}
