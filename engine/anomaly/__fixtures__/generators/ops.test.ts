import { describe, expect, it } from "vitest";
import { generateSeries, type GeneratedSeries } from "./ops";

const SEEDS = [1, 2, 3, 7, 42, 1234, 987654];
const bySeed = new Map(SEEDS.map((seed) => [seed, generateSeries(seed)]));
const all: GeneratedSeries[] = [...bySeed.values()].flat();

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** Indices within `margin` points of a label: the neighbourhood an anomaly disturbs. */
function nearLabels(series: GeneratedSeries, margin: number): Set<number> {
  const near = new Set<number>();
  for (const l of series.labels)
    for (let k = l.index - margin; k <= l.end + margin; k++) near.add(k);
  return near;
}

describe("ops anomaly series generator", () => {
  it("is deterministic per seed and differs between seeds", () => {
    expect(generateSeries(42)).toEqual(bySeed.get(42));
    expect(generateSeries(1)).not.toEqual(generateSeries(2));
  });

  it("makes 40–60 series of 150–1,500 time-ordered points each", () => {
    for (const series of bySeed.values()) {
      expect(series.length).toBeGreaterThanOrEqual(40);
      expect(series.length).toBeLessThanOrEqual(60);
      expect(new Set(series.map((s) => s.id)).size).toBe(series.length);
    }
    for (const s of all) {
      expect(s.points.length).toBeGreaterThanOrEqual(150);
      expect(s.points.length).toBeLessThanOrEqual(1500);
      const unordered = s.points.filter((p, i) => i > 0 && p[0] <= s.points[i - 1]![0]);
      expect(unordered).toEqual([]);
    }
  });

  it("keeps each kind's values in its range", () => {
    const inRange: Record<GeneratedSeries["kind"], (v: number) => boolean> = {
      latency: (v) => v > 0,
      error_rate: (v) => v >= 0 && v <= 1,
      count: (v) => Number.isInteger(v) && v >= 0,
      cost: (v) => v >= 0,
    };
    for (const s of all) {
      const bad = s.points.filter(([, v]) => !Number.isFinite(v) || !inRange[s.kind](v));
      expect(bad, s.id).toEqual([]);
    }
    expect(new Set(all.map((s) => s.kind))).toEqual(
      new Set(["latency", "error_rate", "count", "cost"]),
    );
  });

  it("has scrape gaps and jittered timestamps in some series", () => {
    const steps = (s: GeneratedSeries) => s.points.slice(1).map((p, i) => p[0] - s.points[i]![0]);
    const withGaps = all.filter((s) => {
      const d = steps(s);
      const typical = median(d);
      return d.some((x) => x > 1.8 * typical);
    });
    const jittered = all.filter((s) => new Set(steps(s)).size > 10);
    expect(withGaps.length).toBeGreaterThan(all.length * 0.2);
    expect(jittered.length).toBeGreaterThan(all.length * 0.2);
  });

  it("places labels after point 100, inside the series, ordered and at least 30 points apart", () => {
    for (const s of all) {
      let previousEnd = -Infinity;
      for (const l of s.labels) {
        expect(l.index).toBeGreaterThanOrEqual(100);
        expect(l.end).toBeGreaterThanOrEqual(l.index);
        expect(l.end).toBeLessThan(s.points.length);
        if (l.type === "level-shift") {
          expect(l.end).toBe(l.index);
          expect(s.points.length - l.index).toBeGreaterThanOrEqual(60);
        } else {
          expect(s.points.length - 1 - l.end).toBeGreaterThanOrEqual(10);
        }
        expect(l.index - previousEnd).toBeGreaterThanOrEqual(30);
        previousEnd = l.end;
      }
    }
  });

  it("leaves roughly a fifth of the series without anomalies", () => {
    for (const series of bySeed.values()) {
      const clean = series.filter((s) => s.labels.length === 0).length / series.length;
      expect(clean).toBeGreaterThanOrEqual(0.05);
      expect(clean).toBeLessThanOrEqual(0.4);
    }
    const clean = all.filter((s) => s.labels.length === 0).length / all.length;
    expect(clean).toBeGreaterThan(0.12);
    expect(clean).toBeLessThan(0.28);
  });

  it("makes every labelled spike and dip stand clear of the points just before it", () => {
    let checked = 0;
    for (const s of all) {
      const v = s.points.map((p) => p[1]);
      for (const l of s.labels) {
        if (l.type === "level-shift") continue;
        const before = v.slice(l.index - 3, l.index);
        const during = v.slice(l.index, l.end + 1);
        checked++;
        if (s.kind === "error_rate") {
          expect(l.type).toBe("spike");
          expect(Math.min(...during)).toBeGreaterThanOrEqual(0.2);
          expect(Math.min(...during) - Math.max(...before)).toBeGreaterThan(0.1);
        } else if (l.type === "spike") {
          expect(Math.min(...during)).toBeGreaterThan(2 * Math.max(...before));
        } else {
          expect(Math.max(...during)).toBeLessThan(0.5 * Math.min(...before));
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("makes every labelled level shift a clear step between the medians either side", () => {
    let checked = 0;
    for (const s of all) {
      const v = s.points.map((p) => p[1]);
      for (const l of s.labels) {
        if (l.type !== "level-shift") continue;
        const before = median(v.slice(l.index - 5, l.index));
        const after = median(v.slice(l.index, l.index + 5));
        checked++;
        if (s.kind === "error_rate") expect(Math.abs(after - before)).toBeGreaterThan(0.025);
        else expect(Math.max(after / before, before / after)).toBeGreaterThan(1.4);
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("keeps harmless jitter well below the size of a labelled spike", () => {
    for (const s of all) {
      const v = s.points.map((p) => p[1]);
      const near = nearLabels(s, 6);
      const jumps: number[] = [];
      for (let i = 3; i < v.length; i++) {
        if (near.has(i)) continue;
        const highest = Math.max(v[i - 1]!, v[i - 2]!, v[i - 3]!);
        const tooBig = s.kind === "error_rate" ? v[i]! - highest >= 0.08 : v[i]! >= 2 * highest;
        if (tooBig) jumps.push(i);
      }
      expect(jumps, s.id).toEqual([]);
    }
  });
});
