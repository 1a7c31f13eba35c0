import { describe, expect, it } from "vitest";
import { generateSeries, type GeneratedSeries } from "./lab";

const SEEDS = [1, 2, 3, 42, 2026];
const all = SEEDS.flatMap((seed) => generateSeries(seed));

const isLabelled = (s: GeneratedSeries, i: number) =>
  s.labels.some((l) => i >= l.index && i <= l.end);

/** Unlabelled values within `radius` points of [from, to], excluding the range itself. */
function neighbours(s: GeneratedSeries, from: number, to: number, radius: number): number[] {
  const out: number[] = [];
  for (let i = Math.max(0, from - radius); i <= Math.min(s.points.length - 1, to + radius); i++) {
    if ((i < from || i > to) && !isLabelled(s, i)) out.push(s.points[i]![1]);
  }
  return out;
}

function unlabelled(s: GeneratedSeries, from: number, to: number): number[] {
  return s.points
    .slice(Math.max(0, from), to + 1)
    .filter((_, k) => !isLabelled(s, Math.max(0, from) + k))
    .map(([, v]) => v);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("lab series generator", () => {
  it("is deterministic per seed and differs across seeds", () => {
    expect(generateSeries(7)).toEqual(generateSeries(7));
    expect(generateSeries(7)).not.toEqual(generateSeries(8));
  });

  it("returns 40–60 series of 150–1,500 points with increasing integer timestamps", () => {
    for (const seed of SEEDS) {
      const series = generateSeries(seed);
      expect(series.length).toBeGreaterThanOrEqual(40);
      expect(series.length).toBeLessThanOrEqual(60);
      expect(new Set(series.map((s) => s.id)).size).toBe(series.length);
    }
    for (const s of all) {
      expect(s.points.length).toBeGreaterThanOrEqual(150);
      expect(s.points.length).toBeLessThanOrEqual(1500);
      const bad = s.points.filter(
        ([t], i) => !Number.isInteger(t) || (i > 0 && t <= s.points[i - 1]![0]),
      );
      expect(bad, s.id).toEqual([]);
    }
  });

  it("samples hourly to daily, irregularly, with gaps in some series", () => {
    const steps = all.map((s) => {
      const gaps = s.points.slice(1).map(([t], i) => t - s.points[i]![0]);
      return { median: median(gaps), max: Math.max(...gaps) };
    });
    for (const { median: m } of steps) {
      expect(m).toBeGreaterThanOrEqual(0.7 * 3_600_000);
      expect(m).toBeLessThanOrEqual(1.3 * 86_400_000);
    }
    expect(steps.filter((s) => s.max > 3 * s.median).length).toBeGreaterThan(all.length / 4);
  });

  it("keeps each kind's values in range", () => {
    const inRange: Record<GeneratedSeries["kind"], (v: number) => boolean> = {
      latency: (v) => v > 0,
      error_rate: (v) => v >= 0 && v <= 1,
      cost: (v) => v >= 0 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-6,
      count: (v) => Number.isInteger(v) && v >= 0,
    };
    for (const s of all) {
      const bad = s.points.filter(([, v]) => !Number.isFinite(v) || !inRange[s.kind](v));
      expect(bad, s.id).toEqual([]);
    }
    expect(new Set(all.map((s) => s.kind))).toEqual(
      new Set(["latency", "error_rate", "cost", "count"]),
    );
  });

  it("places labels after point 100, in bounds, sorted and spaced", () => {
    for (const s of all) {
      const n = s.points.length;
      s.labels.forEach((l, k) => {
        expect(l.index).toBeGreaterThanOrEqual(100);
        expect(l.end).toBeGreaterThanOrEqual(l.index);
        expect(l.end).toBeLessThan(n);
        if (l.type === "level-shift") {
          expect(l.end).toBe(l.index);
          expect(n - l.index).toBeGreaterThanOrEqual(60);
        } else {
          expect(l.end - l.index).toBeLessThan(l.type === "spike" ? 5 : 4);
        }
        if (s.kind === "error_rate") expect(l.type).not.toBe("dip");
        const next = s.labels[k + 1];
        if (next) {
          expect(next.index - l.end).toBeGreaterThanOrEqual(l.type === "level-shift" ? 60 : 30);
        }
      });
    }
  });

  it("leaves about a fifth of the series without anomalies and uses every label type", () => {
    const clean = all.filter((s) => s.labels.length === 0).length / all.length;
    expect(clean).toBeGreaterThan(0.1);
    expect(clean).toBeLessThan(0.35);
    const types = new Set(all.flatMap((s) => s.labels.map((l) => l.type)));
    expect(types).toEqual(new Set(["spike", "dip", "level-shift"]));
  });

  it("makes spikes and dips stand clear of the unlabelled points around them", () => {
    for (const s of all) {
      for (const l of s.labels) {
        if (l.type === "level-shift") continue;
        const around = neighbours(s, l.index, l.end, 30);
        const values = s.points.slice(l.index, l.end + 1).map(([, v]) => v);
        if (l.type === "spike") expect(Math.min(...values)).toBeGreaterThan(Math.max(...around));
        else expect(Math.max(...values)).toBeLessThan(Math.min(...around));
      }
    }
  });

  it("moves the level clearly at each level shift", () => {
    for (const s of all) {
      for (const l of s.labels) {
        if (l.type !== "level-shift") continue;
        const before = unlabelled(s, l.index - 40, l.index - 1);
        const after = unlabelled(s, l.index, l.index + 39);
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
        const ratio =
          s.kind === "error_rate" ? mean(after) / mean(before) : median(after) / median(before);
        expect(ratio > 1.5 || ratio < 1 / 1.5, `${s.id} @${l.index}: ${ratio}`).toBe(true);
      }
    }
  });
});
