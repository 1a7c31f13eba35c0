import { describe, expect, it } from "vitest";
import { createRandom, type Random } from "./generate-series";
import { detectRunTotals, forecastRunTotals, type RunTotalPoint } from "./run-totals";

const start = Date.UTC(2026, 0, 5);
const hour = 3_600_000;
const HOURS = 28 * 24;

/** A Poisson draw by inversion (small means). */
function poisson(random: Random, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cumulative = p;
  const u = random.next();
  while (u > cumulative && k < 1000) {
    k++;
    p *= mean / k;
    cumulative += p;
  }
  return k;
}

/**
 * A sparse tenant's cost per hour: runs arrive at `rate` per hour (most hours hold none), each
 * costing about $0.0024 (log-normal, `spread`); `change` may alter an hour's runs or cost per run.
 */
function costPerHour(
  seed: number,
  rate: number,
  change: (i: number) => { runs?: number; costFactor?: number } = () => ({}),
  spread = 0.25,
): RunTotalPoint[] {
  const random = createRandom(seed);
  return Array.from({ length: HOURS }, (_, i) => {
    const { runs: forced, costFactor = 1 } = change(i);
    const runs = forced ?? poisson(random, rate);
    let total = 0;
    for (let r = 0; r < runs; r++)
      total += 0.0024 * costFactor * Math.exp(spread * random.normal());
    return { at: start + i * hour, runs, total };
  });
}

const indexOf = (points: RunTotalPoint[], at: number) => points.findIndex((p) => p.at === at);

describe("sums of per-run amounts per hour (run-totals)", () => {
  it("ordinary runs in a sparse hour are not flagged, over several draws", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const hours = costPerHour(seed, 0.2);
      // Most hours are empty, and many hold one run: the case a single series misjudged.
      expect(hours.filter((h) => h.runs === 0).length).toBeGreaterThan(HOURS / 2);
      expect(hours.filter((h) => h.runs >= 1).length).toBeGreaterThan(80);
      const report = detectRunTotals(hours, { label: "cost per hour" });
      expect(report.anomalies).toEqual([]);
    }
  });

  it("a per-run cost that triples is flagged, from when it tripled and not before, over several draws", () => {
    // Runs of one model call each (per-run cost within about ±10 %), 0.2 runs an hour. With the
    // per-run cost spread by ±25 % and single runs per hour, a tripling is 4.4 deviations, at the
    // edge of what the level-shift rule reports on so few points (see ARCHITECTURE.md).
    const from = 21 * 24;
    for (const seed of [1, 2, 3, 4, 5]) {
      const hours = costPerHour(seed, 0.2, (i) => (i >= from ? { costFactor: 3 } : {}), 0.1);
      const { anomalies } = detectRunTotals(hours, { label: "cost per hour" });
      expect(anomalies.length).toBeGreaterThan(0);
      for (const a of anomalies) {
        expect(indexOf(hours, a.at)).toBeGreaterThanOrEqual(from);
        expect(a.direction).toBe("up");
        expect(a.reason).toMatch(/cost per run/);
      }
      // Reported within the first few hours that held a tripled run.
      const firstRuns = hours.filter((h, i) => i >= from && h.runs > 0).slice(0, 6);
      expect(firstRuns.map((h) => h.at)).toContain(anomalies[0]!.at);
    }
  });

  it("the same runs without the tripling are not flagged", () => {
    for (const seed of [1, 2, 3, 4, 5])
      expect(
        detectRunTotals(
          costPerHour(seed, 0.2, () => ({}), 0.1),
          { label: "cost per hour" },
        ).anomalies,
      ).toEqual([]);
  });

  it("a flood of ordinary runs in one hour is flagged at that hour, and nothing else", () => {
    const flood = 500;
    const hours = costPerHour(4, 0.2, (i) => (i === flood ? { runs: 30 } : {}));
    const { anomalies } = detectRunTotals(hours, { label: "cost per hour" });
    expect(anomalies.map((a) => indexOf(hours, a.at))).toEqual([flood]);
    expect(anomalies[0]!.direction).toBe("up");
    expect(anomalies[0]!.reason).toMatch(/runs per hour 30/);
  });

  it("a busy tenant: one hour with no runs at all where about 40 are usual is flagged as a dip", () => {
    const outage = 600;
    const hours = costPerHour(5, 40, (i) => (i === outage ? { runs: 0 } : {}));
    const { anomalies } = detectRunTotals(hours, { label: "cost per hour" });
    expect(anomalies.map((a) => [indexOf(hours, a.at), a.direction])).toEqual([[outage, "down"]]);
  });

  it("draws a band that holds every ordinary hour and none of the flagged ones", () => {
    const hours = costPerHour(6, 0.3, (i) =>
      i === 300 ? { runs: 25 } : i >= 500 ? { costFactor: 4 } : {},
    );
    const { anomalies, band } = detectRunTotals(hours, { label: "cost per hour" });
    expect(band).toHaveLength(hours.length);
    const flagged = new Set(anomalies.map((a) => a.at));
    expect(flagged.size).toBeGreaterThan(1);
    hours.forEach((h, i) => {
      const { low, high } = band[i]!;
      const outside = h.total > high || h.total < low;
      // A level shift is reported at its onset, which may lie inside the band (as for any series).
      const shift = anomalies.find((a) => a.at === h.at && a.detector === "level-shift");
      if (!shift) expect({ i, outside }).toEqual({ i, outside: flagged.has(h.at) });
    });
  });

  it("forecasts the sum as the run count's forecast times the per-run amount", () => {
    const hours = costPerHour(7, 2);
    const report = detectRunTotals(hours, { label: "cost per hour" });
    const forecast = forecastRunTotals(hours, 24, report.perRun);
    expect(forecast).toHaveLength(24);
    const meanCost = hours.reduce((s, h) => s + h.total, 0) / hours.length;
    for (const f of forecast) {
      expect(f.low).toBeLessThanOrEqual(f.value);
      expect(f.high).toBeGreaterThanOrEqual(f.value);
      // About 2 runs an hour at about $0.0024 each.
      expect(f.value).toBeGreaterThan(meanCost / 2);
      expect(f.value).toBeLessThan(meanCost * 2);
    }
  });

  it("forecasts a busy tenant's hours (1,000 runs an hour) inside the Poisson range around its rate", () => {
    const hours: RunTotalPoint[] = Array.from({ length: 200 }, (_, i) => ({
      at: i * 3_600_000,
      runs: 1_000,
      total: 2,
    }));
    const forecast = forecastRunTotals(hours, 3, { expected: 0.002, low: 0.002, high: 0.002 });
    expect(forecast).toHaveLength(3);
    for (const f of forecast) {
      expect(f.value).toBeCloseTo(2, 6);
      // 1,000 ± 1.96 × √1,000 runs (938..1,062) at $0.002 each.
      expect(f.low).toBeGreaterThan(1.86);
      expect(f.low).toBeLessThan(1.9);
      expect(f.high).toBeGreaterThan(2.1);
      expect(f.high).toBeLessThan(2.14);
    }
  });
});
