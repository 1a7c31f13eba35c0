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
    expect(window.entries).toHaveLength(3);
    expect(summarizeWindow(window, 20, "v2")).toMatchObject({ count: 2, success: 1 });
    expect(summarizeWindow(window, 20, "v1").count).toBe(1);
  });
});

describe("medianOf", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(medianOf([3, 1, 100])).toBe(3);
    expect(medianOf([4, 1, 2, 3])).toBe(2.5);
    expect(medianOf([])).toBeNaN();
  });
});
