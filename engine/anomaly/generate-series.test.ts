import { describe, expect, it } from "vitest";
import { generateSeries, generateSeriesSet, SCENARIO_FAMILIES } from "./generate-series";
import { scoreDetections, summarizeScores } from "./score-detections";
import { SERIES_KINDS } from "./types";

describe("generateSeries", () => {
  it("is the same series for the same seed, and another for another seed", () => {
    const a = generateSeries({ seed: 1, family: "mixed", kind: "latency" });
    expect(generateSeries({ seed: 1, family: "mixed", kind: "latency" })).toEqual(a);
    expect(generateSeries({ seed: 2, family: "mixed", kind: "latency" }).points).not.toEqual(
      a.points,
    );
  });

  it.each(SCENARIO_FAMILIES)("labels %s series sensibly for every kind", (family) => {
    for (const kind of SERIES_KINDS) {
      const series = generateSeries({ seed: 3, family, kind });
      const times = series.points.map(([t]) => t);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      const values = series.points.map(([, v]) => v);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      if (kind === "error_rate") expect(Math.max(...values)).toBeLessThanOrEqual(1);
      if (kind === "count") expect(values.every(Number.isInteger)).toBe(true);
      for (const label of series.labels) {
        expect(label.index).toBeGreaterThanOrEqual(100); // gaps are cut after the first 100 points too
        expect(label.end).toBeGreaterThanOrEqual(label.index);
        expect(label.end).toBeLessThan(series.points.length);
      }
      const expectsLabels = !["trend", "seasonal-only", "noise", "few-points", "mixed"].includes(
        family,
      );
      if (expectsLabels) expect(series.labels.length).toBeGreaterThan(0);
      if (["trend", "seasonal-only", "noise", "few-points"].includes(family))
        expect(series.labels).toEqual([]);
    }
  });

  it("drops runs of points and jitters timestamps for gaps", () => {
    const series = generateSeries({ seed: 4, family: "gaps", kind: "cost", length: 2000 });
    expect(series.points.length).toBeLessThan(2000);
    const spacings = new Set(series.points.slice(1).map(([t], i) => t - series.points[i]![0]));
    expect(spacings.size).toBeGreaterThan(10);
  });

  it("builds sets cycling through kinds", () => {
    const set = generateSeriesSet({ seed: 1, count: 8, length: 300 });
    expect(set.map((s) => s.kind)).toEqual([...SERIES_KINDS, ...SERIES_KINDS]);
    expect(new Set(set.map((s) => s.id)).size).toBe(8);
  });
});

describe("scoreDetections", () => {
  it("counts flags inside a label's window as hits, and the rest as false alarms", () => {
    const series = generateSeries({ seed: 5, family: "spikes", kind: "latency" });
    const [first, second] = series.labels;
    const atIndex = (i: number) => series.points[i]![0];
    const score = scoreDetections(series, [
      atIndex(first!.index + 2),
      atIndex(10),
      atIndex(second!.end + 5),
    ]);
    expect(score).toMatchObject({
      flagged: 3,
      truePositives: 2,
      events: series.labels.length,
      detected: 2,
      delaySum: 2 + (second!.end + 5 - second!.index),
    });
    const summary = summarizeScores([score]);
    expect(summary.precision).toBeCloseTo(2 / 3);
    expect(summary.recall).toBeCloseTo(2 / series.labels.length);
    expect(summarizeScores([])).toMatchObject({
      precision: 1,
      recall: 1,
      meanDetectionDelayPoints: 0,
    });
  });
});
