import { describe, expect, it } from "vitest";
import {
  deltaTone,
  evaluationDurationMs,
  evaluatorLabel,
  formatDelta,
  formatInterval,
  formatScore,
  formatScoreWithInterval,
  formatSigned,
  isFailingItem,
  orderForCompare,
  pageOf,
  pollIntervalMs,
  parseTags,
  previewValue,
  progressOf,
  toEvaluatedItem,
  versionLabel,
} from "./format";

const interval = { mean: 0.8, low: 0.712, high: 0.951, n: 20, level: 0.95 };

describe("evaluation formatting", () => {
  it("shows scores with two decimals and a dash when there is none", () => {
    expect(formatScore(0.8333)).toBe("0.83");
    expect(formatScore(1)).toBe("1.00");
    expect(formatScore(null)).toBe("—");
  });

  it("shows the 95% interval, clipped to [0, 1]", () => {
    expect(formatInterval(interval)).toBe("0.71–0.95");
    expect(formatInterval({ ...interval, low: -0.1, high: 1.2 })).toBe("0.00–1.00");
    expect(formatInterval(null)).toBe("");
    expect(formatScoreWithInterval(0.8, interval)).toBe("0.80 (95% CI 0.71–0.95)");
    expect(formatScoreWithInterval(0.8, null)).toBe("0.80");
    expect(formatScoreWithInterval(null, interval)).toBe("—");
  });

  it("signs differences and says which way is better", () => {
    expect(formatDelta(-0.25, "score")).toBe("−0.25");
    expect(formatDelta(0.1, "score")).toBe("+0.10");
    expect(formatDelta(0.0001, "score")).toBe("±0.00");
    expect(formatDelta(null, "score")).toBe("—");
    expect(formatDelta(0.0012, "usd")).toBe("+$0.0012");
    expect(formatDelta(-1500, "ms")).toBe("−1.5 s");
    expect(formatSigned(-0.054)).toBe("−0.05");
    expect(formatSigned(12.4, 0)).toBe("+12");
    expect(formatSigned(-0.001)).toBe("±0.00");
    expect(deltaTone(0.2, true)).toBe("better");
    expect(deltaTone(0.2, false)).toBe("worse");
    expect(deltaTone(0, true)).toBe("same");
    expect(deltaTone(null, true)).toBe("same");
  });

  it("names the version evaluated", () => {
    expect(versionLabel({ isDraft: true, workflowVersion: null })).toBe("Draft");
    expect(versionLabel({ isDraft: false, workflowVersion: 3 })).toBe("v3");
    expect(versionLabel({ isDraft: false, workflowVersion: null })).toBe("deleted version");
  });

  it("counts progress and duration, running ones up to now", () => {
    expect(progressOf(3, 8)).toEqual({ label: "3 / 8", percent: 38 });
    expect(progressOf(0, 0)).toEqual({ label: "0 / 0", percent: 0 });
    const startedAt = new Date(1_000);
    expect(evaluationDurationMs({ startedAt, finishedAt: new Date(4_000) }, 9_000)).toBe(3_000);
    expect(evaluationDurationMs({ startedAt, finishedAt: null }, 9_000)).toBe(8_000);
    expect(evaluationDurationMs({ startedAt: null, finishedAt: null }, 9_000)).toBeNull();
  });

  it("counts an item as failing when its run failed, it has no score, or it scores below the threshold", () => {
    expect(isFailingItem({ score: 0.4, runError: null }, 0.5)).toBe(true);
    expect(isFailingItem({ score: 0.5, runError: null }, 0.5)).toBe(false);
    expect(isFailingItem({ score: null, runError: null }, 0.5)).toBe(true);
    expect(isFailingItem({ score: 1, runError: "the run failed" }, 0.5)).toBe(true);
  });

  it("pages a list and keeps a page past the end on the last one", () => {
    const items = Array.from({ length: 45 }, (_, i) => i);
    expect(pageOf(items, 0, 20)).toEqual({ rows: items.slice(0, 20), page: 0, pages: 3 });
    expect(pageOf(items, 5, 20)).toEqual({ rows: items.slice(40), page: 2, pages: 3 });
    expect(pageOf([], 0, 20)).toEqual({ rows: [], page: 0, pages: 1 });
  });

  it("compares the earlier evaluation (base) with the later one (candidate), only when two are picked", () => {
    const a = { id: "a", createdAt: new Date(2_000) };
    const b = { id: "b", createdAt: new Date(1_000) };
    expect(orderForCompare([a, b])).toEqual({ base: b, candidate: a });
    expect(orderForCompare([a])).toBeNull();
  });

  it("reads a stored item as the engine's summary reads it", () => {
    const item = {
      itemId: "a",
      results: [],
      durationMs: null,
      costUsd: 0.01,
      usage: null,
      runError: "boom",
    };
    expect(toEvaluatedItem(item)).toEqual({
      itemId: "a",
      results: [],
      costUsd: 0.01,
      runFailed: true,
    });
  });

  it("labels evaluators and previews values on one line", () => {
    expect(evaluatorLabel({ id: "exact", name: "Greets by name", kind: "exact-match" })).toBe(
      "Greets by name",
    );
    expect(evaluatorLabel({ id: "exact", kind: "exact-match" })).toBe("exact (exact-match)");
    expect(evaluatorLabel({ id: "contains", kind: "contains" })).toBe("contains");
    expect(previewValue({ name: "Ada" })).toBe('{"name":"Ada"}');
    expect(previewValue("x".repeat(10), 5)).toBe("xxxx…");
    expect(previewValue(null)).toBe("—");
    expect(parseTags(" onboarding, edge case,,onboarding ")).toEqual(["onboarding", "edge case"]);
    expect(parseTags("")).toEqual([]);
  });
});

describe("pollIntervalMs", () => {
  it("re-reads a small evaluation every second and a large one less often, never slower than every 10 s", () => {
    expect(pollIntervalMs(4)).toBe(1000);
    expect(pollIntervalMs(3000)).toBe(3000);
    expect(pollIntervalMs(10_000)).toBe(10_000);
    expect(pollIntervalMs(50_000)).toBe(10_000);
  });
});
