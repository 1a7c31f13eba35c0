import { describe, expect, it } from "vitest";
import { detectAnomalies } from "./detect-anomalies";
import { createRandom, generateSeries, type ScenarioFamily } from "./generate-series";
import { scoreDetections, summarizeScores, type DetectionSummary } from "./score-detections";
import { SERIES_KINDS, type MetricPoint } from "./types";

const SEEDS = [11, 29];
const PER_KIND = 5;

/** Every kind, PER_KIND series per seed, scored together. */
function evaluateFamily(family: ScenarioFamily): DetectionSummary & { points: number } {
  const scores = [];
  let points = 0;
  for (const seed of SEEDS) {
    for (const kind of SERIES_KINDS) {
      for (let i = 0; i < PER_KIND; i++) {
        const series = generateSeries({ seed: seed * 1000 + i, family, kind });
        points += series.points.length;
        const report = detectAnomalies(series.points, { kind });
        scores.push(
          scoreDetections(
            series,
            report.anomalies.map((a) => a.at),
          ),
        );
      }
    }
  }
  return { ...summarizeScores(scores), points };
}

const minute = 60_000;
const regular = (values: number[], step = minute): MetricPoint[] =>
  values.map((v, i) => [Date.UTC(2026, 0, 5) + i * step, v]);

describe("detectAnomalies on generated series", () => {
  const withAnomalies: ScenarioFamily[] = [
    "spikes",
    "dips",
    "level-shifts",
    "trend-spikes",
    "daily",
    "weekly",
    "gaps",
    "mixed",
  ];
  const summaries = new Map(withAnomalies.map((family) => [family, evaluateFamily(family)]));

  it.each(withAnomalies)("keeps precision and recall at 0.85 or more on %s", (family) => {
    const summary = summaries.get(family)!;
    expect(summary.events).toBeGreaterThan(20);
    expect(summary.precision).toBeGreaterThanOrEqual(0.85);
    expect(summary.recall).toBeGreaterThanOrEqual(0.85);
  });

  it("keeps precision and recall at 0.9 or more overall, flagging within a point or so", () => {
    const overall = summarizeScores([...summaries.values()]);
    expect(overall.precision).toBeGreaterThanOrEqual(0.9);
    expect(overall.recall).toBeGreaterThanOrEqual(0.9);
    expect(overall.meanDetectionDelayPoints).toBeLessThan(1);
  });

  it.each(["trend", "seasonal-only", "noise"] as const)(
    "flags almost nothing on %s alone",
    (family) => {
      const summary = evaluateFamily(family);
      expect(summary.events).toBe(0);
      expect((summary.flagged / summary.points) * 1000).toBeLessThan(0.2); // fewer than 1 in 5,000 points
    },
  );

  it("flags nothing in too short a series and says why", () => {
    const series = generateSeries({ seed: 3, family: "few-points", kind: "latency" });
    const report = detectAnomalies(series.points, { kind: "latency" });
    expect(report.anomalies).toEqual([]);
    expect(report.band).toHaveLength(series.points.length);
    expect(report.skipped).toMatch(/too few points: 12 given/);
    expect(detectAnomalies([], { kind: "count" })).toMatchObject({
      anomalies: [],
      band: [],
      skipped: expect.stringMatching(/too few/),
    });
  });

  it("finds the daily and weekly rhythms it was given, and none in plain noise", () => {
    const daily = generateSeries({ seed: 5, family: "daily", kind: "latency" });
    const weekly = generateSeries({ seed: 5, family: "weekly", kind: "latency" });
    const noise = generateSeries({ seed: 5, family: "noise", kind: "latency", length: 3000 });
    expect(detectAnomalies(daily.points, { kind: "latency" }).seasonality?.period).toBe("daily");
    expect(detectAnomalies(weekly.points, { kind: "latency" }).seasonality?.period).toBe("weekly");
    expect(detectAnomalies(noise.points, { kind: "latency" }).seasonality).toBeNull();
    expect(detectAnomalies(daily.points, { kind: "latency" }).detectors).toEqual([
      "seasonal",
      "level-shift",
    ]);
  });
});

describe("detectAnomalies on hand-made series", () => {
  it("explains a latency spike in words", () => {
    const values = Array.from({ length: 120 }, (_, i) => 400 + 10 * Math.sin(i * 1.7));
    values[100] = 2340;
    const [anomaly, ...others] = detectAnomalies(regular(values), {
      kind: "latency",
      label: "p95 latency",
    }).anomalies;
    expect(others).toEqual([]);
    expect(anomaly).toMatchObject({
      at: Date.UTC(2026, 0, 5) + 100 * minute,
      value: 2340,
      direction: "up",
      detector: "robust-z",
    });
    expect(anomaly!.reason).toMatch(
      /^p95 latency 2,340 ms is \d+\.\d robust deviations above the median of the last 60 points \(\d{3} ms\)$/,
    );
    expect(anomaly!.band[1]).toBeLessThan(500);
  });

  it("does not flag the odd non-zero point of an error rate or a count that is usually 0", () => {
    const rates = Array.from({ length: 400 }, (_, i): number =>
      i % 23 === 0 ? 0.004 : i % 57 === 0 ? 0.01 : 0,
    );
    const counts = Array.from({ length: 400 }, (_, i): number =>
      i % 19 === 0 ? 1 : i % 61 === 0 ? 3 : 0,
    );
    expect(detectAnomalies(regular(rates), { kind: "error_rate" }).anomalies).toEqual([]);
    expect(detectAnomalies(regular(counts), { kind: "count" }).anomalies).toEqual([]);
    // ...while a real burst still stands out.
    rates[300] = 0.2;
    counts[300] = 40;
    expect(
      detectAnomalies(regular(rates), { kind: "error_rate" }).anomalies.map((a) => a.value),
    ).toEqual([0.2]);
    expect(
      detectAnomalies(regular(counts), { kind: "count" }).anomalies.map((a) => a.value),
    ).toEqual([40]);
  });

  it("keeps an error rate's band inside 0..1", () => {
    const rates = Array.from({ length: 200 }, (_, i) => 0.02 + 0.01 * Math.sin(i));
    for (const { low, high } of detectAnomalies(regular(rates), { kind: "error_rate" }).band) {
      expect(low).toBeGreaterThanOrEqual(0);
      expect(high).toBeLessThanOrEqual(1);
    }
  });

  it("flags a level shift at its onset, then follows the new level", () => {
    const values = Array.from(
      { length: 400 },
      (_, i) => (i < 200 ? 100 : 160) + 4 * Math.sin(i * 2.3),
    );
    const report = detectAnomalies(regular(values), { kind: "latency" });
    const flaggedIndexes = report.anomalies.map((a) => (a.at - Date.UTC(2026, 0, 5)) / minute);
    expect(flaggedIndexes.length).toBeGreaterThan(0);
    expect(Math.min(...flaggedIndexes)).toBe(200);
    expect(Math.max(...flaggedIndexes)).toBeLessThanOrEqual(205);
    expect(report.anomalies[0]).toMatchObject({ detector: "level-shift", direction: "up" });
    expect(report.anomalies[0]!.reason).toMatch(/^latency shifted up from \d+ ms to \d+ ms here/);
    expect(report.changePoints).toEqual([Date.UTC(2026, 0, 5) + 200 * minute]);
    expect(report.band[250]!.expected).toBeCloseTo(160, -1);
    expect(report.band[250]!.low).toBeGreaterThan(130);
  });

  it("measures a level shift from the level before it, not from what its first points taught the baseline", () => {
    // Cost per run with 10 % lognormal noise, stepping from 100 to 180 at point 200, over ten
    // draws: the EWMA follows the step's first points before the CUSUM confirms it, which must
    // not shrink the shift below what is reported.
    for (let seed = 1; seed <= 10; seed++) {
      const random = createRandom(seed);
      const values = Array.from(
        { length: 400 },
        (_, i) => (i < 200 ? 100 : 180) * Math.exp(0.1 * random.normal()),
      );
      const report = detectAnomalies(regular(values), { kind: "cost" });
      const shift = report.anomalies.find((a) => a.detector === "level-shift");
      const onset = (shift!.at - Date.UTC(2026, 0, 5)) / minute;
      expect(onset, `seed ${seed}`).toBeGreaterThanOrEqual(198);
      expect(onset, `seed ${seed}`).toBeLessThanOrEqual(203);
      const [, to] = /shifted up from [\d.,]+ to ([\d.,]+) here/.exec(shift!.reason)!;
      expect(Number(to!.replace(",", "")), `seed ${seed}`).toBeGreaterThan(150);
      expect(Math.abs(report.band[300]!.expected - 180), `seed ${seed}`).toBeLessThan(20);
    }
  });

  it("moves its threshold with sensitivity", () => {
    const series = generateSeries({ seed: 8, family: "spikes", kind: "cost" });
    const flagged = (sensitivity: "low" | "medium" | "high" | number) =>
      detectAnomalies(series.points, { kind: "cost", sensitivity }).anomalies.length;
    expect(flagged("low")).toBeLessThanOrEqual(flagged("medium"));
    expect(flagged("medium")).toBeLessThanOrEqual(flagged("high"));
    expect(flagged(0.5)).toBe(flagged("medium"));
    const band = (sensitivity: "low" | "high") =>
      detectAnomalies(series.points, { kind: "cost", sensitivity }).band[500]!;
    expect(band("high").high - band("high").low).toBeLessThan(band("low").high - band("low").low);
  });

  it("reads points in time order even when they come shuffled", () => {
    const series = generateSeries({ seed: 9, family: "spikes", kind: "latency" });
    const shuffled = [...series.points].reverse();
    expect(detectAnomalies(shuffled, { kind: "latency" }).anomalies).toEqual(
      detectAnomalies(series.points, { kind: "latency" }).anomalies,
    );
  });
});
