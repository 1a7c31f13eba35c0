/**
 * The floors of the duration error (MdAPE) on a generated history: what no predictor can get
 * below, because the generator draws each duration at random around its median.
 *
 * Two oracles that know the generator's law for every run:
 * - `median`: predicts the true median. APE is asymmetric (a guess too high by ×2 costs 100 %, too
 *   low by ×2 costs 50 %), so the median is not the best point for it;
 * - `bestPoint`: for each run the point that makes the pooled median APE smallest. For a target
 *   error t, a guess x̂ is within t of a duration X when X lies in [x̂/(1+t), x̂/(1−t)], a window
 *   of fixed width log((1+t)/(1−t)) on the log scale; the best guess puts that window where the
 *   run's law has most mass (for a log-normal: x̂ = median·√(1−t²), below the median; with
 *   failures that stop early, lower still). The floor is the smallest t for which the runs' best
 *   windows hold half of the mass in all.
 */
import { createRng, type Rng } from "../random";
import { medianOf } from "../weighted-stats";
import type { ReplayRun } from "./replay-run";

export type ErrorFloors = { median: number; bestPoint: number };

/** The largest share of sorted values inside any window of this width. */
function densestWindowShare(sorted: Float64Array, width: number): number {
  let best = 0;
  let low = 0;
  for (let high = 0; high < sorted.length; high++) {
    while (sorted[high]! - sorted[low]! > width) low++;
    best = Math.max(best, high - low + 1);
  }
  return best / sorted.length;
}

/**
 * Both floors over these runs (a deterministic subsample of at most `maxRuns`), each run's law
 * sampled `draws` times through `drawRatio` (a duration over its median).
 * @example errorFloors(runs, drawHeldOutRatio).bestPoint // → below errorFloors(...).median
 */
export function errorFloors(
  runs: ReplayRun[],
  drawRatio: (run: ReplayRun, rng: Rng) => number,
  options: { draws?: number; maxRuns?: number; seed?: number } = {},
): ErrorFloors {
  const known = runs.filter((r) => r.medianMs !== undefined);
  if (known.length === 0) return { median: Number.NaN, bestPoint: Number.NaN };
  const median = medianOf(known.map((r) => Math.abs(r.medianMs! - r.durationMs) / r.durationMs));
  const step = Math.max(1, Math.ceil(known.length / (options.maxRuns ?? 3000)));
  const rng = createRng(options.seed ?? 1);
  const draws = options.draws ?? 400;
  const laws: Float64Array[] = [];
  for (let i = 0; i < known.length; i += step) {
    const logs = new Float64Array(draws);
    for (let k = 0; k < draws; k++) logs[k] = Math.log(drawRatio(known[i]!, rng));
    laws.push(logs.sort());
  }
  const share = (t: number) => {
    const width = Math.log((1 + t) / (1 - t));
    return laws.reduce((sum, logs) => sum + densestWindowShare(logs, width), 0) / laws.length;
  };
  let low = 0;
  let high = 0.999;
  for (let i = 0; i < 30; i++) {
    const mid = (low + high) / 2;
    if (share(mid) >= 0.5) high = mid;
    else low = mid;
  }
  return { median, bestPoint: high };
}
