import { describe, expect, it } from "vitest";
import { evaluateEvaluatorExpression, parseEvaluatorExpression } from "./evaluator-expression";

function run(source: string, subject: { input: unknown; output?: unknown; reference?: unknown }) {
  const parsed = parseEvaluatorExpression(source);
  if (!parsed.ok) throw new Error(parsed.error);
  return evaluateEvaluatorExpression(parsed.value, subject);
}

describe("evaluator expressions", () => {
  const subject = {
    input: { lang: "fr" },
    output: { status: "ok", total: 12, tags: ["a"] },
    reference: { total: 12 },
  };

  it("reads input, output and reference with the rule language's operators", () => {
    expect(run('output.status == "ok" && output.total == reference.total', subject)).toBe(true);
    expect(run("output.total > 20 or input.lang == 'fr'", subject)).toBe(true);
    expect(run('output.tags contains "a" and not output.missing', subject)).toBe(true);
    expect(run("output.total >= reference.total", { ...subject, reference: { total: 13 } })).toBe(
      false,
    );
  });

  it("leaves names that only look like roots inside strings alone", () => {
    expect(run("output.status != 'output.status'", subject)).toBe(true);
    expect(run('input.lang == "reference"', subject)).toBe(false);
  });

  it("refuses other roots, naming the allowed ones", () => {
    expect(parseEvaluatorExpression("value.x == 1")).toEqual({
      ok: false,
      error: '"value.x" must start with input, output or reference',
    });
    expect(parseEvaluatorExpression("steps.a.output.x")).toEqual({
      ok: false,
      error: '"steps.a.output.x" must start with input, output or reference',
    });
  });

  it("gives parse errors in the user's words and character positions", () => {
    expect(parseEvaluatorExpression("reference.total == 'x")).toEqual({
      ok: false,
      error: "unclosed string starting at character 20",
    });
    expect(parseEvaluatorExpression("output.total == ")).toEqual({
      ok: false,
      error: "the expression ends too early",
    });
    expect(parseEvaluatorExpression("output.a ==# 1")).toEqual({
      ok: false,
      error: 'unexpected "#" at character 12',
    });
    expect(parseEvaluatorExpression("output.a[x] == 1")).toEqual({
      ok: false,
      error: '"output.a[x]" is not a valid path',
    });
  });
});
