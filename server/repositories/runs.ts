import { and, desc, eq, getTableColumns, gt, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import {
  batchRows,
  noStatement,
  prepared,
  preparedQuery,
  recordset,
  toDate,
  type Row,
  type Statement,
} from "@/db/statements";
import {
  runEvents,
  runs,
  stepRuns,
  users,
  workflows,
  type RunStatus,
  type RunTrigger,
} from "@/db/schema";
import type { StepRunRow } from "./step-runs";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

// Run rows: stored, read, listed, moved from one status to the next and ended. Which worker holds
// a run is run-leases.ts; its steps and events have their own files.

export type RunRow = typeof runs.$inferSelect;

export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];

export async function insertRun(db: Db, values: typeof runs.$inferInsert): Promise<RunRow> {
  const [row] = await db.insert(runs).values(values).returning();
  return row!;
}

/**
 * Reads of one run select it by its primary key alone and check its tenant afterwards. With the
 * tenant in the statement, the embedded database (which never gathers statistics: it has no
 * autovacuum) kept the plan it chose while the table was small, an index on tenant and status
 * filtered by id: every read then walked all of the tenant's runs, and a GET got slower with
 * each run stored.
 */
const runById = preparedQuery("find_run", (db) =>
  db
    .select()
    .from(runs)
    .where(eq(runs.id, sql.placeholder("id"))),
);

export async function findRun(db: Db, tenantId: string, id: string): Promise<RunRow | undefined> {
  const [row] = await runById(db).execute({ id });
  return row?.tenantId === tenantId ? row : undefined;
}

/** For workers, which act for any tenant: the job names the run, the run names its tenant. */
export async function findRunForWorker(db: Db, id: string): Promise<RunRow | undefined> {
  const [row] = await db.select().from(runs).where(eq(runs.id, id));
  return row;
}

export interface RunFilter {
  tenantId: string;
  workflowId?: string;
  status?: RunStatus[];
  startedBy?: string;
  trigger?: RunTrigger[];
  since?: Date;
  until?: Date;
  cursor?: string | null;
  limit: number;
}

/** What a waiting run waits for: its latest run.waiting event's steps and messages. */
export type WaitingFor = { stepId: string; message: string; approvers: string[] }[];

/** A run as lists and the run page show it: with its workflow's name, its starter's, and what it waits for. */
export type RunListItem = RunRow & {
  workflowName: string;
  startedByName: string | null;
  waitingFor: WaitingFor | null;
};

const runWithNames = {
  run: runs,
  workflowName: workflows.name,
  startedByName: users.name,
  waitingFor: sql<WaitingFor | null>`case when ${runs.status} = 'waiting' then (
    select ${runEvents.payload} -> 'waitingFor' from ${runEvents}
    where ${runEvents.runId} = ${runs.id} and ${runEvents.type} = 'run.waiting' order by ${runEvents.id} desc limit 1) end`,
};
const flatten = (row: {
  run: RunRow;
  workflowName: string;
  startedByName: string | null;
  waitingFor: WaitingFor | null;
}): RunListItem => ({
  ...row.run,
  workflowName: row.workflowName,
  startedByName: row.startedByName,
  waitingFor: row.waitingFor,
});

const stepColumns = Object.entries(getTableColumns(stepRuns) as Record<string, PgColumn>);
/** Step columns that hold times: JSON gives them as text. */
const stepTimes = stepColumns.filter(([, column]) => column.dataType === "date").map(([f]) => f);

/**
 * A run with its steps in one statement: the steps (in the order they started, within the run's
 * tenant) as one JSON array keyed by field name. What GET /api/v1/runs/{id} and every waiting
 * start's answer read: one statement and one trip instead of two (the steps' own select cost the
 * embedded database more than the run's).
 */
const runWithStepsById = preparedQuery("find_run_with_steps", (db) =>
  db
    .select({
      ...runWithNames,
      steps: sql<Record<string, unknown>[]>`(
        select coalesce(json_agg(json_build_object(${sql.raw(
          stepColumns.map(([field, column]) => `'${field}', s."${column.name}"`).join(", "),
        )}) order by s."started_at", s."step_id"), '[]'::json)
        from ${stepRuns} s where s."run_id" = ${runs.id} and s."tenant_id" = ${runs.tenantId})`,
    })
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .leftJoin(users, eq(users.id, runs.startedBy))
    .where(eq(runs.id, sql.placeholder("id"))),
);

/** A tenant's run as lists show it, with its steps in the order they started; undefined if not found. */
export async function findRunWithSteps(
  db: Db,
  tenantId: string,
  id: string,
): Promise<{ run: RunListItem; steps: StepRunRow[] } | undefined> {
  const [row] = await runWithStepsById(db).execute({ id });
  // By its key alone (see runById); another tenant's run is not found.
  if (row?.run.tenantId !== tenantId) return undefined;
  const steps = row.steps.map((step) => {
    for (const field of stepTimes) step[field] = toDate(step[field]);
    return step as StepRunRow;
  });
  return { run: flatten(row), steps };
}

export async function listRuns(db: Db, filter: RunFilter): Promise<Page<RunListItem>> {
  const where: (SQL | undefined)[] = [eq(runs.tenantId, filter.tenantId)];
  if (filter.workflowId) where.push(eq(runs.workflowId, filter.workflowId));
  if (filter.status?.length) where.push(inArray(runs.status, filter.status));
  if (filter.startedBy) where.push(eq(runs.startedBy, filter.startedBy));
  if (filter.trigger?.length) where.push(inArray(runs.trigger, filter.trigger));
  if (filter.since) where.push(gt(runs.createdAt, filter.since));
  if (filter.until) where.push(lt(runs.createdAt, filter.until));
  const cursor = decodeCursor(filter.cursor);
  if (cursor) where.push(afterCursor(runs, cursor));
  const rows = await db
    .select(runWithNames)
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .leftJoin(users, eq(users.id, runs.startedBy))
    .where(and(...where))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(filter.limit + 1);
  return toPage(rows.map(flatten), filter.limit);
}

/** How many of a tenant's runs are queued or running; awaitable, or a subquery inside another select. */
export function activeRunCount(db: Db, tenantId: string) {
  return db.$count(runs, and(eq(runs.tenantId, tenantId), inArray(runs.status, ACTIVE_STATUSES)));
}

export async function updateRun(
  db: Db,
  id: string,
  patch: Partial<typeof runs.$inferInsert>,
): Promise<RunRow | undefined> {
  const [row] = await db.update(runs).set(patch).where(eq(runs.id, id)).returning();
  return row;
}

/** How a run ended (or paused to wait for approval): its final row. */
export interface RunEnd {
  id: string;
  status: RunStatus;
  output: unknown;
  error: RunRow["error"];
  finishedAt: Date | null;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedTokens: number;
}

/** The columns a run's end sets (endRuns), which a held run's first row may carry too (insertRuns). */
const RUN_END_FIELDS = [
  "status",
  "output",
  "error",
  "finishedAt",
  "durationMs",
  "inputTokens",
  "outputTokens",
  "costUsd",
  "unpricedTokens",
] as const;

const endRunsStatement = prepared<{ rows: string }>((db) => {
  const ended = recordset("ended", runs, ["id", ...RUN_END_FIELDS]);
  return db
    .update(runs)
    .set({
      status: sql`ended."status"`,
      output: sql`ended."output"`,
      error: sql`ended."error"`,
      finishedAt: sql`ended."finishedAt"`,
      durationMs: sql`greatest(ended."durationMs", coalesce(round(extract(epoch from ended."finishedAt" - ${runs.startedAt}) * 1000)::int, 0))`,
      inputTokens: sql`ended."inputTokens"`,
      outputTokens: sql`ended."outputTokens"`,
      costUsd: sql`ended."costUsd"`,
      unpricedTokens: sql`ended."unpricedTokens"`,
      workerId: null,
    })
    .from(ended)
    .where(sql`${runs.id} = ended."id"`);
});

/**
 * Records how several runs ended, in one statement (a journal batch); the worker lets go of them.
 * The duration counts from the run's first start: a run that waited for approval or resumed on
 * another worker lasted that long, not only its last stretch (which is what the runtime counts).
 */
export function endRuns(db: Db, ends: RunEnd[]): Statement<undefined> {
  if (ends.length === 0) return noStatement();
  return endRunsStatement(db, { rows: JSON.stringify(ends) });
}

/** A run as its start reports it (the whole row is run.get's). */
export type StartedRun = Pick<
  RunRow,
  "id" | "tenantId" | "workflowId" | "versionId" | "isDraft" | "status" | "startedBy" | "createdAt"
>;

/** A new run as the journal stores it (see server/services/runs.ts startRun). */
export type RunInsert = Pick<
  typeof runs.$inferInsert,
  | "id"
  | "tenantId"
  | "workflowId"
  | "versionId"
  | "isDraft"
  | "input"
  | "pinnedOutputs"
  | "startedBy"
  | "trigger"
  | "triggerId"
> & {
  id: string;
} & Partial<Pick<typeof runs.$inferInsert, HeldRunField>>;

/**
 * What a run held in memory until its end (RunJournal.startRun's `holdMs`) is first stored with:
 * when it was made, its claim and, if it ended first, its end. Absent, they are the defaults.
 */
type HeldRunField =
  | "createdAt"
  | "status"
  | "startedAt"
  | "workerId"
  | "heartbeatAt"
  | "output"
  | "error"
  | "finishedAt"
  | "durationMs"
  | "inputTokens"
  | "outputTokens"
  | "costUsd"
  | "unpricedTokens";

/** The ids every run row read back by the journal carries (rows as the driver gives them). */
export const readRunIds = (r: Row) => ({
  id: r.id as string,
  tenantId: r.tenant_id as string,
  workflowId: r.workflow_id as string,
  versionId: r.version_id as string,
  startedBy: r.started_by as string | null,
});

const insertRunsStatement = prepared<{ rows: string }, StartedRun[]>(
  (db) =>
    db
      .insert(runs)
      .select(
        batchRows(
          runs,
          [
            "id",
            "tenantId",
            "workflowId",
            "versionId",
            "isDraft",
            "input",
            "pinnedOutputs",
            "startedBy",
            "trigger",
            "triggerId",
            "createdAt",
            "startedAt",
            "workerId",
            "heartbeatAt",
            ...RUN_END_FIELDS,
          ],
          {
            // A run without input stores JSON null (the column holds JSON, never SQL null).
            input: sql`coalesce(batch."input", 'null'::jsonb)`,
            // What a held run did not say is the column's default.
            createdAt: sql`coalesce(batch."createdAt", now())`,
            status: sql`coalesce(batch."status", 'queued')`,
            inputTokens: sql`coalesce(batch."inputTokens", 0)`,
            outputTokens: sql`coalesce(batch."outputTokens", 0)`,
            costUsd: sql`coalesce(batch."costUsd", 0)`,
            unpricedTokens: sql`coalesce(batch."unpricedTokens", 0)`,
          },
        ),
      )
      .returning({
        id: runs.id,
        tenantId: runs.tenantId,
        workflowId: runs.workflowId,
        versionId: runs.versionId,
        isDraft: runs.isDraft,
        status: runs.status,
        startedBy: runs.startedBy,
        createdAt: runs.createdAt,
      }),
  (result) =>
    result.map((r) => ({
      ...readRunIds(r),
      isDraft: r.is_draft as boolean,
      status: r.status as RunStatus,
      createdAt: toDate(r.created_at)!,
    })),
);

/** Stores new runs (a journal batch), returning what their starters report, in the same order. */
export function insertRuns(db: Db, values: RunInsert[]): Statement<StartedRun[]> {
  if (values.length === 0) return noStatement([]);
  const rows = values.map((v) => ({
    ...v,
    isDraft: v.isDraft ?? false,
    pinnedOutputs: v.pinnedOutputs ?? {},
    trigger: v.trigger ?? "manual",
  }));
  return insertRunsStatement(db, { rows: JSON.stringify(rows) });
}

/** Changes a run only if it is still in one of `from`; undefined when it has moved on meanwhile. */
export async function transitionRun(
  db: Db,
  tenantId: string,
  id: string,
  from: RunStatus[],
  patch: Partial<typeof runs.$inferInsert>,
): Promise<RunRow | undefined> {
  const [row] = await db
    .update(runs)
    .set(patch)
    .where(and(eq(runs.tenantId, tenantId), eq(runs.id, id), inArray(runs.status, from)))
    .returning();
  return row;
}

/** Queued runs per tenant (tenants with none are left out): the queue-depth gauge. */
export async function countQueuedRunsByTenant(
  db: Db,
): Promise<{ tenantId: string; queued: number }[]> {
  return db
    .select({ tenantId: runs.tenantId, queued: sql<number>`count(*)`.mapWith(Number) })
    .from(runs)
    .where(eq(runs.status, "queued"))
    .groupBy(runs.tenantId);
}
