import { describe, expect, it } from "vitest";

import { FIRST_ANOMALY_INDEX, MIN_LABEL_GAP, generateSeries, type GeneratedSeries } from "./biz";

const SEEDS = [1, 7, 42, 2024, 99_991];
const bySeed = new Map(SEEDS.map((seed) => [seed, generateSeries(seed)]));
const all: GeneratedSeries[] = [...bySeed.values()].flat();

describe("biz generator", () => {
  it("is deterministic per seed and differs between seeds", () => {
    expect(generateSeries(42)).toEqual(bySeed.get(42));
    expect(JSON.stringify(generateSeries(7))).not.toEqual(JSON.stringify(bySeed.get(42)));
  });

  it("gives 40–60 series per seed with unique ids and every kind", () => {
    for (const list of bySeed.values()) {
      expect(list.length).toBeGreaterThanOrEqual(40);
      expect(list.length).toBeLessThanOrEqual(60);
      expect(new Set(list.map((s) => s.id)).size).toBe(list.length);
      expect(new Set(list.map((s) => s.kind))).toEqual(
        new Set(["count", "cost", "latency", "error_rate"]),
      );
    }
  });

  it("has 150–1,500 points per series, strictly increasing finite timestamps", () => {
    const problems: string[] = [];
    for (const s of all) {
      if (s.points.length < 150 || s.points.length > 1500) problems.push(`${s.id}: length`);
      s.points.forEach(([t, v], i) => {
        if (!Number.isFinite(t) || !Number.isFinite(v)) problems.push(`${s.id}[${i}]: not finite`);
        if (i > 0 && t <= s.points[i - 1]![0]) problems.push(`${s.id}[${i}]: time order`);
      });
    }
    expect(problems).toEqual([]);
  });

  it("keeps each kind's values in range", () => {
    const inRange: Record<GeneratedSeries["kind"], (v: number) => boolean> = {
      count: (v) => Number.isInteger(v) && v >= 0,
      error_rate: (v) => v >= 0 && v <= 1,
      latency: (v) => v > 0,
      cost: (v) => v >= 0,
    };
    const problems: string[] = [];
    for (const s of all) {
      s.points.forEach(([, v], i) => {
        if (!inRange[s.kind](v)) problems.push(`${s.id}[${i}] = ${v}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it("places labels within bounds, after point 100, in order and at least 30 points apart", () => {
    for (const s of all) {
      let previousEnd = -Infinity;
      for (const label of s.labels) {
        expect(label.index).toBeGreaterThanOrEqual(FIRST_ANOMALY_INDEX);
        expect(label.end).toBeGreaterThanOrEqual(label.index);
        expect(label.end).toBeLessThan(s.points.length);
        if (label.type === "level-shift") {
          expect(label.end).toBe(label.index);
          expect(s.points.length - label.index).toBeGreaterThanOrEqual(40);
        }
        expect(label.index - previousEnd).toBeGreaterThanOrEqual(MIN_LABEL_GAP);
        previousEnd = label.end;
      }
    }
  });

  it("leaves roughly a fifth of the series without anomalies and uses every label type", () => {
    const clean = all.filter((s) => s.labels.length === 0).length / all.length;
    expect(clean).toBeGreaterThan(0.1);
    expect(clean).toBeLessThan(0.4);
    const types = new Set(all.flatMap((s) => s.labels.map((l) => l.type)));
    expect(types).toEqual(new Set(["spike", "dip", "level-shift"]));
    expect(
      all
        .filter((s) => s.kind !== "count" && s.kind !== "cost")
        .some((s) => s.labels.some((l) => l.type === "dip")),
    ).toBe(false);
  });

  it("makes every spike top the unlabelled points just before it (since the last level shift)", () => {
    for (const s of all) {
      for (const label of s.labels) {
        if (label.type !== "spike") continue;
        const lastShift = Math.max(
          -1,
          ...s.labels
            .filter((l) => l.type === "level-shift" && l.index < label.index)
            .map((l) => l.index),
        );
        const inLabel = (i: number) => s.labels.some((l) => i >= l.index && i <= l.end);
        const before: number[] = [];
        for (let i = Math.max(0, label.index - 48, lastShift); i < label.index; i++) {
          if (!inLabel(i)) before.push(s.points[i]![1]);
        }
        const spikeMin = Math.min(...s.points.slice(label.index, label.end + 1).map(([, v]) => v));
        expect(spikeMin, `${s.id} spike at ${label.index}`).toBeGreaterThan(Math.max(...before));
      }
    }
  });

  it("makes every dip fall well below the level of the same weekday-and-hour points around it", () => {
    for (const s of all) {
      for (const label of s.labels) {
        if (label.type !== "dip") continue;
        const dip = s.points.slice(label.index, label.end + 1).map(([, v]) => v);
        const dipMean = dip.reduce((a, b) => a + b, 0) / dip.length;
        // The same clock times one week earlier (nearest points by timestamp).
        const week = 7 * 24 * 3600_000;
        const reference: number[] = [];
        for (let i = label.index; i <= label.end; i++) {
          const target = s.points[i]![0] - week;
          let best = -1;
          for (let j = 0; j < label.index; j++) {
            if (
              best < 0 ||
              Math.abs(s.points[j]![0] - target) < Math.abs(s.points[best]![0] - target)
            )
              best = j;
          }
          if (best >= 0) reference.push(s.points[best]![1]);
        }
        const refMean = reference.reduce((a, b) => a + b, 0) / reference.length;
        expect(dipMean, `${s.id} dip at ${label.index}`).toBeLessThan(0.4 * refMean);
      }
    }
  });
});
