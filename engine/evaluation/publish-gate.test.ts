import { describe, expect, it } from "vitest";
import { summarizeEvaluation, type EvaluatedItem } from "./aggregate";
import { compareEvaluations } from "./compare";
import { decidePublishGate, PublishGateSettingsSchema, type GateEvaluation } from "./publish-gate";

const item = (itemId: string, score: number | null): EvaluatedItem => ({
  itemId,
  results: [
    score === null
      ? { evaluatorId: "j", kind: "llm-judge", score: null, error: "no model" }
      : { evaluatorId: "x", kind: "contains", score, reason: "" },
  ],
});
const evaluation = (
  items: EvaluatedItem[],
  extra: Partial<GateEvaluation> = {},
): GateEvaluation => ({
  evaluationId: "e",
  datasetId: "d1",
  status: "completed",
  summary: summarizeEvaluation(items),
  ...extra,
});
const settings = PublishGateSettingsSchema.parse({ datasetId: "d1", minScore: 0.8 });

describe("decidePublishGate", () => {
  it("is not required without gate settings", () => {
    expect(decidePublishGate(null, null)).toEqual({
      decision: "not-required",
      reason: "this workflow has no evaluation gate",
    });
  });

  it("passes at or above the minimum score", () => {
    const decision = decidePublishGate(settings, evaluation([item("a", 1), item("b", 0.6)]));
    expect(decision).toMatchObject({ decision: "pass", score: 0.8 });
    expect(decision.reason).toMatch(
      /^scored 0\.8 \(95% interval .*\), at least the required 0\.8$/,
    );
  });

  it("refuses below it, listing the regressions against the published version's evaluation", () => {
    const published = {
      evaluationId: "old",
      datasetVersionId: "v1",
      items: [item("a", 1), item("b", 1), item("c", 1)],
    };
    const draft = {
      evaluationId: "new",
      datasetVersionId: "v1",
      items: [item("a", 1), item("b", 0.5), item("c", 0)],
    };
    const comparison = compareEvaluations(published, draft);
    if (!comparison.ok) throw new Error(comparison.error);
    const decision = decidePublishGate(settings, evaluation(draft.items), comparison.value);
    expect(decision).toMatchObject({
      decision: "refuse",
      regressions: [
        { itemId: "c", score: 0, previousScore: 1, delta: -1 },
        { itemId: "b", score: 0.5, previousScore: 1, delta: -0.5 },
      ],
    });
    expect(decision.reason).toMatch(
      /^scored 0\.5 \(95% interval .*\) on the gate's dataset; at least 0\.8 is required$/,
    );
  });

  it("lists the failing items when there is no published version to compare with", () => {
    expect(
      decidePublishGate(settings, evaluation([item("a", 0), item("b", 1), item("c", 0.25)])),
    ).toMatchObject({
      decision: "refuse",
      regressions: [
        { itemId: "a", score: 0 },
        { itemId: "c", score: 0.25 },
      ],
    });
  });

  it("refuses without an evaluation, with another dataset's, an unfinished one, or one with nothing scored", () => {
    const reasons = [
      decidePublishGate(settings, null),
      decidePublishGate(settings, evaluation([item("a", 1)], { datasetId: "d2" })),
      decidePublishGate(settings, evaluation([item("a", 1)], { status: "cancelled" })),
      decidePublishGate(settings, evaluation([item("a", null)])),
    ].map((decision) => [decision.decision, decision.reason]);
    expect(reasons).toEqual([
      ["refuse", "the gate needs an evaluation of this version on its dataset, and none was run"],
      ["refuse", "the evaluation ran another dataset than the one the gate requires"],
      ["refuse", "the evaluation is cancelled, not completed (1 items evaluated)"],
      ["refuse", "no item could be scored (every evaluator errored); see the evaluators' errors"],
    ]);
  });

  it("says how many items could not be scored", () => {
    expect(decidePublishGate(settings, evaluation([item("a", 1), item("b", null)])).reason).toMatch(
      /; 1 items could not be scored$/,
    );
  });

  it("checks its settings", () => {
    expect(
      PublishGateSettingsSchema.safeParse({ datasetId: "d", minScore: 1.5 }).error?.issues[0]
        ?.message,
    ).toBe("the minimum score is between 0 and 1");
  });
});
