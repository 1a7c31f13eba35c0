import { describe, expect, it } from "vitest";
import { generateSeries, type GeneratedSeries } from "./media";

const SEEDS = [1, 2, 3, 4, 5, 17, 123];
const bySeed = new Map(SEEDS.map((seed) => [seed, generateSeries(seed)]));
const everySeries = [...bySeed.values()].flat();

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function medianStep(series: GeneratedSeries): number {
  const steps = series.points.slice(1).map(([t], i) => t - (series.points[i]?.[0] ?? t));
  return steps.sort((a, b) => a - b)[Math.floor(steps.length / 2)] ?? 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

describe("media generator (a streaming service and a newsroom)", () => {
  it("gives the same series for the same seed and different ones for another seed", () => {
    expect(generateSeries(9)).toEqual(generateSeries(9));
    expect(JSON.stringify(generateSeries(10))).not.toEqual(JSON.stringify(generateSeries(9)));
  });

  it("gives 40–60 series of 150–2,000 points with unique ids per seed", () => {
    for (const series of bySeed.values()) {
      expect(series.length).toBeGreaterThanOrEqual(40);
      expect(series.length).toBeLessThanOrEqual(60);
      expect(new Set(series.map((s) => s.id)).size).toBe(series.length);
      for (const s of series) {
        expect(s.points.length, s.id).toBeGreaterThanOrEqual(150);
        expect(s.points.length, s.id).toBeLessThanOrEqual(2000);
      }
    }
  });

  it("keeps timestamps strictly increasing", () => {
    for (const s of everySeries) {
      for (let i = 1; i < s.points.length; i += 1) {
        const [t] = s.points[i] ?? [NaN];
        const [before] = s.points[i - 1] ?? [NaN];
        if (!(t > before)) throw new Error(`${s.id}: point ${i} at ${t} is not after ${before}`);
      }
    }
  });

  it("keeps values in each kind's range", () => {
    const inRange = {
      error_rate: (v: number) => v >= 0 && v <= 1,
      count: (v: number) => Number.isInteger(v) && v >= 0,
      cost: (v: number) => v >= 0,
      latency: (v: number) => v > 0,
    };
    const outOfRange = everySeries.flatMap((s) =>
      s.points
        .filter(([, v]) => !Number.isFinite(v) || !inRange[s.kind](v))
        .map(([t, v]) => `${s.id} at ${t}: ${v}`),
    );
    expect(outOfRange).toEqual([]);
  });

  it("places labels from index 100, inside the series, apart, with at most one level shift", () => {
    for (const s of everySeries) {
      const daily = medianStep(s) >= DAY;
      expect(s.labels.filter((l) => l.type === "level-shift").length, s.id).toBeLessThanOrEqual(1);
      s.labels.forEach((label, k) => {
        expect(label.index, s.id).toBeGreaterThanOrEqual(100);
        expect(label.end, s.id).toBeGreaterThanOrEqual(label.index);
        expect(label.end, s.id).toBeLessThan(s.points.length);
        if (label.type !== "level-shift" && !daily)
          expect(label.end - label.index, s.id).toBeGreaterThanOrEqual(1);
        const next = s.labels[k + 1];
        if (next) expect(next.index, s.id).toBeGreaterThan(label.end);
      });
    }
  });

  it("puts labels where the metric moved: nearly every spike is above, every dip below, the points before it", () => {
    // A label put on the wrong points would be above or below its neighbourhood about half the time.
    const hits = { spike: { moved: 0, total: 0 }, dip: { moved: 0, total: 0 } };
    for (const s of everySeries) {
      for (const label of s.labels) {
        if (label.type === "level-shift") continue;
        const before = median(s.points.slice(label.index - 50, label.index).map(([, v]) => v));
        const window = s.points.slice(label.index, label.end + 1).map(([, v]) => v);
        const mean = window.reduce((sum, v) => sum + v, 0) / window.length;
        const tally = hits[label.type];
        tally.moved += (label.type === "spike" ? mean > before : mean < before) ? 1 : 0;
        tally.total += 1;
      }
    }
    for (const [type, { moved, total }] of Object.entries(hits)) {
      expect(total, type).toBeGreaterThan(20);
      expect(moved / total, type).toBeGreaterThanOrEqual(0.9);
    }
  });

  it("covers 1-minute, 5-minute, hourly, daily and irregular series, gaps and counts near zero", () => {
    const steps = new Set(everySeries.map(medianStep).map((step) => Math.round(step / MINUTE)));
    for (const minutes of [1, 5, 60, 1440])
      expect(steps.has(minutes), `${minutes}-minute series`).toBe(true);
    const irregular = everySeries.filter(
      (s) => s.id.includes("job_duration") || s.id.includes("publish_to_live"),
    );
    expect(irregular.length).toBeGreaterThan(0);
    const withGap = everySeries.filter((s) => {
      const step = medianStep(s);
      return s.points.some(([t], i) => i > 0 && t - (s.points[i - 1]?.[0] ?? t) > 4 * step);
    });
    expect(withGap.length).toBeGreaterThan(0);
    const nearZero = everySeries.filter(
      (s) => s.kind === "count" && median(s.points.map(([, v]) => v)) <= 1,
    );
    expect(nearZero.length).toBeGreaterThan(0);
    expect(new Set(everySeries.map((s) => s.kind))).toEqual(
      new Set(["latency", "error_rate", "cost", "count"]),
    );
  });

  it("ends every series of a seed near the same 'now', so they share one calendar", () => {
    for (const series of bySeed.values()) {
      const ends = series.map((s) => s.points[s.points.length - 1]?.[0] ?? 0);
      expect(Math.max(...ends) - Math.min(...ends)).toBeLessThanOrEqual(DAY);
    }
  });

  it("follows local time with DST: a European evening peak moves an hour earlier in UTC in spring", () => {
    let checked = 0;
    for (let seed = 1; seed <= 40 && checked < 2; seed += 1) {
      for (const s of generateSeries(seed)) {
        if (!/^stream\.vod\.plays_hourly\.tv\.eu-(west|central)/.test(s.id)) continue;
        const first = s.points[0]?.[0] ?? 0;
        const last = s.points[s.points.length - 1]?.[0] ?? 0;
        const year = new Date(last).getUTCFullYear();
        const marchEnd = Date.UTC(year, 3, 0);
        const change = marchEnd - new Date(marchEnd).getUTCDay() * DAY;
        if (first > change - 14 * DAY || last < change + 14 * DAY) continue;
        const peakHour = (from: number, to: number) => {
          const days = new Map<number, [number, number]>();
          for (const [t, v] of s.points) {
            if (t < from || t >= to) continue;
            const day = Math.floor(t / DAY);
            const best = days.get(day);
            if (!best || v > best[1]) days.set(day, [t, v]);
          }
          return median([...days.values()].map(([t]) => new Date(t).getUTCHours()));
        };
        expect(
          peakHour(change - 14 * DAY, change) - peakHour(change + DAY, change + 15 * DAY),
          s.id,
        ).toBe(1);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
