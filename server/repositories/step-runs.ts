import { and, eq, getTableColumns, inArray, isNull, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import {
  batchRows,
  excluded,
  noStatement,
  prepared,
  preparedQuery,
  type Statement,
} from "@/db/statements";
import { stepRuns } from "@/db/schema";
import type { StepRecord } from "@/engine/runtime/ports";

// The rows of a run's steps: written by the journal as steps start and end, read back to resume
// a run, to show it, and to retry it from the step that failed.

export type StepRunRow = typeof stepRuns.$inferSelect;

/** A step's row as the journal writes it: what is not given stays as stored (or its default). */
export type StepRunInsert = typeof stepRuns.$inferInsert;

/** Every field of a step's row: a row not given one stores null (or, for counters, 0). */
const STEP_FIELDS = [
  "runId",
  "stepId",
  "tenantId",
  "parentStepId",
  "kind",
  "status",
  "attempts",
  "output",
  "port",
  "error",
  "startedAt",
  "finishedAt",
  "durationMs",
  "inputTokens",
  "outputTokens",
  "costUsd",
  "unpricedTokens",
  "pinned",
  "fallbackStepId",
] as const;

/** What a step stored as completed keeps, whatever late event arrives after it. */
const unlessCompleted = (column: PgColumn) =>
  sql`case when ${stepRuns.status} = 'completed' then ${column} else ${excluded(column)} end`;

const larger = (column: PgColumn) => sql`greatest(${excluded(column)}, ${column})`;

const upsertSteps = prepared<{ rows: string }>((db) =>
  db
    .insert(stepRuns)
    .select(batchRows(stepRuns, STEP_FIELDS))
    .onConflictDoUpdate({
      target: [stepRuns.runId, stepRuns.stepId],
      set: {
        status: unlessCompleted(stepRuns.status),
        kind: sql`coalesce(${excluded(stepRuns.kind)}, ${stepRuns.kind})`,
        attempts: larger(stepRuns.attempts),
        output: unlessCompleted(stepRuns.output),
        port: unlessCompleted(stepRuns.port),
        error: unlessCompleted(stepRuns.error),
        startedAt: sql`coalesce(${stepRuns.startedAt}, ${excluded(stepRuns.startedAt)})`,
        finishedAt: unlessCompleted(stepRuns.finishedAt),
        durationMs: unlessCompleted(stepRuns.durationMs),
        inputTokens: larger(stepRuns.inputTokens),
        outputTokens: larger(stepRuns.outputTokens),
        costUsd: larger(stepRuns.costUsd),
        unpricedTokens: larger(stepRuns.unpricedTokens),
        pinned: unlessCompleted(stepRuns.pinned),
        fallbackStepId: sql`coalesce(${excluded(stepRuns.fallbackStepId)}, ${stepRuns.fallbackStepId})`,
      },
    }),
);

/**
 * Stores step rows (a journal batch); a step stored as completed keeps what was stored (a worker
 * may store a step's result before its step.started event is written).
 */
export function upsertStepRuns(db: Db, rows: StepRunInsert[]): Statement<undefined> {
  if (rows.length === 0) return noStatement();
  const filled = rows.map((r) => ({
    ...r,
    attempts: r.attempts ?? 0,
    inputTokens: r.inputTokens ?? 0,
    outputTokens: r.outputTokens ?? 0,
    costUsd: r.costUsd ?? 0,
    unpricedTokens: r.unpricedTokens ?? 0,
    pinned: r.pinned ?? false,
  }));
  return upsertSteps(db, { rows: JSON.stringify(filled) });
}

/** A run's finished steps as the runtime resumes from them. */
export async function loadStepRecords(db: Db, runId: string): Promise<StepRecord[]> {
  const rows = await db
    .select()
    .from(stepRuns)
    .where(and(eq(stepRuns.runId, runId), eq(stepRuns.status, "completed")));
  return rows.map((r) => ({
    stepId: r.stepId,
    ...(r.parentStepId ? { parentStepId: r.parentStepId } : {}),
    output: r.output,
    port: r.port ?? "out",
    attempts: r.attempts,
    startedAt: r.startedAt?.getTime() ?? 0,
    finishedAt: r.finishedAt?.getTime() ?? 0,
    usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens },
    costUsd: r.costUsd,
    ...(r.unpricedTokens ? { unpricedTokens: r.unpricedTokens } : {}),
    ...(r.pinned ? { pinned: true } : {}),
    ...(r.fallbackStepId ? { fallbackStepId: r.fallbackStepId } : {}),
  }));
}

/**
 * Steps of a run that started and never finished: `running` ones were cut off when their worker
 * stopped; `waiting` ones wait for a person to say whether to repeat them. Plan steps only (child
 * steps are repeated with their parent).
 */
export async function listUnfinishedSteps(
  db: Db,
  runId: string,
): Promise<{ stepId: string; status: "running" | "waiting" }[]> {
  const rows = await db
    .select({ stepId: stepRuns.stepId, status: stepRuns.status })
    .from(stepRuns)
    .where(
      and(
        eq(stepRuns.runId, runId),
        isNull(stepRuns.parentStepId),
        inArray(stepRuns.status, ["running", "waiting"]),
      ),
    );
  return rows as { stepId: string; status: "running" | "waiting" }[];
}

const stepsOfRun = preparedQuery("list_step_runs", (db) =>
  db
    .select()
    .from(stepRuns)
    .where(eq(stepRuns.runId, sql.placeholder("runId")))
    .orderBy(stepRuns.startedAt, stepRuns.stepId),
);
/** A run's steps in the order they started. */
export async function listStepRuns(db: Db, runId: string): Promise<StepRunRow[]> {
  return stepsOfRun(db).execute({ runId });
}

/** Copies a run's finished steps to another run, so a retry resumes from the step that failed. */
export async function copyCompletedSteps(
  db: Db,
  fromRunId: string,
  toRunId: string,
): Promise<number> {
  const copied = await db
    .insert(stepRuns)
    .select(
      db
        .select({ ...getTableColumns(stepRuns), runId: sql`${toRunId}::uuid`.as("run_id") })
        .from(stepRuns)
        .where(and(eq(stepRuns.runId, fromRunId), eq(stepRuns.status, "completed"))),
    )
    .onConflictDoNothing({ target: [stepRuns.runId, stepRuns.stepId] })
    .returning({ stepId: stepRuns.stepId });
  return copied.length;
}
