import { describe, expect, it } from "vitest";
import { generateHistory } from "./generate-histories";
import { expectedCalibrationError, replayHistory, scoreForecasts } from "./replay-forecasts";

describe("expectedCalibrationError", () => {
  it("is 0 for calibrated predictions and the gap for a constant wrong one", () => {
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0])).toBeCloseTo(0, 9);
    expect(expectedCalibrationError([0.9, 0.9], [0, 0])).toBeCloseTo(0.9, 9);
    // Two bins of equal size: gaps 0.1 and 0.3 → 0.2.
    expect(expectedCalibrationError([0.1, 0.1, 0.7, 0.7], [0, 0, 1, 1])).toBeCloseTo(0.2, 9);
  });
});

describe("replayHistory", () => {
  it("predicts each run from the runs before it only", () => {
    const history = generateHistory({ seed: 3, runs: 400 });
    const scored = replayHistory(history);
    expect(scored).toHaveLength(400);
    expect(scored[0]!.forecast.basis).toBe("none");
    expect(scored[0]!.coldStart).toBe(true);
    // Replaying a prefix gives the same predictions for it: nothing from later runs leaks back.
    const prefix = replayHistory({ ...history, runs: history.runs.slice(0, 200) });
    expect(prefix.map((s) => s.forecast)).toEqual(scored.slice(0, 200).map((s) => s.forecast));
  });

  it("scores durations, intervals and calibration", () => {
    const scores = scoreForecasts(replayHistory(generateHistory({ seed: 5, runs: 1500 })));
    expect(scores.runs).toBe(1500);
    expect(scores.durationMdapeAfter5).toBeLessThan(scores.coldStartMdape);
    expect(scores.interval80Coverage).toBeGreaterThan(0.6);
    expect(scores.successBrier).toBeLessThan(0.25);
  });
});
