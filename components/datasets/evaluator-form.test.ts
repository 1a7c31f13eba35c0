import { describe, expect, it } from "vitest";
import { EvaluatorSchema } from "@/engine/evaluation";
import {
  checkEvaluators,
  EVALUATOR_KIND_LIST,
  formShapeOf,
  newEvaluator,
  problemsOutsideFields,
  serverEvaluatorProblems,
} from "./evaluator-form";

describe("the evaluator editor", () => {
  it("offers every kind the engine scores", () => {
    expect([...EVALUATOR_KIND_LIST].sort()).toEqual(
      EvaluatorSchema.options.map((o) => o.shape.kind.value).sort(),
    );
  });

  it("starts a new evaluator with an id not taken and the engine's defaults filled in", () => {
    expect(newEvaluator("exact-match", [])).toEqual({
      id: "exact-match",
      kind: "exact-match",
      ignoreCase: false,
      trim: true,
    });
    expect(newEvaluator("exact-match", ["exact-match", "exact-match-2"]).id).toBe("exact-match-3");
    expect(newEvaluator("llm-judge", [])).toEqual({
      id: "llm-judge",
      kind: "llm-judge",
      model: null,
      showReference: true,
    });
    expect(Object.keys(formShapeOf("regex").shape)).toEqual([
      "outputPath",
      "pattern",
      "flags",
      "expect",
    ]);
  });

  it("checks the drafts with the engine's schema, each problem keyed by its evaluator and field", () => {
    const result = checkEvaluators([
      { ...newEvaluator("regex", []), pattern: "(" },
      { ...newEvaluator("latency", []) },
      { ...newEvaluator("json-schema", []), schema: { type: "thing" } },
      { ...newEvaluator("exact-match", []), id: "regex" },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.get("0.pattern")?.[0]).toBeTruthy();
    expect(result.problems.get("1.maxMs")).toEqual(["Required"]);
    expect(result.problems.get("2.schema")?.[0]).toMatch(/^type: /);
    expect(result.problems.get("3.id")).toEqual(['two evaluators are named "regex"']);
    const twice = checkEvaluators([
      { ...newEvaluator("latency", []), maxMs: 100 },
      { ...newEvaluator("cost", []), id: "latency", maxUsd: 1 },
    ]);
    expect(twice).toEqual({
      ok: false,
      problems: new Map([["1.id", ['two evaluators are named "latency"']]]),
    });
    expect(checkEvaluators([])).toEqual({
      ok: false,
      problems: new Map([["", ["add at least one evaluator"]]]),
    });
    const fine = [{ ...newEvaluator("exact-match", []), outputPath: "welcome.subject" }];
    expect(checkEvaluators(fine)).toEqual({ ok: true, evaluators: fine });
  });

  it("places the server's problems beside their fields, and the rest at the top", () => {
    const error = Object.assign(new Error("The evaluators are invalid"), {
      data: {
        appDetails: {
          problems: [
            { path: "0.pattern", message: "unbalanced (" },
            { path: "1", message: "bad kind" },
            { path: "", message: "add at least one evaluator" },
          ],
        },
      },
    });
    const problems = serverEvaluatorProblems(error);
    expect(problems.get("0.pattern")).toEqual(["unbalanced ("]);
    expect(problemsOutsideFields(problems, 1, ["maxMs"])).toEqual(["bad kind"]);
    expect(problems.get("")).toEqual(["add at least one evaluator"]);
    expect(serverEvaluatorProblems(new Error("Network down")).get("")).toEqual(["Network down"]);
  });
});
