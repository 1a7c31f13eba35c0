import { z } from "zod";
import type { Db } from "@/db/client";
import {
  createLlmJudge,
  EvaluatorListSchema,
  scoreItem,
  type EvaluatedCase,
  type Evaluator,
  type StoredDatasetItem,
} from "@/engine/evaluation";
import type { LlmPort } from "@/engine/runtime/ports";
import * as datasetsRepo from "@/server/repositories/datasets";

/**
 * What counts as success for an A/B experiment's arms (issue 17): the run's own success, or the
 * score one evaluator of one of the workflow's datasets gives the run's output. Stored on the
 * experiment row (`experiments.success_measure`; null is run success).
 */
export const successMeasureSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("run-success") }),
  z.object({
    kind: z.literal("evaluator"),
    datasetId: z.uuid(),
    evaluatorId: z.string().trim().min(1).max(64),
  }),
]);
export type SuccessMeasure = z.infer<typeof successMeasureSchema>;
export type EvaluatorMeasure = Extract<SuccessMeasure, { kind: "evaluator" }>;

/** The measure stored on an experiment row; anything unreadable is run success. */
export function readSuccessMeasure(stored: unknown): SuccessMeasure {
  const parsed = successMeasureSchema.safeParse(stored);
  return parsed.success ? parsed.data : { kind: "run-success" };
}

/** Key order does not matter when an input is matched with a dataset item's. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

type Scorer = { evaluator: Evaluator; items: Map<string, StoredDatasetItem> } | { error: string };

/**
 * Scores finished runs with a dataset's evaluator, reading each dataset once: the item whose input
 * equals the run's input gives the reference (evaluators that need none score any run). Answers the
 * score in [0, 1], or null with the reason when the evaluator cannot score the run.
 */
export function createRunScorer(db: Db, llm: LlmPort | undefined) {
  const scorers = new Map<string, Promise<Scorer>>();
  const judge = llm ? createLlmJudge(llm) : undefined;

  async function load(tenantId: string, measure: EvaluatorMeasure): Promise<Scorer> {
    const dataset = await datasetsRepo.findDataset(db, tenantId, measure.datasetId);
    if (!dataset) return { error: "the dataset of the success measure no longer exists" };
    const evaluators = EvaluatorListSchema.safeParse(dataset.evaluators);
    const evaluator = evaluators.success
      ? evaluators.data.find((e) => e.id === measure.evaluatorId)
      : undefined;
    if (!evaluator)
      return { error: `the dataset "${dataset.name}" has no evaluator "${measure.evaluatorId}"` };
    const version = await datasetsRepo.findDatasetVersion(db, tenantId, dataset.id);
    const items = version ? await datasetsRepo.listVersionItems(db, tenantId, version.id) : [];
    return { evaluator, items: new Map(items.map((item) => [canonical(item.input), item])) };
  }

  return async function scoreRun(
    tenantId: string,
    measure: EvaluatorMeasure,
    run: {
      input: unknown;
      output?: unknown;
      runError?: string;
      latencyMs: number;
      costUsd: number;
    },
  ): Promise<{ score: number | null; reason: string }> {
    const key = `${tenantId}:${measure.datasetId}:${measure.evaluatorId}`;
    let scorer = scorers.get(key);
    if (!scorer) scorers.set(key, (scorer = load(tenantId, measure)));
    const loaded = await scorer;
    if ("error" in loaded) return { score: null, reason: loaded.error };
    const item = loaded.items.get(canonical(run.input));
    const evaluated: EvaluatedCase = {
      input:
        run.input && typeof run.input === "object" && !Array.isArray(run.input)
          ? (run.input as Record<string, unknown>)
          : { value: run.input },
      ...(run.runError === undefined ? { output: run.output } : { runError: run.runError }),
      ...(item?.reference === undefined ? {} : { reference: item.reference }),
      durationMs: run.latencyMs,
      costUsd: run.costUsd,
    };
    const [result] = (await scoreItem([loaded.evaluator], evaluated, judge ? { judge } : {}))
      .results;
    if (!result) return { score: null, reason: "the evaluator gave no result" };
    return result.score === null
      ? { score: null, reason: result.error }
      : { score: result.score, reason: result.reason };
  };
}
