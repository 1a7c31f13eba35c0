import type { TokenUsage } from "../schema/run-events";
import { validateJsonSchema } from "../schema/json-schema";
import { readPath, stringifyValue } from "../schema/template";
import { evaluateEvaluatorExpression, parseEvaluatorExpression } from "./evaluator-expression";
import type { EvaluatorPorts } from "./evaluator-ports";
import type { Evaluator, EvaluatorKind, EvaluatorOf } from "./evaluators";
import { compileSafeRegex, SAFE_REGEX_LIMITS } from "./safe-regex";

/** One dataset item after its run: what the evaluators read. */
export type EvaluatedCase = {
  input: Record<string, unknown>;
  /** The run's output; absent when the run failed. */
  output?: unknown;
  reference?: unknown;
  durationMs?: number;
  /** Unknown (absent) when the model's prices are not known. */
  costUsd?: number;
  /** Set when the run failed: every evaluator scores 0 with this as its reason. */
  runError?: string;
};

export type EvaluatorResult =
  | {
      evaluatorId: string;
      kind: EvaluatorKind;
      score: number;
      reason: string;
      usage?: TokenUsage;
      costUsd?: number;
    }
  /** The evaluator could not score this item (no model, no reference, …); aggregation skips it. */
  | { evaluatorId: string; kind: EvaluatorKind; score: null; error: string };

export type ItemScore = {
  results: EvaluatorResult[];
  /** Mean of the scores that exist; null when every evaluator errored. */
  score: number | null;
  erroredEvaluators: number;
};

type Scored =
  { score: number; reason: string; usage?: TokenUsage; costUsd?: number } | { error: string };

const QUOTE_CHARS = 80;
const quote = (text: string) =>
  JSON.stringify(text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text);
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function pick(
  value: unknown,
  path: string | undefined,
  what: string,
): { found: true; value: unknown } | { found: false; error: string } {
  if (path === undefined)
    return value === undefined
      ? { found: false, error: `there is no ${what}` }
      : { found: true, value };
  const segments = path
    .split(/\.|\[(\d+)\]/)
    .filter((segment) => segment !== undefined && segment !== "");
  const found = readPath(value, segments);
  return found.found ? found : { found: false, error: `the ${what} has no ${path}` };
}

/** Key-order-insensitive JSON, so {a,b} equals {b,a}. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      )
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** The expected value: fixed on the evaluator, else the item's reference (at a path). */
function expectedOf(
  evaluator: { expected?: unknown; referencePath?: string },
  item: EvaluatedCase,
) {
  if (evaluator.expected !== undefined) return { found: true as const, value: evaluator.expected };
  if (item.reference === undefined)
    return {
      found: false as const,
      error: "the item has no reference answer and the evaluator sets no expected value",
    };
  return pick(item.reference, evaluator.referencePath, "reference");
}

function scoreExactMatch(evaluator: EvaluatorOf<"exact-match">, item: EvaluatedCase): Scored {
  const output = pick(item.output, evaluator.outputPath, "output");
  if (!output.found) return { score: 0, reason: output.error };
  const expected = expectedOf(evaluator, item);
  if (!expected.found) return { error: expected.error };
  if (typeof output.value === "string" || typeof expected.value === "string") {
    const normalise = (value: unknown) => {
      let text = stringifyValue(value);
      if (evaluator.trim) text = text.trim();
      return evaluator.ignoreCase ? text.toLowerCase() : text;
    };
    const [got, want] = [normalise(output.value), normalise(expected.value)];
    return got === want
      ? { score: 1, reason: "matches exactly" }
      : { score: 0, reason: `expected ${quote(want)}, got ${quote(got)}` };
  }
  const [got, want] = [canonicalJson(output.value), canonicalJson(expected.value)];
  return got === want
    ? { score: 1, reason: "matches exactly" }
    : { score: 0, reason: `expected ${quote(want)}, got ${quote(got)}` };
}

function scoreContains(evaluator: EvaluatorOf<"contains">, item: EvaluatedCase): Scored {
  const output = pick(item.output, evaluator.outputPath, "output");
  if (!output.found) return { score: 0, reason: output.error };
  let needles = evaluator.values;
  if (needles.length === 0) {
    if (item.reference === undefined)
      return { error: "the evaluator lists no text and the item has no reference answer" };
    needles = [stringifyValue(item.reference)];
  }
  const fold = (text: string) => (evaluator.ignoreCase ? text.toLowerCase() : text);
  const haystack = fold(stringifyValue(output.value));
  const found = needles.filter((needle) => haystack.includes(fold(needle)));
  const missing = needles.filter((needle) => !found.includes(needle));
  const list = (texts: string[]) => texts.map(quote).join(", ");
  switch (evaluator.match) {
    case "all":
      return {
        score: found.length / needles.length,
        reason: missing.length ? `missing ${list(missing)}` : `contains ${list(found)}`,
      };
    case "any":
      return found.length
        ? { score: 1, reason: `contains ${list(found)}` }
        : { score: 0, reason: `contains none of ${list(needles)}` };
    case "none":
      return {
        score: 1 - found.length / needles.length,
        reason: found.length
          ? `contains ${list(found)}, which it must not`
          : `contains none of ${list(needles)}`,
      };
  }
}

function scoreRegex(evaluator: EvaluatorOf<"regex">, item: EvaluatedCase): Scored {
  const output = pick(item.output, evaluator.outputPath, "output");
  if (!output.found) return { score: 0, reason: output.error };
  const compiled = compileSafeRegex(evaluator.pattern, evaluator.flags);
  if (!compiled.ok) return { error: `the pattern cannot be used: ${compiled.error}` };
  const text = stringifyValue(output.value);
  if (text.length > SAFE_REGEX_LIMITS.maxInputChars)
    return {
      error: `the output has ${text.length} characters; patterns are matched against at most ${SAFE_REGEX_LIMITS.maxInputChars}`,
    };
  const matched = compiled.value.test(text);
  const pattern = `/${evaluator.pattern}/${evaluator.flags}`;
  if (evaluator.expect === "match")
    return matched
      ? { score: 1, reason: `matches ${pattern}` }
      : { score: 0, reason: `does not match ${pattern}` };
  return matched
    ? { score: 0, reason: `matches ${pattern}, which it must not` }
    : { score: 1, reason: `does not match ${pattern}` };
}

function scoreJsonSchema(evaluator: EvaluatorOf<"json-schema">, item: EvaluatedCase): Scored {
  let value = item.output;
  if (typeof value === "string") {
    // A text answer that holds JSON (an LLM's reply) is read as that JSON.
    try {
      value = JSON.parse(value);
    } catch {
      if (evaluator.schema.type !== "string")
        return { score: 0, reason: "the output is text, not JSON" };
    }
  }
  const output = pick(value, evaluator.outputPath, "output");
  if (!output.found) return { score: 0, reason: output.error };
  const problems = validateJsonSchema(output.value, evaluator.schema, "output");
  if (problems.length === 0) return { score: 1, reason: "fits the schema" };
  const shown = problems.slice(0, 3).join("; ");
  return {
    score: 0,
    reason: problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown,
  };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const number = Number(value.trim());
  return Number.isFinite(number) ? number : undefined;
}

function scoreNumeric(evaluator: EvaluatorOf<"numeric">, item: EvaluatedCase): Scored {
  const output = pick(item.output, evaluator.outputPath, "output");
  if (!output.found) return { score: 0, reason: output.error };
  const expected = expectedOf(evaluator, item);
  if (!expected.found) return { error: expected.error };
  const want = toNumber(expected.value);
  if (want === undefined)
    return { error: `the expected value ${quote(stringifyValue(expected.value))} is not a number` };
  const got = toNumber(output.value);
  if (got === undefined)
    return {
      score: 0,
      reason: `the output ${quote(stringifyValue(output.value))} is not a number`,
    };
  const tolerance = Math.max(
    evaluator.absoluteTolerance,
    evaluator.relativeTolerance * Math.abs(want),
  );
  const difference = Math.abs(got - want);
  return difference <= tolerance
    ? { score: 1, reason: `${got} is within ${tolerance} of ${want}` }
    : {
        score: 0,
        reason: `${got} is ${difference} away from ${want}; the tolerance is ${tolerance}`,
      };
}

function scoreExpression(evaluator: EvaluatorOf<"expression">, item: EvaluatedCase): Scored {
  const parsed = parseEvaluatorExpression(evaluator.expression);
  if (!parsed.ok) return { error: `the expression cannot be read: ${parsed.error}` };
  const result = evaluateEvaluatorExpression(parsed.value, item);
  if (typeof result === "boolean")
    return { score: result ? 1 : 0, reason: `${evaluator.expression} is ${result}` };
  if (result === null) return { score: 0, reason: `${evaluator.expression} reads nothing` };
  if (typeof result === "number" && result >= 0 && result <= 1)
    return { score: result, reason: `${evaluator.expression} gives ${result}` };
  return {
    error: `${evaluator.expression} gives ${quote(stringifyValue(result))}, not true, false or a number from 0 to 1`,
  };
}

async function scoreJudge(
  evaluator: EvaluatorOf<"llm-judge">,
  item: EvaluatedCase,
  ports: EvaluatorPorts,
): Promise<Scored> {
  if (!ports.judge)
    return {
      error: "no model configured for LLM judges: set up an LLM provider to use this evaluator",
    };
  const verdict = await ports.judge.judge({
    model: evaluator.model,
    rubric: evaluator.rubric,
    input: item.input,
    output: item.output,
    reference: evaluator.showReference ? item.reference : undefined,
    signal: ports.signal,
  });
  if (!Number.isFinite(verdict.score) || verdict.score < 0 || verdict.score > 1)
    return { error: `the judge answered a score outside 0 to 1 (${verdict.score})` };
  return {
    score: verdict.score,
    reason: verdict.reason || "the judge gave no reason",
    usage: verdict.usage,
    costUsd: verdict.costUsd,
  };
}

function cosine(a: number[], b: number[]): number | undefined {
  if (a.length === 0 || a.length !== b.length) return undefined;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i] as number, b[i] as number];
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (normA === 0 || normB === 0) return undefined;
  return dot / Math.sqrt(normA * normB);
}

async function scoreSimilarity(
  evaluator: EvaluatorOf<"semantic-similarity">,
  item: EvaluatedCase,
  ports: EvaluatorPorts,
): Promise<Scored> {
  if (!ports.embeddings)
    return {
      error:
        "no model configured for embeddings: set up an embedding model to use semantic similarity",
    };
  const output = pick(item.output, evaluator.outputPath, "output");
  if (!output.found) return { score: 0, reason: output.error };
  if (item.reference === undefined)
    return { error: "the item has no reference answer to compare with" };
  const reference = pick(item.reference, evaluator.referencePath, "reference");
  if (!reference.found) return { error: reference.error };
  const { vectors, usage, costUsd } = await ports.embeddings.embed({
    model: evaluator.model,
    texts: [stringifyValue(output.value), stringifyValue(reference.value)],
    signal: ports.signal,
  });
  const similarity =
    vectors.length === 2 ? cosine(vectors[0] as number[], vectors[1] as number[]) : undefined;
  if (similarity === undefined || !Number.isFinite(similarity))
    return { error: "the embedding model answered vectors that cannot be compared" };
  // Opposite meanings (negative cosine) score 0, like unrelated ones.
  return {
    score: clamp01(similarity),
    reason: `cosine similarity ${similarity.toFixed(3)} with the reference`,
    usage,
    costUsd,
  };
}

async function scoreOne(
  evaluator: Evaluator,
  item: EvaluatedCase,
  ports: EvaluatorPorts,
): Promise<Scored> {
  switch (evaluator.kind) {
    case "exact-match":
      return scoreExactMatch(evaluator, item);
    case "contains":
      return scoreContains(evaluator, item);
    case "regex":
      return scoreRegex(evaluator, item);
    case "json-schema":
      return scoreJsonSchema(evaluator, item);
    case "numeric":
      return scoreNumeric(evaluator, item);
    case "latency":
      if (item.durationMs === undefined) return { error: "the run's duration is not known" };
      return item.durationMs <= evaluator.maxMs
        ? { score: 1, reason: `took ${item.durationMs} ms, within ${evaluator.maxMs} ms` }
        : { score: 0, reason: `took ${item.durationMs} ms, over the ${evaluator.maxMs} ms bound` };
    case "cost":
      if (item.costUsd === undefined)
        return { error: "the run's cost is not known (a model without a price?)" };
      return item.costUsd <= evaluator.maxUsd
        ? { score: 1, reason: `cost $${item.costUsd}, within $${evaluator.maxUsd}` }
        : { score: 0, reason: `cost $${item.costUsd}, over the $${evaluator.maxUsd} bound` };
    case "expression":
      return scoreExpression(evaluator, item);
    case "llm-judge":
      return scoreJudge(evaluator, item, ports);
    case "semantic-similarity":
      return scoreSimilarity(evaluator, item, ports);
  }
}

/**
 * Scores one item with every evaluator. An evaluator that cannot score (no model configured, no
 * reference, a port that throws) gives `{ score: null, error }` and the others still score; a
 * failed run scores 0 everywhere. The item's score is the mean of the scores that exist.
 * @example await scoreItem([{ id: "exact", kind: "exact-match", … }], { input: {}, output: "Hi", reference: "Hi" }, {})
 *   // → { results: [{ evaluatorId: "exact", score: 1, reason: "matches exactly", … }], score: 1, erroredEvaluators: 0 }
 */
export async function scoreItem(
  evaluators: readonly Evaluator[],
  item: EvaluatedCase,
  ports: EvaluatorPorts = {},
): Promise<ItemScore> {
  const results = await Promise.all(
    evaluators.map(async (evaluator): Promise<EvaluatorResult> => {
      const head = { evaluatorId: evaluator.id, kind: evaluator.kind };
      if (item.runError !== undefined)
        return { ...head, score: 0, reason: `the run failed: ${item.runError}` };
      try {
        const scored = await scoreOne(evaluator, item, ports);
        return "error" in scored
          ? { ...head, score: null, error: scored.error }
          : { ...head, ...scored };
      } catch (error) {
        return {
          ...head,
          score: null,
          error: `the evaluator failed: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    }),
  );
  return { results, ...combineScores(results) };
}

/** The item's score from its evaluators' results: the mean of those that scored. */
export function combineScores(results: readonly EvaluatorResult[]): {
  score: number | null;
  erroredEvaluators: number;
} {
  const scores = results.flatMap((result) => (result.score === null ? [] : [result.score]));
  return {
    score: scores.length ? scores.reduce((sum, score) => sum + score, 0) / scores.length : null,
    erroredEvaluators: results.length - scores.length,
  };
}
