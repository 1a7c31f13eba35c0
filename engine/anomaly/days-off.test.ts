import { describe, expect, it } from "vitest";
import { detectAnomalies } from "./detect-anomalies";
import { createRandom } from "./generate-series";
import type { MetricPoint } from "./types";

const day = 86_400_000;
const start = Date.UTC(2026, 0, 5); // a Monday

/**
 * A courier's daily cost: ~100 on weekdays, 45 on Saturdays, 25 on Sundays, ±5 % noise. (A weekly
 * profile of daily points needs two points per hour-of-week bucket: 48 weeks.)
 */
function dailyCost(weeks: number, seed = 7): MetricPoint[] {
  const random = createRandom(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return Array.from({ length: weeks * 7 }, (_, i) => {
    const weekday = i % 7; // 0 = Monday
    const level = weekday === 5 ? 45 : weekday === 6 ? 25 : 100;
    return [start + i * day, level * Math.exp(0.05 * normal())];
  });
}

/** Hourly requests of an office tool: a daytime hump every day of the week, ±5 % noise. */
function hourlyEveryDay(days: number, seed = 11): MetricPoint[] {
  const random = createRandom(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return Array.from({ length: days * 24 }, (_, i) => {
    const h = i % 24;
    const level = 200 + 800 * Math.max(0, Math.sin(((h - 6) / 14) * Math.PI));
    return [start + i * (day / 24), level * Math.exp(0.05 * normal())];
  });
}

/** Hourly orders of a shop: a daytime hump, Sundays at a fifth of a weekday, ±5 % noise. */
function hourlyShop(weeks: number, seed = 5): MetricPoint[] {
  const random = createRandom(seed);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return Array.from({ length: weeks * 7 * 24 }, (_, i) => {
    const h = i % 24;
    const sunday = Math.floor(i / 24) % 7 === 6;
    const level = (sunday ? 0.2 : 1) * (20 + 300 * Math.max(0, Math.sin(((h - 7) / 13) * Math.PI)));
    return [start + i * (day / 24), level * Math.exp(0.05 * normal())];
  });
}

const flaggedAt = (points: MetricPoint[], report: ReturnType<typeof detectAnomalies>) =>
  new Set(report.anomalies.map((a) => points.findIndex(([t]) => t === a.at)));

describe("days off in a series with a weekly rhythm", () => {
  it("does not flag a weekday run like the series' Sunday (a public holiday), and draws the band down to it", () => {
    const points = dailyCost(60);
    const holiday = 52 * 7 + 2; // the Wednesday of week 53
    points[holiday] = [points[holiday]![0], 26];
    const report = detectAnomalies(points, { kind: "cost" });
    expect(report.seasonality?.period).toBe("weekly");
    expect(flaggedAt(points, report).has(holiday)).toBe(false);
    expect(report.band[holiday]!.low).toBeLessThanOrEqual(26);
    // The band's upper edge and centre stay a weekday's.
    expect(report.band[holiday]!.expected).toBeGreaterThan(80);
    expect(report.band[holiday]!.high).toBeLessThan(150);
  });

  it("still flags a weekday far below its day off, and a weekday far above a weekday", () => {
    const points = dailyCost(60);
    const outage = 52 * 7 + 2;
    const surge = 54 * 7 + 1;
    points[outage] = [points[outage]![0], 4];
    points[surge] = [points[surge]![0], 260];
    const report = detectAnomalies(points, { kind: "cost" });
    const flagged = flaggedAt(points, report);
    expect(flagged.has(outage)).toBe(true);
    expect(flagged.has(surge)).toBe(true);
    for (const a of report.anomalies)
      expect(a.value < a.band[0] || a.value > a.band[1] || a.detector === "level-shift").toBe(true);
  });

  it("judges a fall partway through an ordinary day as before: the day's morning was a weekday's", () => {
    const points = hourlyShop(6);
    const wednesday = (4 * 7 + 2) * 24;
    for (let h = 14; h < 17; h++) {
      const [t, v] = points[wednesday + h]!;
      points[wednesday + h] = [t, v * 0.2]; // as low as a Sunday afternoon
    }
    const report = detectAnomalies(points, { kind: "count" });
    expect(report.seasonality?.period).toBe("weekly");
    expect(flaggedAt(points, report).has(wednesday + 14)).toBe(true);
    // The same hours of a Wednesday run like a Sunday from midnight are a day off.
    const holiday = hourlyShop(6);
    for (let h = 0; h < 24; h++) {
      const [t, v] = holiday[wednesday + h]!;
      holiday[wednesday + h] = [t, v * 0.2];
    }
    const quiet = detectAnomalies(holiday, { kind: "count" });
    for (let h = 14; h < 17; h++) {
      expect(flaggedAt(holiday, quiet).has(wednesday + h)).toBe(false);
      expect(quiet.band[wednesday + h]!.low).toBeLessThanOrEqual(holiday[wednesday + h]![1]);
    }
  });

  it("keeps the lower edge of a rhythm that has no day off: a fall to the night's level by day is flagged", () => {
    const points = hourlyEveryDay(28);
    const noon = 20 * 24 + 13;
    points[noon] = [points[noon]![0], 210];
    const report = detectAnomalies(points, { kind: "latency" });
    expect(report.seasonality?.period).toBe("daily");
    expect(flaggedAt(points, report).has(noon)).toBe(true);
  });
});
