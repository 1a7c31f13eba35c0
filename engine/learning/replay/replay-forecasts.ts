/**
 * Replays run histories through the predictor in time order (each run predicted from the runs
 * before it only, then learned from) and scores the predictions against what happened.
 */
import {
  addRun,
  createRunIndex,
  createTuning,
  forecastRun,
  learnFromRun,
  type RunForecast,
} from "../run-forecast";
import { medianOf } from "../weighted-stats";
import type { Rng } from "../random";
import { errorFloors, type ErrorFloors } from "./error-floors";
import type { ReplayHistory, ReplayRun } from "./replay-run";

/** One prediction and what happened, with what the predictor knew then. */
export type ScoredForecast = {
  forecast: RunForecast;
  run: ReplayRun;
  /** Runs of the same version before this one. */
  versionRuns: number;
  /** The first run of its workflow. */
  coldStart: boolean;
};

export type ForecastScores = {
  runs: number;
  successBrier: number;
  successEce: number;
  durationMdape: number;
  durationMdapeAfter5: number;
  interval80Coverage: number;
  costMdape: number;
  coldStartMdape: number;
  /**
   * The floors of the two duration figures (error-floors.ts): an oracle saying the generator's own
   * median, and one saying the best point for percentage error given the run's true law (when the
   * history can draw from it). No predictor can beat the second on average. For cold starts also
   * `classMedian`: an oracle saying the median of the run's task class (`classMedianMs`), which
   * knows the class's law but not the new workflow's own: the floor for a predictor that knows
   * only the class (NaN when the history does not say).
   */
  floor: {
    durationMdapeAfter5: ErrorFloors;
    coldStartMdape: ErrorFloors & { classMedian: number };
  };
};

/**
 * Predicts every run of a history from the ones before it.
 * @example replayHistory(generateHistory({ seed: 1 })).length // → one per run
 */
export function replayHistory(history: ReplayHistory): ScoredForecast[] {
  const index = createRunIndex();
  let tuning = createTuning();
  const workflows = new Set<string>();
  const versionRuns = new Map<string, number>();
  const scored: ScoredForecast[] = [];
  for (const run of history.runs) {
    const past = { ...run, success: run.success ? 1 : 0 };
    scored.push({
      forecast: forecastRun(index, tuning, run),
      run,
      versionRuns: versionRuns.get(run.versionId) ?? 0,
      coldStart: !workflows.has(run.workflowId),
    });
    tuning = learnFromRun(tuning, index, past);
    addRun(index, past);
    workflows.add(run.workflowId);
    versionRuns.set(run.versionId, (versionRuns.get(run.versionId) ?? 0) + 1);
  }
  return scored;
}

/**
 * Expected calibration error: predictions in 10 equal-width bins of probability, the
 * run-weighted mean gap between each bin's mean prediction and its observed success rate.
 * @example expectedCalibrationError([0.5, 0.5], [1, 0]) // → 0
 */
export function expectedCalibrationError(predicted: number[], observed: number[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, y: 0 }));
  predicted.forEach((p, i) => {
    const bin = bins[Math.min(9, Math.floor(p * 10))]!;
    bin.n += 1;
    bin.p += p;
    bin.y += observed[i]!;
  });
  const total = predicted.length || 1;
  return bins.reduce((sum, b) => (b.n ? sum + Math.abs(b.p - b.y) / total : sum), 0);
}

const ape = (predicted: number, actual: number) => Math.abs(predicted - actual) / actual;

/**
 * The benchmark's figures over scored predictions (of one or several histories of one generator,
 * whose law `drawRatio` draws from for the best-point floor).
 */
export function scoreForecasts(
  scored: ScoredForecast[],
  drawRatio?: (run: ReplayRun, rng: Rng) => number,
): ForecastScores {
  const p = scored.map((s) => s.forecast.success.probability);
  const y = scored.map((s) => (s.run.success ? 1 : 0));
  const withDuration = scored.filter((s) => s.forecast.durationMs);
  const durationApe = (s: ScoredForecast) => ape(s.forecast.durationMs!.point, s.run.durationMs);
  const floorOf = (group: ScoredForecast[]): ErrorFloors => {
    const runs = group.map((s) => s.run);
    if (drawRatio) return errorFloors(runs, drawRatio);
    const known = runs.filter((r) => r.medianMs !== undefined);
    return {
      median: medianOf(known.map((r) => ape(r.medianMs!, r.durationMs))),
      bestPoint: Number.NaN,
    };
  };
  const inside = withDuration.filter(
    (s) =>
      s.run.durationMs >= s.forecast.durationMs!.low &&
      s.run.durationMs <= s.forecast.durationMs!.high,
  ).length;
  const costed = scored.filter((s) => s.run.costUsd > 0 && s.forecast.costUsd !== null);
  return {
    runs: scored.length,
    successBrier: p.reduce((sum, pi, i) => sum + (pi - y[i]!) ** 2, 0) / (p.length || 1),
    successEce: expectedCalibrationError(p, y),
    durationMdape: medianOf(withDuration.map(durationApe)),
    durationMdapeAfter5: medianOf(withDuration.filter((s) => s.versionRuns >= 5).map(durationApe)),
    interval80Coverage: inside / (withDuration.length || 1),
    costMdape: medianOf(costed.map((s) => ape(s.forecast.costUsd!, s.run.costUsd))),
    coldStartMdape: medianOf(withDuration.filter((s) => s.coldStart).map(durationApe)),
    floor: {
      durationMdapeAfter5: floorOf(withDuration.filter((s) => s.versionRuns >= 5)),
      coldStartMdape: {
        ...floorOf(withDuration.filter((s) => s.coldStart)),
        classMedian: medianOf(
          withDuration
            .filter((s) => s.coldStart && s.run.classMedianMs !== undefined)
            .map((s) => ape(s.run.classMedianMs!, s.run.durationMs)),
        ),
      },
    },
  };
}
