import { describe, expect, it } from "vitest";
import { isCountTailExtreme, normalUpperTail } from "./count-tail";
import { detectAnomalies } from "./detect-anomalies";
import {
  detectLevelShifts,
  detectRobustZ,
  detectSeasonal,
  prepareSeries,
  tailFactor,
} from "./detectors";
import { createRandom } from "./generate-series";
import { detectSeasonality } from "./seasonality";
import type { MetricPoint, SeriesKind } from "./types";
import { chooseValueScale } from "./value-scale";

const start = Date.UTC(2026, 0, 5); // a Monday
const hour = 3_600_000;

/** Hourly points from a value per index, with seeded noise. */
function makeSeries(length: number, value: (i: number, noise: number) => number): MetricPoint[] {
  const random = createRandom(7);
  return Array.from({ length }, (_, i) => [start + i * hour, value(i, random.normal())]);
}

const flaggedIndexes = (points: MetricPoint[], kind: SeriesKind) => {
  const at = new Map(points.map(([t], i) => [t, i]));
  return detectAnomalies(points, { kind }).anomalies.map((a) => at.get(a.at));
};

describe("detectors on small series with known answers", () => {
  it("a spike: flags that point and nothing else", () => {
    const points = makeSeries(200, (i, z) => (i === 150 ? 400 : 100 + 3 * z));
    expect(flaggedIndexes(points, "latency")).toEqual([150]);
    expect(detectRobustZ(points, { kind: "latency" }).anomalies.map((a) => a.value)).toEqual([400]);
  });

  it("a level shift: flagged from its onset until confirmed, then the band follows the new level", () => {
    const points = makeSeries(300, (i, z) => (i < 150 ? 100 : 160) + 3 * z);
    const { anomalies, band, changePoints } = detectLevelShifts(points, { kind: "latency" });
    expect(changePoints).toHaveLength(1);
    expect(anomalies).toHaveLength(1);
    const onset = points.findIndex(([t]) => t === changePoints[0]);
    expect(Math.abs(onset - 150)).toBeLessThanOrEqual(2);
    expect(band.at(-1)!.expected).toBeGreaterThan(150);
    // The first few points at the new level are flagged while the CUSUM confirms the shift; none later.
    const flagged = flaggedIndexes(points, "latency") as number[];
    expect(flagged[0]).toBe(onset);
    expect(Math.max(...flagged)).toBeLessThanOrEqual(onset + 5);
  });

  it("a slow drift is normal: nothing flagged, the band moves with it", () => {
    const points = makeSeries(600, (i, z) => 100 * (1 + i / 600) + 2 * z);
    const report = detectAnomalies(points, { kind: "latency" });
    expect(report.anomalies).toEqual([]);
    expect(report.band.at(-1)!.expected).toBeGreaterThan(185);
  });

  it("counts near zero: the odd 1 or 2 pass, a jump to 15 is flagged", () => {
    const random = createRandom(3);
    const points = makeSeries(300, (i) =>
      i === 250 ? 15 : random.next() < 0.1 ? 1 + Math.round(random.next()) : 0,
    );
    expect(flaggedIndexes(points, "count")).toEqual([250]);
  });

  it("a Poisson tail test answers for counts near zero, not a z-score", () => {
    // Mean 0.5: a 3 happens about one time in 70; a 10, about one time in 10⁹.
    expect(isCountTailExtreme(3, 0.5, Math.sqrt(0.5), 5, "count")).toBe(false);
    expect(isCountTailExtreme(10, 0.5, Math.sqrt(0.5), 5, "count")).toBe(true);
    // A rate of 0 out of ~50 calls at 4 % happens one time in 8: not an outage.
    const spread = Math.sqrt((0.04 * 0.96) / 50);
    expect(isCountTailExtreme(0, 0.04, spread, 5, "rate")).toBe(false);
    expect(normalUpperTail(5)).toBeCloseTo(2.87e-7, 8);
  });

  it("a seasonal series with no anomaly: the rhythm is found and nothing is flagged", () => {
    // Multiplicative daily rhythm with weekend dips: the noise grows with the level.
    const points = makeSeries(24 * 28, (i, z) => {
      const at = start + i * hour;
      const day = Math.floor(i / 24) % 7;
      const level = 100 * (1 + 0.6 * Math.sin((2 * Math.PI * at) / (24 * hour)));
      return level * (day >= 5 ? 0.5 : 1) * Math.exp(0.05 * z);
    });
    const report = detectAnomalies(points, { kind: "cost" });
    expect(report.seasonality?.period).toBe("weekly");
    expect(report.anomalies).toEqual([]);
    expect(detectSeasonal(points, { kind: "cost" }).anomalies).toEqual([]);
  });

  it("a weekend dip in three weeks of hourly data is a rhythm (hour of day plus weekday), not an anomaly", () => {
    // Too few weeks for 168 free buckets to pay for themselves; 24 hours + 7 weekdays do.
    const points = makeSeries(24 * 22, (i, z) => {
      const day = Math.floor(i / 24) % 7;
      const hourOfDay = i % 24;
      const level = 100 * (1 + 0.5 * Math.sin((2 * Math.PI * hourOfDay) / 24));
      return level * (day >= 5 ? 0.8 : 1) * Math.exp(0.05 * z);
    });
    const report = detectAnomalies(points, { kind: "cost" });
    expect(report.seasonality?.period).toBe("weekly");
    expect(report.anomalies).toEqual([]);
  });

  it("heavy-tailed noise widens the threshold by its tails; a real spike still stands out", () => {
    // Student-t noise with 3 degrees of freedom: a normal-noise threshold flags its ordinary tails.
    const random = createRandom(6);
    const studentT = () => {
      const z = random.normal();
      let chi = 0;
      for (let k = 0; k < 3; k++) chi += random.normal() ** 2;
      return z / Math.sqrt(chi / 3);
    };
    const noise = Array.from({ length: 800 }, () => Math.max(-8, Math.min(8, studentT())));
    const points = makeSeries(800, (i) => (i === 600 ? 500 : 100 * Math.exp(0.1 * noise[i]!)));
    const calibrated = flaggedIndexes(points, "cost");
    const uncalibrated = detectAnomalies(points, { kind: "cost", tailCalibration: false });
    expect(calibrated).toContain(600);
    expect(calibrated.length).toBeLessThan(uncalibrated.anomalies.length);
    expect(calibrated.length).toBeLessThanOrEqual(2);
    // The band drawn is the one that flags: every flagged point lies outside it.
    const report = detectAnomalies(points, { kind: "cost" });
    const bandAt = new Map(report.band.map((b) => [b.at, b]));
    for (const a of report.anomalies) {
      const b = bandAt.get(a.at)!;
      expect(a.value > b.high || a.value < b.low).toBe(true);
    }
  });

  it("heavy tails widen the point threshold only: a level shift is still reported at its onset", () => {
    const random = createRandom(6);
    const studentT = () => {
      const z = random.normal();
      let chi = 0;
      for (let k = 0; k < 3; k++) chi += random.normal() ** 2;
      return z / Math.sqrt(chi / 3);
    };
    const noise = Array.from({ length: 600 }, () => Math.max(-8, Math.min(8, studentT())));
    const points = makeSeries(600, (i) => (i < 400 ? 100 : 250) * Math.exp(0.1 * noise[i]!));
    const shifts = detectAnomalies(points, { kind: "cost" }).anomalies.filter(
      (a) => a.detector === "level-shift",
    );
    const at = new Map(points.map(([t], i) => [t, i]));
    expect(shifts.map((a) => Math.abs(at.get(a.at)! - 400) <= 3)).toContain(true);
  });

  it("normal noise keeps the nominal threshold (tail factor 1)", () => {
    const random = createRandom(9);
    const scores = Float64Array.from({ length: 2000 }, () => random.normal());
    expect(tailFactor(scores)).toBe(1);
  });

  it("no rhythm in plain noise", () => {
    const series = prepareSeries(makeSeries(24 * 21, (_i, z) => 100 + 5 * z));
    expect(detectSeasonality(series.times, series.values)).toBeNull();
  });

  it("missing points: gaps and non-finite values are tolerated, a spike after a gap is found", () => {
    const points = makeSeries(300, (i, z) => (i === 260 ? 300 : 100 + 3 * z)).filter(
      (_, i) => i < 120 || i > 180, // sixty hours missing
    );
    points.splice(50, 0, [points[49]![0] + 1, Number.NaN]);
    const report = detectAnomalies(points, { kind: "latency" });
    expect(report.anomalies.map((a) => a.value)).toEqual([300]);
    expect(report.band).toHaveLength(points.length - 1); // the NaN point was dropped
  });

  it("judges multiplicative noise on a log scale and counts on a square-root scale", () => {
    // The level steps between 20, 60 and 180 every two days.
    const levelAt = (i: number) => [20, 60, 180][Math.floor(i / 48) % 3] as number;
    const costs = makeSeries(480, (i, z) => levelAt(i) * Math.exp(0.05 * z));
    expect(chooseValueScale(prepareSeries(costs).values, "cost").name).toBe("log");
    const random = createRandom(11);
    const counts = makeSeries(480, (i) => {
      const mean = levelAt(i);
      let k = 0; // Poisson by inversion
      for (let p = Math.exp(-mean), s = p, u = random.next(); u > s; s += p) p *= mean / ++k;
      return k;
    });
    expect(chooseValueScale(prepareSeries(counts).values, "count").name).toBe("sqrt");
  });
});
