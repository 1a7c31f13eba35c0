import { describe, expect, it } from "vitest";
import { generateSeries } from "./plant";

const SEEDS = [1, 2, 3, 7, 42];

describe("plant generator (IoT fleet + payments backend)", () => {
  it("is deterministic per seed and differs between seeds", () => {
    expect(generateSeries(1)).toEqual(generateSeries(1));
    expect(JSON.stringify(generateSeries(1))).not.toBe(JSON.stringify(generateSeries(2)));
  });

  it.each(SEEDS)("seed %i: 40–60 series of 150–2,000 points with unique ids", (seed) => {
    const all = generateSeries(seed);
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(all.length).toBeLessThanOrEqual(60);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    for (const s of all) {
      expect(s.points.length).toBeGreaterThanOrEqual(150);
      expect(s.points.length).toBeLessThanOrEqual(2000);
    }
  });

  it.each(SEEDS)("seed %i: strictly increasing integer times and values valid per kind", (seed) => {
    const problems: string[] = [];
    for (const s of generateSeries(seed)) {
      let last = -Infinity;
      s.points.forEach(([t, v], i) => {
        if (!Number.isInteger(t) || t <= last) problems.push(`${s.id}[${i}] time ${t}`);
        last = t;
        const ok =
          Number.isFinite(v) &&
          (s.kind === "error_rate"
            ? v >= 0 && v <= 1
            : s.kind === "count"
              ? Number.isInteger(v) && v >= 0
              : v > 0);
        if (!ok) problems.push(`${s.id}[${i}] ${s.kind} value ${v}`);
      });
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it.each(SEEDS)("seed %i: labels are in range, after index 100, ordered and disjoint", (seed) => {
    for (const s of generateSeries(seed)) {
      let lastEnd = -1;
      let shifts = 0;
      for (const l of s.labels) {
        expect(["spike", "dip", "level-shift"]).toContain(l.type);
        expect(l.index).toBeGreaterThanOrEqual(100);
        expect(l.end).toBeGreaterThanOrEqual(l.index);
        expect(l.end).toBeLessThan(s.points.length);
        expect(l.index).toBeGreaterThan(lastEnd);
        if (l.type === "level-shift") {
          expect(l.end).toBe(l.index);
          shifts++;
        }
        lastEnd = l.end;
      }
      expect(shifts).toBeLessThanOrEqual(1);
    }
  });

  it("labels every anomaly type and leaves some series clean across seeds 1–3", () => {
    const all = [1, 2, 3].flatMap((seed) => generateSeries(seed));
    const types = new Set(all.flatMap((s) => s.labels.map((l) => l.type)));
    expect([...types].sort()).toEqual(["dip", "level-shift", "spike"]);
    expect(all.some((s) => s.labels.length === 0)).toBe(true);
    expect(new Set(all.map((s) => s.kind))).toEqual(
      new Set(["latency", "error_rate", "cost", "count"]),
    );
  });
});
