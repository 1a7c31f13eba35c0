/**
 * Runs the app recorded (bench/record-runs.ts writes them to bench/__fixtures__/recorded-runs.json)
 * as a history to replay: each run's facts as the app's outcome recorder gives them to the
 * predictor (version key, task class, the model named by its strategy), in the order they started.
 * Unlike the generated histories it carries no law of its own, so no error floor can be computed.
 */
import { z } from "zod";
import type { ReplayHistory, ReplayRun } from "./replay-run";

const recordedRun = z.object({
  workflow: z.string().min(1),
  /** v1, v2 in the order the recorder saw them, or "draft". */
  version: z.string().min(1),
  taskClass: z.string().min(1),
  /** `${pattern}/${model}` as the app's profileVersion names it. */
  strategyId: z.string().min(1),
  /** Its structure tokens (engine/learning/workflow-shape.ts). */
  shape: z.array(z.string()).default([]),
  status: z.enum(["completed", "failed", "cancelled"]),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: z.number().min(0),
  tokens: z.number().int().min(0),
  costUsd: z.number().min(0),
});
export type RecordedRun = z.infer<typeof recordedRun>;

export const recordedRunsSchema = z.object({
  recordedWith: z.string(),
  note: z.string(),
  runs: z.array(recordedRun),
});
export type RecordedRuns = z.infer<typeof recordedRunsSchema>;

/** The model a strategy names (`pattern/model`), as the app's forecasts read it. */
const modelOf = (strategyId: string) => strategyId.slice(strategyId.indexOf("/") + 1);

/**
 * The recorded runs as a replay history, in the order they started (a cancelled run counts as a
 * failure, as the app's outcomes count it).
 * @example recordedHistory(JSON.parse(text)).runs[0].versionId // → "Welcome a new teammate@v1"
 */
export function recordedHistory(file: unknown, tenant = "recorded"): ReplayHistory {
  const { runs } = recordedRunsSchema.parse(file);
  const replay: ReplayRun[] = runs
    .map((run) => ({
      at: Date.parse(run.startedAt),
      workflowId: run.workflow,
      versionId:
        run.version === "draft" ? `draft:${run.workflow}` : `${run.workflow}@${run.version}`,
      taskClass: run.taskClass,
      model: modelOf(run.strategyId),
      shape: run.shape,
      success: run.status === "completed",
      durationMs: run.durationMs,
      tokens: run.tokens,
      costUsd: run.costUsd,
    }))
    .sort((a, b) => a.at - b.at);
  return { generator: "recorded", tenant, runs: replay };
}
