import { describe, expect, it } from "vitest";
import { createRng } from "../learning/random";
import type { EvaluatedItem } from "./aggregate";
import { compareEvaluations, type EvaluationRun } from "./compare";
import type { EvaluatorResult } from "./score-item";

const result = (evaluatorId: string, score: number | null): EvaluatorResult =>
  score === null
    ? { evaluatorId, kind: "llm-judge", score: null, error: "no model" }
    : { evaluatorId, kind: "contains", score, reason: "" };
const item = (
  itemId: string,
  scores: Record<string, number | null>,
  extra: Partial<EvaluatedItem> = {},
): EvaluatedItem => ({
  itemId,
  results: Object.entries(scores).map(([id, score]) => result(id, score)),
  ...extra,
});
const run = (
  evaluationId: string,
  items: EvaluatedItem[],
  datasetVersionId = "v1",
): EvaluationRun => ({ evaluationId, datasetVersionId, items });

describe("compareEvaluations", () => {
  const base = run("e4", [
    item("a", { x: 1, y: 1 }, { costUsd: 0.01, durationMs: 100 }),
    item("b", { x: 1, y: 0 }, { costUsd: 0.01, durationMs: 200 }),
    item("c", { x: 0, y: 0 }, { costUsd: 0.01, durationMs: 300 }),
    item("d", { x: 1, y: 1 }, { costUsd: 0.01, durationMs: 400 }),
    item("e", { x: 1, y: 1 }),
    item("gone", { x: 1, y: 1 }),
  ]);
  const candidate = run("e5", [
    item("a", { x: 1, y: 0 }, { costUsd: 0.02, durationMs: 150 }),
    item("b", { x: 0, y: 0 }, { costUsd: 0.02, durationMs: 250 }),
    item("c", { x: 1, y: 1 }, { costUsd: 0.02, durationMs: 350 }),
    item("d", { x: 1, y: 1 }, { costUsd: 0.02, durationMs: 450 }),
    item("e", { x: null, y: null }),
    item("new", { x: 1, y: 1 }),
  ]);
  const comparison = compareEvaluations(base, candidate);
  if (!comparison.ok) throw new Error(comparison.error);
  const value = comparison.value;

  it("lists regressions first, largest drop first, then lost scores, improvements and unchanged items", () => {
    expect(value.items.map((i) => [i.itemId, i.change, i.delta])).toEqual([
      ["a", "regressed", -0.5],
      ["b", "regressed", -0.5],
      ["e", "unscored", null],
      ["c", "improved", 1],
      ["d", "unchanged", 0],
    ]);
    expect(value.counts).toEqual({ regressed: 2, unscored: 1, improved: 1, unchanged: 1 });
    expect(value.items[0]?.evaluators).toEqual([
      { evaluatorId: "x", base: 1, candidate: 1, delta: 0 },
      { evaluatorId: "y", base: 1, candidate: 0, delta: -1 },
    ]);
  });

  it("names items only one evaluation has, and scores both over the items both scored", () => {
    expect(value.onlyInBase).toEqual(["gone"]);
    expect(value.onlyInCandidate).toEqual(["new"]);
    expect(value.score.base).toBeCloseTo((1 + 0.5 + 0 + 1) / 4, 12);
    expect(value.score.candidate).toBeCloseTo((0.5 + 0 + 1 + 1) / 4, 12);
  });

  it("gives the paired difference with an interval, and cost and latency deltas", () => {
    expect(value.pairedDifference?.mean).toBeCloseTo(0, 12);
    expect(value.pairedDifference?.low).toBeLessThan(0);
    expect(value.pairedDifference?.high).toBeGreaterThan(0);
    expect(value.meanCostUsd.delta).toBeCloseTo(0.01, 12);
    expect(value.totalCostUsd.delta).toBeCloseTo(0.04, 12);
    expect(value.p50DurationMs).toEqual({ base: 250, candidate: 300, delta: 50 });
    expect(value.byEvaluator.map((e) => [e.evaluatorId, e.delta])).toEqual([
      ["x", 0],
      ["y", 0],
    ]);
  });

  it("refuses evaluations of different dataset versions", () => {
    expect(compareEvaluations(run("a", [], "v1"), run("b", [], "v2"))).toEqual({
      ok: false,
      error:
        "the evaluations ran different dataset versions (v1 and v2); compare evaluations of the same version",
    });
  });

  it("ignores drops within the tolerance", () => {
    const small = compareEvaluations(
      run("a", [item("i", { x: 0.9 })]),
      run("b", [item("i", { x: 0.85 })]),
      { tolerance: 0.1 },
    );
    expect(small.ok && small.value.items[0]?.change).toBe("unchanged");
    expect(small.ok && small.value.byEvaluator[0]?.delta).toBeCloseTo(-0.05, 12);
  });

  it("agrees with itself when the two are swapped (generated evaluations)", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = createRng(seed);
      const ids = Array.from({ length: 1 + Math.floor(rng() * 25) }, (_, i) => `i${i}`);
      const make = (name: string) =>
        run(
          name,
          ids.map((id) =>
            item(id, { x: Math.round(rng() * 4) / 4, y: rng() < 0.1 ? null : rng() < 0.8 ? 1 : 0 }),
          ),
        );
      const [a, b] = [make("a"), make("b")];
      const forward = compareEvaluations(a, b);
      const backward = compareEvaluations(b, a);
      if (!forward.ok || !backward.ok) throw new Error("same version");
      expect(forward.value.counts.regressed).toBe(backward.value.counts.improved);
      expect(forward.value.counts.unchanged).toBe(backward.value.counts.unchanged);
      if (forward.value.pairedDifference && backward.value.pairedDifference) {
        expect(forward.value.pairedDifference.mean).toBeCloseTo(
          -backward.value.pairedDifference.mean,
          12,
        );
        expect(forward.value.pairedDifference.low).toBeCloseTo(
          -backward.value.pairedDifference.high,
          12,
        );
      }
      const deltas = forward.value.items
        .filter((i) => i.change === "regressed")
        .map((i) => i.delta as number);
      expect(deltas).toEqual([...deltas].sort((x, y) => x - y));
    }
  });
});
