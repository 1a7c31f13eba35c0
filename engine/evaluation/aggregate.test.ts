import { describe, expect, it } from "vitest";
import { createRng } from "../learning/random";
import {
  describeDistribution,
  quantile,
  summarizeEvaluation,
  type EvaluatedItem,
} from "./aggregate";
import type { EvaluatorResult } from "./score-item";

const ok = (evaluatorId: string, score: number): EvaluatorResult => ({
  evaluatorId,
  kind: "contains",
  score,
  reason: "",
});
const failed = (evaluatorId: string, error = "no model is configured"): EvaluatorResult => ({
  evaluatorId,
  kind: "llm-judge",
  score: null,
  error,
});
const item = (
  itemId: string,
  results: EvaluatorResult[],
  extra: Partial<EvaluatedItem> = {},
): EvaluatedItem => ({ itemId, results, ...extra });

describe("summarizeEvaluation", () => {
  const items = [
    item("a", [ok("c", 1), failed("j")], {
      durationMs: 100,
      costUsd: 0.01,
      usage: { inputTokens: 10, outputTokens: 5 },
    }),
    item("b", [ok("c", 0.5), ok("j", 0)], { durationMs: 300, costUsd: 0.03 }),
    item("c", [failed("c", "the item has no reference answer"), failed("j")], { durationMs: 200 }),
    item("d", [ok("c", 0), ok("j", 0)], {
      runFailed: true,
      usage: { inputTokens: 1, outputTokens: 1 },
    }),
  ];
  const summary = summarizeEvaluation(items, { passThreshold: 0.5 });

  it("scores as the mean over items of each item's mean, skipping errored evaluators and counting them", () => {
    // a: 1 (judge skipped), b: 0.25, c: no score, d: 0
    expect(summary.score).toBeCloseTo((1 + 0.25 + 0) / 3, 12);
    expect(summary).toMatchObject({
      items: 4,
      scoredItems: 3,
      unscoredItemIds: ["c"],
      erroredResults: 3,
      failedRuns: 1,
    });
  });

  it("counts passes against the threshold and lists failures lowest first", () => {
    expect(summary).toMatchObject({
      passedItems: 1,
      passRate: 1 / 3,
      failedItems: [
        { itemId: "d", score: 0 },
        { itemId: "b", score: 0.25 },
      ],
    });
  });

  it("gives each evaluator's mean and its first error", () => {
    expect(summary.byEvaluator).toEqual([
      {
        evaluatorId: "c",
        kind: "contains",
        mean: 0.5,
        scored: 3,
        errored: 1,
        firstError: "the item has no reference answer",
      },
      {
        evaluatorId: "j",
        kind: "llm-judge",
        mean: 0,
        scored: 2,
        errored: 2,
        firstError: "no model is configured",
      },
    ]);
  });

  it("summarises cost over the items whose cost is known, latency and tokens", () => {
    expect(summary.costUsd).toMatchObject({ count: 2, total: 0.04, max: 0.03 });
    expect(summary.costUsd?.mean).toBeCloseTo(0.02, 12);
    expect(summary.durationMs).toMatchObject({ count: 3, mean: 200, p50: 200, max: 300 });
    expect(summary.tokens).toEqual({ inputTokens: 11, outputTokens: 6 });
  });

  it("puts the score inside its interval", () => {
    expect(summary.interval?.low).toBeLessThanOrEqual(summary.score as number);
    expect(summary.interval?.high).toBeGreaterThanOrEqual(summary.score as number);
  });

  it("has no score, pass rate or interval when nothing could be scored", () => {
    expect(summarizeEvaluation([item("a", [failed("j")])])).toMatchObject({
      score: null,
      interval: null,
      passRate: null,
      scoredItems: 0,
      costUsd: null,
    });
    expect(summarizeEvaluation([])).toMatchObject({ items: 0, score: null });
  });

  it("does not depend on the order of items (generated evaluations)", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rng = createRng(seed);
      const generated = Array.from({ length: 1 + Math.floor(rng() * 30) }, (_, i) =>
        item(
          `i${i}`,
          [
            rng() < 0.1 ? failed("x") : ok("x", Math.round(rng() * 4) / 4),
            ok("y", rng() < 0.7 ? 1 : 0),
          ],
          { durationMs: Math.round(rng() * 1000) },
        ),
      );
      const shuffled = [...generated].sort(() => rng() - 0.5);
      const [a, b] = [summarizeEvaluation(generated), summarizeEvaluation(shuffled)];
      expect(b.score).toBeCloseTo(a.score as number, 12);
      expect(b.failedItems).toEqual(a.failedItems);
      expect(b.durationMs).toEqual(a.durationMs);
      expect(a.score as number).toBeGreaterThanOrEqual(0);
      expect(a.score as number).toBeLessThanOrEqual(1);
    }
  });
});

describe("distributions", () => {
  it("interpolate percentiles between order statistics", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(describeDistribution([100, 200, 300])).toEqual({
      count: 3,
      mean: 200,
      p50: 200,
      p95: 290,
      max: 300,
      total: 600,
    });
    expect(describeDistribution([])).toBeNull();
  });
});
