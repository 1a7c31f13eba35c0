import { describe, expect, it } from "vitest";
import { evaluateExpression, parseExpression } from "./expression";
import { validateJsonSchema } from "./json-schema";
import { parseBindingPath, parseTemplate, readPath } from "./template";

function evaluate(rule: string, value: unknown, input: unknown = {}) {
  const parsed = parseExpression(rule);
  if (!parsed.ok) throw new Error(parsed.error);
  return evaluateExpression(parsed.value, (path) => {
    if (path.root === "steps") return null;
    const found = readPath(path.root === "input" ? input : value, path.segments);
    return found.found ? found.value : null;
  });
}

describe("binding paths and templates", () => {
  it("parses the three roots, with array indexes either way", () => {
    expect(parseBindingPath("input.topic")).toEqual({
      ok: true,
      value: { root: "input", segments: ["topic"] },
    });
    expect(parseBindingPath("steps.search.output.items[0].url")).toEqual({
      ok: true,
      value: { root: "steps", step: "search", segments: ["items", "0", "url"] },
    });
    expect(parseBindingPath("value")).toEqual({ ok: true, value: { root: "value", segments: [] } });
  });

  it("rejects paths that do not read a step's output or start elsewhere", () => {
    expect(parseBindingPath("steps.search.items")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/steps.<id>.output/),
    });
    expect(parseBindingPath("env.SECRET")).toMatchObject({ ok: false });
    expect(parseBindingPath("input..x")).toMatchObject({ ok: false });
  });

  it("splits templates and spots a template that is one whole binding", () => {
    const mixed = parseTemplate("Hi {{ input.name }}!");
    expect(mixed.ok && mixed.value.parts.length).toBe(3);
    expect(parseTemplate("{{value.items}}")).toMatchObject({
      ok: true,
      value: { isSingleBinding: true },
    });
    expect(parseTemplate("Hi {{input.name")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/never closed/),
    });
  });

  it("reports the first missing segment instead of yielding undefined", () => {
    expect(readPath({ a: { b: [1] } }, ["a", "b", "0"])).toEqual({ found: true, value: 1 });
    expect(readPath({ a: {} }, ["a", "c", "d"])).toEqual({ found: false, missing: "a.c" });
  });
});

describe("rule expressions", () => {
  it("compares, combines and negates", () => {
    expect(
      evaluate('value.priority == "high" && value.score >= 0.8', { priority: "high", score: 0.9 }),
    ).toBe(true);
    expect(evaluate("value.score > 1 or not value.ok", { score: 0.5, ok: false })).toBe(true);
    expect(evaluate("(value.a || value.b) && !value.c", { a: 0, b: "x", c: [] })).toBe(true);
  });

  it("treats a missing field as null rather than failing", () => {
    expect(evaluate("value.missing == null", {})).toBe(true);
    expect(evaluate("value.missing > 3", {})).toBe(false);
  });

  it("supports contains on text, lists and object keys", () => {
    expect(evaluate("value contains 'refund'", "I want a refund")).toBe(true);
    expect(evaluate("value.tags contains 'vip'", { tags: ["new", "vip"] })).toBe(true);
    expect(evaluate("input contains 'email'", null, { email: "a@b.c" })).toBe(true);
  });

  it("explains syntax errors", () => {
    expect(parseExpression("value.a ==")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ends too early/),
    });
    expect(parseExpression("(value.a")).toMatchObject({
      ok: false,
      error: expect.stringMatching(/never closed/),
    });
    expect(parseExpression("value.a = 1")).toMatchObject({ ok: false });
  });
});

describe("validateJsonSchema", () => {
  const schema = {
    type: "object" as const,
    properties: {
      topic: { type: "string" as const, minLength: 3 },
      depth: { type: "integer" as const, enum: [1, 2, 3] },
    },
    required: ["topic"],
  };

  it("accepts conforming values and lists every problem otherwise", () => {
    expect(validateJsonSchema({ topic: "tides", depth: 2 }, schema)).toEqual([]);
    expect(validateJsonSchema({ depth: 5 }, schema)).toEqual([
      "input.topic: is required",
      "input.depth: must be one of 1, 2, 3",
    ]);
    expect(validateJsonSchema({ topic: 42 }, schema)).toEqual([
      "input.topic: expected string, got number",
    ]);
  });
});
