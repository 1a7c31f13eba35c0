/**
 * Confidence intervals for mean scores and paired score differences.
 *
 * Item scores lie in [0, 1] and are often all-or-nothing with means near 1 (most evaluators are
 * pass/fail, and a good version passes most items). There a plain t-interval (or a percentile
 * bootstrap) collapses: 20 items that all pass give [1, 1], and with a true pass rate of 0.95 that
 * happens 36% of the time. So the interval is the Student t-interval of the sample augmented with
 * pseudo-observations at both ends of the range: PSEUDO_PAIRS items scoring 0 and as many scoring 1
 * (for a difference, −1 and +1). For pass/fail scores this is Agresti and Coull's "add successes and
 * failures" interval; for spread-out scores on many items it barely moves the t-interval. The
 * number of pairs was chosen on one set of simulated score distributions and is checked on
 * another (intervals.test.ts). Closed form, so no random numbers and the same answer every time.
 */
export const PSEUDO_PAIRS = 1;

export type Interval = {
  /** The sample's own mean (not the augmented one). */
  mean: number;
  low: number;
  high: number;
  n: number;
  level: number;
};

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability in (0, 1) is needed, got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (coefficients: number[], x: number) =>
    coefficients.reduce((sum, k) => sum * x + k, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/**
 * Student's t quantile: exact for 1 and 2 degrees of freedom, the Cornish–Fisher expansion
 * (Abramowitz & Stegun 26.7.5) above, within 0.2% from 3 degrees of freedom on.
 * @example tQuantile(0.975, 10) // → 2.228…
 */
export function tQuantile(p: number, df: number): number {
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const z = normalQuantile(p);
  const z2 = z * z;
  return (
    z +
    (z * (z2 + 1)) / (4 * df) +
    (z * (z2 * (5 * z2 + 16) + 3)) / (96 * df ** 2) +
    (z * (z2 * (z2 * (3 * z2 + 19) + 17) - 15)) / (384 * df ** 3) +
    (z * (z2 * (z2 * (z2 * (79 * z2 + 776) + 1482) - 1920) - 945)) / (92160 * df ** 4)
  );
}

function augmentedInterval(
  values: readonly number[],
  lowEnd: number,
  highEnd: number,
  level: number,
  pairs: number,
): Interval | null {
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const m = n + 2 * pairs;
  if (m < 2) return { mean, low: lowEnd, high: highEnd, n, level };
  const centre = (mean * n + pairs * (lowEnd + highEnd)) / m;
  let squares = pairs * ((lowEnd - centre) ** 2 + (highEnd - centre) ** 2);
  for (const value of values) squares += (value - centre) ** 2;
  const halfWidth = tQuantile(1 - (1 - level) / 2, m - 1) * Math.sqrt(squares / (m - 1) / m);
  return {
    mean,
    low: Math.max(lowEnd, Math.min(mean, centre - halfWidth)),
    high: Math.min(highEnd, Math.max(mean, centre + halfWidth)),
    n,
    level,
  };
}

/**
 * An interval for the mean of scores in [0, 1]; null without scores.
 * @example meanInterval([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) // → { mean: 1, low: 0.73…, high: 1, n: 10, level: 0.95 }
 */
export function meanInterval(
  scores: readonly number[],
  level = 0.95,
  pairs = PSEUDO_PAIRS,
): Interval | null {
  return augmentedInterval(scores, 0, 1, level, pairs);
}

/**
 * An interval for the mean of paired differences in [−1, 1] (candidate − base, item by item).
 * @example differenceInterval([0, 0, 0.5, -0.5, 1]) // → { mean: 0.2, low: <0, high: >0.2, … }
 */
export function pairedDifferenceInterval(
  differences: readonly number[],
  level = 0.95,
  pairs = PSEUDO_PAIRS,
): Interval | null {
  return augmentedInterval(differences, -1, 1, level, pairs);
}
