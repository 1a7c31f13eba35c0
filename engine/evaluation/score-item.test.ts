import { describe, expect, it } from "vitest";
import { createFakeLlm } from "../runtime/fake-ports";
import {
  createLlmJudge,
  JUDGE_OUTPUT_SCHEMA,
  type EmbeddingPort,
  type JudgePort,
} from "./evaluator-ports";
import { EvaluatorListSchema, EvaluatorSchema, type EvaluatorInput } from "./evaluators";
import { combineScores, scoreItem, type EvaluatedCase } from "./score-item";

const evaluator = (input: EvaluatorInput) => EvaluatorSchema.parse(input);
async function scoreWith(input: EvaluatorInput, item: EvaluatedCase, ports = {}) {
  const { results } = await scoreItem([evaluator(input)], item, ports);
  return results[0];
}
const item = (
  output: unknown,
  reference?: unknown,
  extra: Partial<EvaluatedCase> = {},
): EvaluatedCase => ({ input: { q: "?" }, output, reference, ...extra });

describe("exact match", () => {
  it("compares text with the reference, trimming by default and ignoring case when asked", async () => {
    expect(await scoreWith({ id: "e", kind: "exact-match" }, item(" Paris\n", "Paris"))).toEqual({
      evaluatorId: "e",
      kind: "exact-match",
      score: 1,
      reason: "matches exactly",
    });
    expect(await scoreWith({ id: "e", kind: "exact-match" }, item("paris", "Paris"))).toMatchObject(
      { score: 0, reason: 'expected "Paris", got "paris"' },
    );
    expect(
      await scoreWith({ id: "e", kind: "exact-match", ignoreCase: true }, item("paris", "Paris")),
    ).toMatchObject({ score: 1 });
  });

  it("compares JSON regardless of key order, at a path, or against a fixed value", async () => {
    expect(
      await scoreWith(
        { id: "e", kind: "exact-match" },
        item({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }),
      ),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith(
        { id: "e", kind: "exact-match", outputPath: "answer", referencePath: "items[0]" },
        item({ answer: "x" }, { items: ["x"] }),
      ),
    ).toMatchObject({ score: 1 });
    expect(await scoreWith({ id: "e", kind: "exact-match", expected: 3 }, item(3))).toMatchObject({
      score: 1,
    });
    expect(
      await scoreWith({ id: "e", kind: "exact-match", outputPath: "answer" }, item({}, "x")),
    ).toMatchObject({ score: 0, reason: "the output has no answer" });
  });

  it("cannot score without a reference or an expected value, and says so", async () => {
    expect(await scoreWith({ id: "e", kind: "exact-match" }, item("x"))).toEqual({
      evaluatorId: "e",
      kind: "exact-match",
      score: null,
      error: "the item has no reference answer and the evaluator sets no expected value",
    });
  });
});

describe("contains", () => {
  it("scores the share of texts found, any of them, or none of them", async () => {
    const output = item("Welcome, Ann! Your desk is ready.");
    expect(
      await scoreWith({ id: "c", kind: "contains", values: ["Welcome", "Ann", "laptop"] }, output),
    ).toMatchObject({ score: 2 / 3, reason: 'missing "laptop"' });
    expect(
      await scoreWith(
        { id: "c", kind: "contains", values: ["laptop", "desk"], match: "any" },
        output,
      ),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith({ id: "c", kind: "contains", values: ["sorry"], match: "none" }, output),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith({ id: "c", kind: "contains", values: ["ANN"], ignoreCase: true }, output),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith({ id: "c", kind: "contains" }, item("The answer is 42.", 42)),
    ).toMatchObject({ score: 1 });
  });
});

describe("regular expression", () => {
  it("matches, or scores 1 for no match when told", async () => {
    expect(
      await scoreWith(
        { id: "r", kind: "regex", pattern: "^ticket #\\d+", flags: "i" },
        item("Ticket #42 opened"),
      ),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith(
        { id: "r", kind: "regex", pattern: "as an AI", expect: "no-match" },
        item("As an AI, I can't"),
      ),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith(
        { id: "r", kind: "regex", pattern: "as an AI", flags: "i", expect: "no-match" },
        item("As an AI, I can't"),
      ),
    ).toMatchObject({ score: 0 });
  });

  it("refuses unsafe patterns when the evaluator is saved", () => {
    const parsed = EvaluatorSchema.safeParse({ id: "r", kind: "regex", pattern: "(a)\\1" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["pattern"],
      message: expect.stringMatching(/backreferences/),
    });
  });

  it("refuses to match an output over the input limit instead of taking long", async () => {
    expect(
      await scoreWith({ id: "r", kind: "regex", pattern: "x" }, item("a".repeat(50_001))),
    ).toMatchObject({ score: null, error: expect.stringMatching(/at most 50000/) });
  });
});

describe("JSON schema", () => {
  const schema = {
    type: "object" as const,
    required: ["name"],
    properties: { name: { type: "string" as const } },
  };
  it("scores 1 when the output fits, reading JSON from text, and lists what breaks it otherwise", async () => {
    expect(
      await scoreWith({ id: "j", kind: "json-schema", schema }, item('{"name":"Ann"}')),
    ).toMatchObject({ score: 1, reason: "fits the schema" });
    expect(
      await scoreWith({ id: "j", kind: "json-schema", schema }, item({ name: 3 })),
    ).toMatchObject({ score: 0, reason: "output.name: expected string, got number" });
    expect(
      await scoreWith({ id: "j", kind: "json-schema", schema }, item("Sure! Here it is")),
    ).toMatchObject({ score: 0, reason: "the output is text, not JSON" });
  });
});

describe("numeric", () => {
  it("passes within an absolute or relative tolerance of the reference", async () => {
    expect(
      await scoreWith({ id: "n", kind: "numeric", absoluteTolerance: 0.5 }, item("10.4", 10)),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith({ id: "n", kind: "numeric", relativeTolerance: 0.01 }, item(103, 100)),
    ).toMatchObject({ score: 0, reason: "103 is 3 away from 100; the tolerance is 1" });
    expect(await scoreWith({ id: "n", kind: "numeric" }, item("about ten", 10))).toMatchObject({
      score: 0,
      reason: 'the output "about ten" is not a number',
    });
    expect(await scoreWith({ id: "n", kind: "numeric", expected: 5 }, item(5))).toMatchObject({
      score: 1,
    });
  });
});

describe("latency and cost bounds", () => {
  it("score 1 within the bound, 0 over it, and cannot score what was not measured", async () => {
    expect(
      await scoreWith(
        { id: "l", kind: "latency", maxMs: 1000 },
        item("x", undefined, { durationMs: 800 }),
      ),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith(
        { id: "l", kind: "latency", maxMs: 1000 },
        item("x", undefined, { durationMs: 1200 }),
      ),
    ).toMatchObject({ score: 0, reason: "took 1200 ms, over the 1000 ms bound" });
    expect(
      await scoreWith(
        { id: "c", kind: "cost", maxUsd: 0.01 },
        item("x", undefined, { costUsd: 0.002 }),
      ),
    ).toMatchObject({ score: 1 });
    expect(await scoreWith({ id: "c", kind: "cost", maxUsd: 0.01 }, item("x"))).toMatchObject({
      score: null,
      error: expect.stringMatching(/cost is not known/),
    });
  });
});

describe("expression", () => {
  it("scores true as 1, false or nothing as 0, a number in [0, 1] as itself", async () => {
    expect(
      await scoreWith(
        { id: "x", kind: "expression", expression: "output.total == reference.total" },
        item({ total: 3 }, { total: 3 }),
      ),
    ).toMatchObject({ score: 1 });
    expect(
      await scoreWith(
        { id: "x", kind: "expression", expression: "output.confidence" },
        item({ confidence: 0.7 }),
      ),
    ).toMatchObject({ score: 0.7 });
    expect(
      await scoreWith({ id: "x", kind: "expression", expression: "output.missing" }, item({})),
    ).toMatchObject({ score: 0, reason: "output.missing reads nothing" });
    expect(
      await scoreWith(
        { id: "x", kind: "expression", expression: "output.count" },
        item({ count: 7 }),
      ),
    ).toMatchObject({
      score: null,
      error: expect.stringMatching(/not true, false or a number from 0 to 1/),
    });
  });

  it("refuses an expression that does not parse when the evaluator is saved", () => {
    const parsed = EvaluatorSchema.safeParse({
      id: "x",
      kind: "expression",
      expression: "value.x == 1",
    });
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ["expression"],
      message: '"value.x" must start with input, output or reference',
    });
  });
});

describe("LLM judge and semantic similarity", () => {
  const judgeEvaluator: EvaluatorInput = {
    id: "judge",
    kind: "llm-judge",
    model: "openai:gpt-4o-mini",
    rubric: "Is the answer polite?",
  };
  const similarity: EvaluatorInput = { id: "sim", kind: "semantic-similarity" };

  it("without a model, fail only themselves with a clear reason; the other evaluators still score", async () => {
    const evaluators = EvaluatorListSchema.parse([
      judgeEvaluator,
      similarity,
      { id: "exact", kind: "exact-match" },
    ]);
    const scored = await scoreItem(evaluators, item("Hi", "Hi"));
    expect(scored.results).toEqual([
      {
        evaluatorId: "judge",
        kind: "llm-judge",
        score: null,
        error: "no model configured for LLM judges: set up an LLM provider to use this evaluator",
      },
      {
        evaluatorId: "sim",
        kind: "semantic-similarity",
        score: null,
        error:
          "no model configured for embeddings: set up an embedding model to use semantic similarity",
      },
      { evaluatorId: "exact", kind: "exact-match", score: 1, reason: "matches exactly" },
    ]);
    expect(scored).toMatchObject({ score: 1, erroredEvaluators: 2 });
  });

  it("score through the ports, passing the chosen model, and keep the judge's cost", async () => {
    const seen: unknown[] = [];
    const judge: JudgePort = {
      judge: async (request) => (
        seen.push(request),
        { score: 0.8, reason: "polite", costUsd: 0.001 }
      ),
    };
    const embeddings: EmbeddingPort = {
      embed: async () => ({
        vectors: [
          [1, 0],
          [0.6, 0.8],
        ],
      }),
    };
    const scored = await scoreItem(
      EvaluatorListSchema.parse([judgeEvaluator, similarity]),
      item("Hello!", "Hi"),
      { judge, embeddings },
    );
    expect(scored.results).toEqual([
      {
        evaluatorId: "judge",
        kind: "llm-judge",
        score: 0.8,
        reason: "polite",
        costUsd: 0.001,
        usage: undefined,
      },
      {
        evaluatorId: "sim",
        kind: "semantic-similarity",
        score: 0.6,
        reason: "cosine similarity 0.600 with the reference",
        usage: undefined,
        costUsd: undefined,
      },
    ]);
    expect(seen[0]).toMatchObject({
      model: "openai/gpt-4o-mini",
      rubric: "Is the answer polite?",
      output: "Hello!",
      reference: "Hi",
    });
  });

  it("turn a port that throws or answers nonsense into that evaluator's error", async () => {
    const judge: JudgePort = { judge: async () => ({ score: 7, reason: "great" }) };
    const embeddings: EmbeddingPort = {
      embed: async () => {
        throw new Error("provider unreachable");
      },
    };
    const scored = await scoreItem(
      EvaluatorListSchema.parse([judgeEvaluator, similarity]),
      item("Hello!", "Hi"),
      { judge, embeddings },
    );
    expect(
      scored.results.map((result) => (result.score === null ? result.error : result.score)),
    ).toEqual([
      "the judge answered a score outside 0 to 1 (7)",
      "the evaluator failed: provider unreachable",
    ]);
    expect(scored).toMatchObject({ score: null, erroredEvaluators: 2 });
  });

  it("judges through the LLM port with structured output, the rubric as instructions and the item as data", async () => {
    const llm = createFakeLlm(() => ({
      object: { score: 0.25, reason: "curt" },
      costUsd: 0.0004,
      usage: { inputTokens: 120, outputTokens: 9 },
    }));
    const verdict = await createLlmJudge(llm).judge({
      model: "openai/gpt-4o-mini",
      rubric: "Polite?",
      input: { q: "hi" },
      output: "no.",
      reference: "Hello!",
    });
    expect(verdict).toEqual({
      score: 0.25,
      reason: "curt",
      costUsd: 0.0004,
      usage: { inputTokens: 120, outputTokens: 9 },
    });
    const request = llm.calls[0];
    expect(request).toMatchObject({
      model: "openai/gpt-4o-mini",
      temperature: 0,
      outputSchema: JUDGE_OUTPUT_SCHEMA,
    });
    const [system, user] = (request?.messages ?? []).map((message) =>
      "content" in message ? message.content : "",
    );
    expect(system).toContain("Rubric:\nPolite?");
    expect(user).toBe(
      '<input>\n{\n  "q": "hi"\n}\n</input>\n\n<answer>\nno.\n</answer>\n\n<reference_answer>\nHello!\n</reference_answer>',
    );
  });

  it("reports a judge answer without a score as out of range rather than as 0", async () => {
    const llm = createFakeLlm(() => ({ object: { verdict: "fine" } }));
    const scored = await scoreItem(EvaluatorListSchema.parse([judgeEvaluator]), item("x"), {
      judge: createLlmJudge(llm),
    });
    expect(scored.results[0]).toMatchObject({
      score: null,
      error: "the judge answered a score outside 0 to 1 (NaN)",
    });
  });
});

describe("scoreItem", () => {
  it("scores 0 everywhere for a failed run, with the run's error as the reason", async () => {
    const scored = await scoreItem(
      EvaluatorListSchema.parse([
        { id: "l", kind: "latency", maxMs: 10 },
        { id: "e", kind: "exact-match" },
      ]),
      item(undefined, "x", { runError: "LLM_NOT_CONFIGURED" }),
    );
    expect(
      scored.results.map((result) => [result.score, "reason" in result && result.reason]),
    ).toEqual([
      [0, "the run failed: LLM_NOT_CONFIGURED"],
      [0, "the run failed: LLM_NOT_CONFIGURED"],
    ]);
    expect(scored.score).toBe(0);
  });

  it("keeps every score in [0, 1] (generated outputs against every deterministic kind)", async () => {
    const evaluators = EvaluatorListSchema.parse([
      { id: "a", kind: "exact-match" },
      { id: "b", kind: "contains", values: ["a", "b", "c"] },
      { id: "c", kind: "regex", pattern: "a+b" },
      { id: "d", kind: "json-schema", schema: { type: "object" } },
      { id: "e", kind: "numeric", absoluteTolerance: 1 },
      { id: "f", kind: "latency", maxMs: 100 },
      { id: "g", kind: "cost", maxUsd: 0.5 },
      { id: "h", kind: "expression", expression: "output.x" },
    ]);
    const values = [
      undefined,
      null,
      0,
      1,
      -3.5,
      "",
      "ab",
      "aab c",
      "{}",
      '{"x":0.5}',
      [],
      [1, "a"],
      { x: 0.2 },
      { x: true },
      { x: "b" },
    ];
    for (const output of values)
      for (const reference of values) {
        const scored = await scoreItem(evaluators, {
          input: {},
          output,
          reference,
          durationMs: 50,
          costUsd: 0.7,
        });
        for (const result of scored.results)
          if (result.score !== null)
            expect(
              result.score >= 0 && result.score <= 1,
              `${result.evaluatorId} on ${JSON.stringify(output)}`,
            ).toBe(true);
        if (scored.score !== null) expect(scored.score).toBeGreaterThanOrEqual(0);
      }
  });

  it("combines results as the mean of those that scored", () => {
    expect(combineScores([])).toEqual({ score: null, erroredEvaluators: 0 });
    expect(
      combineScores([
        { evaluatorId: "a", kind: "latency", score: 1, reason: "" },
        { evaluatorId: "b", kind: "cost", score: null, error: "x" },
        { evaluatorId: "c", kind: "contains", score: 0.5, reason: "" },
      ]),
    ).toEqual({ score: 0.75, erroredEvaluators: 1 });
  });
});

describe("evaluator lists", () => {
  it("refuse repeated ids and empty lists", () => {
    expect(EvaluatorListSchema.safeParse([]).error?.issues[0]?.message).toBe(
      "add at least one evaluator",
    );
    const twice = EvaluatorListSchema.safeParse([
      { id: "a", kind: "latency", maxMs: 1 },
      { id: "a", kind: "cost", maxUsd: 1 },
    ]);
    expect(twice.error?.issues[0]).toMatchObject({
      path: [1, "id"],
      message: 'two evaluators are named "a"',
    });
  });
});
