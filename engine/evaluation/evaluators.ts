import { z } from "zod";
import { JsonSchemaSchema } from "../schema/json-schema";
import { toModelId } from "../schema/model-id";
import { parseEvaluatorExpression } from "./evaluator-expression";
import { compileSafeRegex } from "./safe-regex";

/**
 * Evaluators as data: each scores one evaluated item in [0, 1] with a reason. Stored with a
 * dataset (several per dataset); `id` names the evaluator in results and comparisons.
 *
 * `outputPath` / `referencePath` pick a part of the output or reference (`answer.text`,
 * `items[0]`); without them the whole value is used, as text when it is a string and as JSON
 * otherwise.
 */
const path = z.string().trim().min(1).max(200).optional();
const base = {
  id: z.string().trim().min(1).max(64),
  /** Shown in results; the kind is shown when absent. */
  name: z.string().trim().max(100).optional(),
};
const model = z
  .string()
  .trim()
  .max(200)
  .transform((text) => (text === "" ? null : toModelId(text)))
  .nullable()
  .default(null);

export const ExactMatchEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("exact-match"),
  outputPath: path,
  referencePath: path,
  /** A fixed expected value; the item's reference when absent. */
  expected: z.unknown().optional(),
  ignoreCase: z.boolean().default(false),
  /** Leading and trailing whitespace do not count. */
  trim: z.boolean().default(true),
});

export const ContainsEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("contains"),
  outputPath: path,
  /** The texts to look for; the item's reference (as text) when empty. */
  values: z.array(z.string().min(1).max(1000)).max(50).default([]),
  /** all: the share found is the score; any: 1 if one is found; none: the share not found. */
  match: z.enum(["all", "any", "none"]).default("all"),
  ignoreCase: z.boolean().default(false),
});

export const RegexEvaluatorSchema = z
  .object({
    ...base,
    kind: z.literal("regex"),
    outputPath: path,
    pattern: z.string().max(1000),
    flags: z.string().max(4).default(""),
    /** no-match: scores 1 when the pattern is not found (for "never says X"). */
    expect: z.enum(["match", "no-match"]).default("match"),
  })
  .superRefine((value, ctx) => {
    const compiled = compileSafeRegex(value.pattern, value.flags);
    if (!compiled.ok) ctx.addIssue({ code: "custom", path: ["pattern"], message: compiled.error });
  });

export const JsonSchemaEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("json-schema"),
  outputPath: path,
  schema: JsonSchemaSchema,
});

export const NumericEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("numeric"),
  outputPath: path,
  referencePath: path,
  /** A fixed expected number; the item's reference when absent. */
  expected: z.number().optional(),
  /** Passes when |output − expected| ≤ max(absoluteTolerance, relativeTolerance × |expected|). */
  absoluteTolerance: z.number().nonnegative().default(0),
  relativeTolerance: z.number().nonnegative().default(0),
});

export const LatencyEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("latency"),
  maxMs: z.number().positive(),
});

export const CostEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("cost"),
  maxUsd: z.number().nonnegative(),
});

export const ExpressionEvaluatorSchema = z
  .object({
    ...base,
    kind: z.literal("expression"),
    /** A rule over input, output and reference: true scores 1, false or nothing 0, a number in [0, 1] is the score. */
    expression: z.string().trim().min(1).max(2000),
  })
  .superRefine((value, ctx) => {
    const parsed = parseEvaluatorExpression(value.expression);
    if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["expression"], message: parsed.error });
  });

export const LlmJudgeEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("llm-judge"),
  model,
  rubric: z.string().trim().min(1, "write the rubric the judge scores against").max(4000),
  /** Whether the judge sees the item's reference answer. */
  showReference: z.boolean().default(true),
});

export const SemanticSimilarityEvaluatorSchema = z.object({
  ...base,
  kind: z.literal("semantic-similarity"),
  model,
  outputPath: path,
  referencePath: path,
});

export const EvaluatorSchema = z.discriminatedUnion("kind", [
  ExactMatchEvaluatorSchema,
  ContainsEvaluatorSchema,
  RegexEvaluatorSchema,
  JsonSchemaEvaluatorSchema,
  NumericEvaluatorSchema,
  LatencyEvaluatorSchema,
  CostEvaluatorSchema,
  ExpressionEvaluatorSchema,
  LlmJudgeEvaluatorSchema,
  SemanticSimilarityEvaluatorSchema,
]);
export type Evaluator = z.output<typeof EvaluatorSchema>;
export type EvaluatorInput = z.input<typeof EvaluatorSchema>;
export type EvaluatorKind = Evaluator["kind"];
export type EvaluatorOf<K extends EvaluatorKind> = Extract<Evaluator, { kind: K }>;

export const MAX_EVALUATORS = 20;

/** A dataset's evaluators: ids unique, at least one. */
export const EvaluatorListSchema = z
  .array(EvaluatorSchema)
  .min(1, "add at least one evaluator")
  .max(MAX_EVALUATORS, `a dataset has at most ${MAX_EVALUATORS} evaluators`)
  .superRefine((evaluators, ctx) => {
    const seen = new Set<string>();
    evaluators.forEach((evaluator, index) => {
      if (seen.has(evaluator.id))
        ctx.addIssue({
          code: "custom",
          path: [index, "id"],
          message: `two evaluators are named "${evaluator.id}"`,
        });
      seen.add(evaluator.id);
    });
  });

/** Which evaluators need a model, so the UI can say so before an evaluation starts. */
export function needsModel(evaluator: Evaluator): "judge" | "embeddings" | null {
  return evaluator.kind === "llm-judge"
    ? "judge"
    : evaluator.kind === "semantic-similarity"
      ? "embeddings"
      : null;
}
