import { describe, expect, it } from "vitest";
import { PATTERNS, type Pattern } from "../autonomy/vocabulary";
import { predictOutcome } from "./predict-outcome";
import { createRng } from "./random";
import { createLearningBook, recordOutcome, type LearningBook } from "./strategy-stats";

describe("predictOutcome", () => {
  it("falls back from class+strategy to pattern to all runs to the prior", () => {
    let book = createLearningBook();
    const target = { taskClass: "fetch|-", strategyId: "single", pattern: "single" as Pattern };
    expect(predictOutcome(book, target)).toMatchObject({
      successProbability: 0.5,
      latencyMs: null,
      basis: "prior",
    });
    book = recordOutcome(book, {
      taskClass: "files|-",
      pattern: "chain",
      strategyId: "chain",
      success: true,
      latencyMs: 2000,
      tokens: 10,
      cost: 0.02,
    });
    expect(predictOutcome(book, target).basis).toBe("global");
    book = recordOutcome(book, {
      taskClass: "code|-",
      pattern: "single",
      strategyId: "single",
      success: false,
      latencyMs: 1000,
      tokens: 10,
      cost: 0.01,
    });
    expect(predictOutcome(book, target).basis).toBe("pattern");
    for (let i = 0; i < 40; i++) {
      book = recordOutcome(book, {
        ...target,
        success: true,
        latencyMs: 500,
        tokens: 10,
        cost: 0.005,
      });
    }
    const prediction = predictOutcome(book, target);
    expect(prediction.basis).toBe("class-strategy");
    expect(prediction.observations).toEqual({ classStrategy: 40, pattern: 41, global: 42 });
    expect(prediction.successProbability).toBeGreaterThan(0.9);
    expect(prediction.latencyMs).toBeGreaterThan(500);
    expect(prediction.latencyMs).toBeLessThan(600);
  });

  it("is calibrated on simulated outcomes: predicted and observed success agree per bin", () => {
    const rng = createRng(2024);
    // 60 (class, strategy) pairs with hidden success rates, each run 1–60 times.
    const truths = Array.from({ length: 60 }, (_, i) => ({
      taskClass: `class-${i % 20}`,
      strategyId: `s-${i}`,
      pattern: PATTERNS[i % PATTERNS.length] as Pattern,
      rate: 0.05 + 0.9 * rng(),
      runs: 1 + Math.floor(rng() * 60),
    }));
    let book: LearningBook = createLearningBook();
    for (const t of truths) {
      for (let k = 0; k < t.runs; k++) {
        book = recordOutcome(book, {
          ...t,
          success: rng() < t.rate,
          latencyMs: 100,
          tokens: 1,
          cost: 0,
        });
      }
    }
    const bins = Array.from({ length: 5 }, () => ({ predicted: 0, observed: 0, n: 0 }));
    for (const t of truths) {
      const p = predictOutcome(book, t).successProbability;
      const bin = bins[Math.min(4, Math.floor(p * 5))] as (typeof bins)[number];
      for (let k = 0; k < 200; k++) {
        bin.predicted += p;
        bin.observed += rng() < t.rate ? 1 : 0;
        bin.n++;
      }
    }
    for (const bin of bins.filter((b) => b.n >= 600)) {
      expect(Math.abs(bin.predicted / bin.n - bin.observed / bin.n)).toBeLessThan(0.08);
    }
    expect(bins.filter((b) => b.n >= 600).length).toBeGreaterThanOrEqual(3);
  });
});
