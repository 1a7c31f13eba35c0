/**
 * Baselines: what a series is expected to be at its next point, as a center and a scale (one
 * standard deviation's worth), learnt from the points before it. The scan in scan-series.ts asks
 * a baseline before each point and feeds it the point afterwards; both kinds here allocate nothing
 * per point.
 */
import { createSortedWindow } from "./sorted-window";

export type Baseline = {
  /** Expected value of the next point. */
  center(): number;
  /** Spread of the recent points around the center, in standard-deviation units (may be 0). */
  scale(): number;
  /** How many points the estimate rests on (for reasons: "the median of the last 60 points"). */
  size(): number;
  push(value: number): void;
  /** Moves the whole history by `delta`: a level shift was confirmed, so the past is re-read at the new level. */
  shift(delta: number): void;
};

// A normal distribution's standard deviation is 1.4826 MADs, and its 90th percentile 1.2816 of them above the median.
const SIGMA_PER_MAD = 1.4826;
const SIGMA_PER_DECILE = 1 / 1.2816;
const SIGMA_PER_MEAN_ABS_DEVIATION = 1.2533;

/**
 * Rolling median and MAD of the last `window` points: ignores a few spikes completely.
 * @example const b = createMedianBaseline(60); for (const v of values) b.push(v); b.center();
 */
export function createMedianBaseline(window: number): Baseline {
  const values = createSortedWindow(window);
  // Values are stored relative to `offset`, so a level shift moves the whole window in O(1).
  let offset = 0;
  return {
    center: () => values.median() + offset,
    scale() {
      // The MAD is 0 when more than half the window is one value (an error rate that is usually 0);
      // the deciles still see the rest, so occasional small values are not outliers. Taking the
      // wider side of the median also widens the band for skewed series (latencies), whose long
      // side would otherwise be flagged on ordinary points.
      const byMad = SIGMA_PER_MAD * values.mad();
      const median = values.median();
      const byDeciles =
        SIGMA_PER_DECILE * Math.max(values.quantile(0.9) - median, median - values.quantile(0.1));
      return byMad > byDeciles ? byMad : byDeciles;
    },
    size: () => values.size(),
    push: (value) => values.push(value - offset),
    shift(delta) {
      offset += delta;
    },
  };
}

/**
 * Exponentially weighted mean and mean absolute deviation: follows drift faster than a median and
 * keeps two numbers of state. Seeded from the first `seedPoints` points' median and scale. The scan
 * clips what it pushes to a few scales around the center, so one spike barely moves either number.
 * @example const b = createEwmaBaseline({ alpha: 0.1 }); b.push(3.2); b.center();
 */
export function createEwmaBaseline(
  options: { alpha?: number; scaleAlpha?: number; seedPoints?: number } = {},
): Baseline {
  const alpha = options.alpha ?? 0.1;
  const scaleAlpha = options.scaleAlpha ?? 0.05;
  const seedPoints = options.seedPoints ?? 20;
  const seed = createMedianBaseline(seedPoints);
  let mean = 0;
  let meanAbsDeviation = 0;
  let count = 0;
  return {
    center: () => (count < seedPoints ? seed.center() : mean),
    scale: () =>
      count < seedPoints ? seed.scale() : SIGMA_PER_MEAN_ABS_DEVIATION * meanAbsDeviation,
    size: () => count,
    push(value) {
      count++;
      if (count <= seedPoints) {
        seed.push(value);
        if (count === seedPoints) {
          mean = seed.center();
          meanAbsDeviation = seed.scale() / SIGMA_PER_MEAN_ABS_DEVIATION;
        }
        return;
      }
      const deviation = value - mean;
      mean += alpha * deviation;
      meanAbsDeviation += scaleAlpha * (Math.abs(deviation) - meanAbsDeviation);
    },
    shift(delta) {
      mean += delta;
      seed.shift(delta);
    },
  };
}
