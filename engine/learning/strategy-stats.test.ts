import { describe, expect, it } from "vitest";
import { analyzeTask } from "../autonomy/analyze-task";
import { classifyTask, type Outcome } from "./outcome";
import {
  addToMean,
  createLearningBook,
  createStats,
  EMPTY_MEAN,
  learnedPatternStats,
  recordOutcome,
  successShare,
  updateStats,
  varianceOf,
} from "./strategy-stats";

const outcome = (over: Partial<Outcome> = {}): Outcome => ({
  taskClass: "files+sqlite|q",
  pattern: "chain",
  strategyId: "chain@v1",
  success: true,
  latencyMs: 1000,
  tokens: 500,
  cost: 0.01,
  ...over,
});

describe("classifyTask", () => {
  it("keys a task by its capabilities and structure, stable across wording", () => {
    expect(
      classifyTask(
        analyzeTask(
          "Read data/events.csv, load it into a new SQLite table and report the row count",
        ),
      ),
    ).toBe("files+sqlite|q");
    expect(classifyTask(analyzeTask("Load events.csv into the SQLite database app.db"))).toBe(
      "files+sqlite|q",
    );
    expect(classifyTask(analyzeTask("Write a haiku about autumn"))).toBe("none|-");
  });
});

describe("running means (Welford)", () => {
  it("matches the direct mean and sample variance", () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6];
    const m = xs.reduce(addToMean, EMPTY_MEAN);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(m.mean).toBeCloseTo(mean, 12);
    expect(varianceOf(m)).toBeCloseTo(
      xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1),
      12,
    );
  });

  it("ignores values that are not finite", () => {
    expect(addToMean(EMPTY_MEAN, Number.NaN)).toBe(EMPTY_MEAN);
  });
});

describe("updateStats", () => {
  it("updates the Beta posterior and the means without touching its input", () => {
    const before = createStats();
    const after = updateStats(
      updateStats(before, outcome()),
      outcome({ success: false, latencyMs: 3000, rating: 4 }),
    );
    expect(before).toEqual(createStats());
    expect(after).toMatchObject({ alpha: 2, beta: 2, n: 2, successes: 1 });
    expect(after.latencyMs.mean).toBe(2000);
    expect(after.rating).toMatchObject({ n: 1, mean: 4 });
  });
});

describe("recordOutcome", () => {
  it("records at the class-strategy, class-pattern, pattern and global levels", () => {
    let book = createLearningBook();
    book = recordOutcome(book, outcome());
    book = recordOutcome(book, outcome({ strategyId: "chain@v2", success: false }));
    book = recordOutcome(
      book,
      outcome({ taskClass: "fetch|-", pattern: "single", strategyId: "single" }),
    );
    expect(book.byClass["files+sqlite|q"]?.["chain@v1"]?.n).toBe(1);
    expect(book.byClass["files+sqlite|q"]?.["chain@v2"]?.beta).toBe(2);
    expect(book.byClassPattern["files+sqlite|q"]?.chain?.n).toBe(2);
    expect(book.byPattern.chain?.n).toBe(2);
    expect(book.global.n).toBe(3);
    expect(learnedPatternStats(book, "files+sqlite|q")).toEqual({ chain: { alpha: 2, beta: 2 } });
    expect(learnedPatternStats(book, "unknown")).toBeUndefined();
  });

  it("folds an evaluation's score in as that share of a success (a fractional Beta update)", () => {
    const stats = updateStats(createStats(), outcome({ success: true, score: 0.75 }));
    expect(stats).toMatchObject({ alpha: 1.75, beta: 1.25, n: 1, successes: 0.75 });
    expect(successShare({ success: false })).toBe(0);
    expect(successShare({ success: true, score: null })).toBe(1);
    expect(successShare({ success: true, score: 1.5 })).toBe(1);
  });
});
