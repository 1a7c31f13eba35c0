import { describe, expect, it } from "vitest";
import { createWindow, medianOf, pushEntry, summarizeWindow } from "./weighted-stats";

const fill = (durations: number[], versionId = "v1") => {
  const window = createWindow();
  for (const ms of durations)
    pushEntry(window, { versionId, logDuration: Math.log(ms), logTokens: 0, success: 1 }, 40);
  return window;
};

describe("summarizeWindow", () => {
  it("keeps the median of equal-weight runs where it was when one run is an outlier", () => {
    const steady = [900, 1000, 1100, 950, 1050, 1000, 980, 1020];
    const before = summarizeWindow(fill(steady), 1e9);
    const after = summarizeWindow(fill([...steady.slice(0, 4), 60_000, ...steady.slice(4)]), 1e9);
    expect(Math.exp(before.logDuration)).toBeCloseTo(1000, 0);
    // One run 60× slower moves the median by at most one place among the others, not by its size.
    expect(Math.exp(after.logDuration)).toBeGreaterThan(999);
    expect(Math.exp(after.logDuration)).toBeLessThan(1021);
    expect(after.spread).toBeLessThan(0.15);
  });

  it("weighs recent runs more: after a change the median follows the newest runs", () => {
    const window = fill([...Array(20).fill(1000), ...Array(8).fill(5000)]);
    expect(Math.exp(summarizeWindow(window, 1e9).logDuration)).toBeCloseTo(1000, 6);
    expect(Math.exp(summarizeWindow(window, 5).logDuration)).toBeCloseTo(5000, 0);
  });

  it("gives the weighted mean of success and the robust spread of a known sample", () => {
    const window = createWindow();
    [1, 0, 1, 1, 1].forEach((success, i) =>
      pushEntry(window, { versionId: "v", logDuration: i, logTokens: 0, success }, 40),
    );
    const summary = summarizeWindow(window, 1e9);
    expect(summary.success).toBeCloseTo(0.8, 6);
    expect(summary.count).toBe(5);
    // Values 0..4: median 2, deviations 2, 1, 0, 1, 2 → MAD 1.
    expect(summary.logDuration).toBe(2);
    expect(summary.spread).toBeCloseTo(1.4826, 4);
  });

  it("leaves one version's runs out when asked, and keeps only the newest runs", () => {
    const window = fill([1000, 1000, 1000]);
    pushEntry(
      window,
      { versionId: "v2", logDuration: Math.log(9000), logTokens: 0, success: 0 },
      3,
    );
    expect(window.size).toBe(3);
    expect(summarizeWindow(window, 20, "v2")).toMatchObject({ count: 2, success: 1 });
    expect(summarizeWindow(window, 20, "v1").count).toBe(1);
  });
});

/** A weighted median computed the plain way: sort, then walk to half the weight. */
function plainMedian(items: { v: number; w: number }[]) {
  const sorted = [...items].sort((a, b) => a.v - b.v);
  const total = items.reduce((sum, i) => sum + i.w, 0);
  let seen = 0;
  for (const item of sorted) if ((seen += item.w) >= total / 2 - 1e-12) return item.v;
  return sorted[sorted.length - 1]!.v;
}

describe("a window's ring of runs", () => {
  it("summarizes its newest runs as a plain sort of them would, long after it first filled and through many versions", () => {
    const window = createWindow();
    const pushed: { versionId: string; logDuration: number; logTokens: number; success: number }[] =
      [];
    let x = 7;
    const next = () => (x = (x * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 500; i++) {
      const run = {
        versionId: `v${Math.floor(i / (i < 250 ? 90 : 3))}`,
        logDuration: Math.round(next() * 50) / 10,
        logTokens: Math.round(next() * 30) / 10,
        success: next() < 0.7 ? 1 : 0,
      };
      pushEntry(window, run, 40);
      pushed.push(run);
      if (i % 37 !== 0) continue;
      const held = pushed.slice(-40);
      const weightOf = (k: number) => Math.pow(0.5, (held.length - 1 - k) / 20);
      for (const exclude of [undefined, held[0]!.versionId, "none"]) {
        const kept = held
          .map((r, k) => ({ r, w: weightOf(k) }))
          .filter((e) => e.r.versionId !== exclude);
        const summary = summarizeWindow(window, 20, exclude);
        expect(summary.count).toBe(kept.length);
        if (kept.length === 0) continue;
        const weight = kept.reduce((sum, e) => sum + e.w, 0);
        expect(summary.weight).toBeCloseTo(weight, 9);
        expect(summary.success).toBeCloseTo(
          kept.reduce((s, e) => s + e.w * e.r.success, 0) / weight,
          9,
        );
        expect(summary.logDuration).toBe(
          plainMedian(kept.map((e) => ({ v: e.r.logDuration, w: e.w }))),
        );
        expect(summary.logTokens).toBe(
          plainMedian(kept.map((e) => ({ v: e.r.logTokens, w: e.w }))),
        );
      }
    }
    expect(window.size).toBe(40);
  });
});

describe("medianOf", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(medianOf([3, 1, 100])).toBe(3);
    expect(medianOf([4, 1, 2, 3])).toBe(2.5);
    expect(medianOf([])).toBeNaN();
  });
});
