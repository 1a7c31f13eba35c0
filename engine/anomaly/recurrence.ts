/**
 * Recurring effects learned from a series' own past: a batch job at 02:00 every night, a billing
 * posting on the 1st of every month, a peak in the last days of a month. An hourly profile
 * (seasonality.ts) smooths a 45-minute batch across its hour and cannot see a monthly rhythm at
 * all; here a point is compared with the points at the same slot in past cycles instead: the same
 * time of day on the past days (also an hour either side: a rhythm kept in local time moves by an
 * hour in UTC at a DST change), of week on the past weeks, and of month on the past months (by day
 * of month and by days before its end). When the deviations there (each from the baseline of its
 * own time, on the detectors' scale) keep to one side, their median is what this slot usually
 * adds: the point is judged as its distance from that, and the band moves with it. A one-off anomaly has
 * ordinary neighbours in past cycles, so it is still judged against the plain baseline.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * Past cycles looked at per rhythm, and how many must hold a point at the slot: one, so a weekly
 * window or a month-end is believed from its second time on (a fortnight of data holds a weekly
 * one twice); where more cycles are held, their median is read, so one odd cycle does not count.
 */
const DAILY_CYCLES = 7;
const WEEKLY_CYCLES = 4;
const MONTHLY_CYCLES = 3;
const MIN_CYCLES = 1;

export type Recurrence = {
  /**
   * What the slot of point `i` usually adds to the baseline, on the detectors' scale (0 when no
   * rhythm explains `deviation`): the median past deviation of the rhythm that leaves the least,
   * on the side of `deviation` and at least `floor` × `scale`.
   */
  offsetAt(i: number, deviation: number, scale: number, pastDeviations: Float64Array): number;
};

/**
 * Builds the look-up over `times` (in order). `floor` is the smallest usual offset, in scales of
 * the point judged, worth believing: past slots leaning less than that are noise. `spacingMs` is the series' usual
 * step: a past point counts for a slot when it lies within half a step of it.
 * @example createRecurrence(times, 2, 300_000).offsetAt(i, 190, 20, deviations) // 185 (a nightly batch)
 */
export function createRecurrence(
  times: Float64Array,
  floor: number,
  spacingMs: number,
): Recurrence {
  const n = times.length;
  const tolerance = Math.max(spacingMs / 2, 1000);
  const span = n > 1 ? (times[n - 1] as number) - (times[0] as number) : 0;
  // Rhythms whose cycle is more than a step long and that the series spans twice.
  const hasDaily = spacingMs < DAY_MS / 2 && span >= MIN_CYCLES * DAY_MS;
  const hasWeekly = spacingMs < 3.5 * DAY_MS && span >= MIN_CYCLES * 7 * DAY_MS;
  const hasMonthly = spacingMs < 15 * DAY_MS && span >= MIN_CYCLES * 28 * DAY_MS;
  const collected = new Float64Array(Math.max(DAILY_CYCLES, WEEKLY_CYCLES, MONTHLY_CYCLES));

  /** Index of the point nearest `at` before index `before`, within tolerance, or -1. */
  const nearest = (at: number, before: number): number => {
    let lo = 0;
    let hi = before; // search [0, before)
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] as number) < at) lo = mid + 1;
      else hi = mid;
    }
    const after = lo < before ? Math.abs((times[lo] as number) - at) : Infinity;
    const earlier = lo > 0 ? Math.abs((times[lo - 1] as number) - at) : Infinity;
    if (after <= earlier) return after <= tolerance ? lo : -1;
    return earlier <= tolerance ? lo - 1 : -1;
  };

  const medianOf = (count: number): number => {
    const window = collected.subarray(0, count).sort();
    const mid = count >> 1;
    return count % 2
      ? (window[mid] as number)
      : ((window[mid - 1] as number) + (window[mid] as number)) / 2;
  };

  /** Median past deviation at `cycles` slots `slotOf(k)` (k = 1..), NaN with fewer than MIN_CYCLES. */
  const usualAt = (
    i: number,
    cycles: number,
    slotOf: (k: number) => number,
    past: Float64Array,
  ): number => {
    let count = 0;
    for (let k = 1; k <= cycles; k++) {
      const at = slotOf(k);
      if (at < (times[0] as number) - tolerance) break;
      const j = nearest(at, i);
      if (j < 0) continue;
      const value = past[j] as number;
      if (Number.isFinite(value)) collected[count++] = value;
    }
    return count >= MIN_CYCLES ? medianOf(count) : Number.NaN;
  };

  return {
    offsetAt(i, deviation, scale, pastScores) {
      const least = floor * scale;
      if (!(Math.abs(deviation) > least)) return 0;
      const t = times[i] as number;
      let best = 0;
      const consider = (usual: number) => {
        // Only a rhythm leaning the way the point does, beyond noise, and not past it twice over.
        if (!(Math.abs(usual) >= least) || usual * deviation <= 0) return;
        if (Math.abs(deviation - usual) < Math.abs(deviation - best)) best = usual;
      };
      if (hasDaily) {
        for (const drift of [0, -HOUR_MS, HOUR_MS])
          consider(usualAt(i, DAILY_CYCLES, (k) => t - k * DAY_MS + drift, pastScores));
      }
      if (hasWeekly) consider(usualAt(i, WEEKLY_CYCLES, (k) => t - 7 * k * DAY_MS, pastScores));
      if (hasMonthly) {
        const date = new Date(t);
        const year = date.getUTCFullYear();
        const month = date.getUTCMonth();
        const day = date.getUTCDate();
        const timeOfDay = t - Date.UTC(year, month, day);
        const daysIn = (m: number) => new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
        const fromEnd = daysIn(month) - day;
        // The same day of the month (billing on the 1st, payday on the 15th) ...
        consider(
          usualAt(
            i,
            MONTHLY_CYCLES,
            (k) =>
              day <= daysIn(month - k) ? Date.UTC(year, month - k, day) + timeOfDay : -Infinity,
            pastScores,
          ),
        );
        // ... and the same number of days before its end (month-end closing).
        consider(
          usualAt(
            i,
            MONTHLY_CYCLES,
            (k) => Date.UTC(year, month - k, daysIn(month - k) - fromEnd) + timeOfDay,
            pastScores,
          ),
        );
      }
      return best;
    },
  };
}

/**
 * The usual step between points: the median of the gaps between neighbours (a few hundred of them
 * spread over the series tell it as well as all).
 * @example typicalSpacing(Float64Array.of(0, 60_000, 120_000)) // 60000
 */
export function typicalSpacing(times: Float64Array): number {
  const n = times.length;
  if (n < 2) return 0;
  const stride = Math.max(1, Math.floor((n - 1) / 255));
  const gaps: number[] = [];
  for (let i = 1; i < n; i += stride) gaps.push((times[i] as number) - (times[i - 1] as number));
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1] as number;
}
