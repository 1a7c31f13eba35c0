import { and, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runEvents, runs, stepRuns, tenants, users, workflows, workflowVersions, type RunStatus } from "@/db/schema";
import type { StepRecord } from "@/engine/runtime/ports";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";
import type { TenantStanding } from "./tenant-limits";

export type RunRow = typeof runs.$inferSelect;
export type VersionRow = typeof workflowVersions.$inferSelect;
export type StepRunRow = typeof stepRuns.$inferSelect;
export type RunEventRow = typeof runEvents.$inferSelect;

export const ACTIVE_STATUSES: RunStatus[] = ["queued", "running"];

// ── versions ────────────────────────────────────────────────────────────────

export async function insertVersion(
  db: Db,
  values: { tenantId: string; workflowId: string; isDraft: boolean; document: unknown; plan: unknown; note?: string; createdBy: string | null },
): Promise<VersionRow> {
  const { isDraft, ...rest } = values;
  const version = isDraft
    ? null
    : sql<number>`(select coalesce(max(${workflowVersions.version}), 0) + 1 from ${workflowVersions} where ${workflowVersions.workflowId} = ${values.workflowId})`;
  const [row] = await db.insert(workflowVersions).values({ ...rest, version }).returning();
  return row!;
}

export async function findVersion(db: Db, tenantId: string, id: string): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.id, id)));
  return row;
}

/** Whether a version belongs to a workflow (a caller may name any version id). */
export async function isVersionOf(db: Db, tenantId: string, versionId: string, workflowId: string): Promise<boolean> {
  const rows = await db
    .select({ id: workflowVersions.id })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.id, versionId), eq(workflowVersions.workflowId, workflowId)));
  return rows.length === 1;
}

/** What starting a run reads, in one query: the workflow (name, latest published version) and the tenant's standing. */
export interface RunStartFacts {
  workflow: { id: string; name: string; latestVersionId: string | null } | null;
  tenant: TenantStanding & { activeRuns: number };
}

export async function findRunStartFacts(db: Db, tenantId: string, workflowId: string): Promise<RunStartFacts | undefined> {
  const latest = db
    .select({ id: workflowVersions.id })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflows.id), sql`${workflowVersions.version} is not null`))
    .orderBy(desc(workflowVersions.version))
    .limit(1);
  const active = activeRunCount(db, tenantId);
  const [row] = await db
    .select({
      limits: tenants.limits,
      suspendedAt: tenants.suspendedAt,
      activeRuns: sql<number>`(${active})`.mapWith(Number),
      workflowId: workflows.id,
      workflowName: workflows.name,
      latestVersionId: sql<string | null>`(${latest})`,
    })
    .from(tenants)
    .leftJoin(workflows, and(eq(workflows.tenantId, tenants.id), eq(workflows.id, workflowId)))
    .where(eq(tenants.id, tenantId));
  if (!row) return undefined;
  return {
    workflow: row.workflowId ? { id: row.workflowId, name: row.workflowName!, latestVersionId: row.latestVersionId } : null,
    tenant: { limits: row.limits, suspendedAt: row.suspendedAt, activeRuns: row.activeRuns },
  };
}

export async function findVersionForRun(db: Db, run: Pick<RunRow, "tenantId" | "versionId">): Promise<VersionRow | undefined> {
  return findVersion(db, run.tenantId, run.versionId);
}

// ── runs ────────────────────────────────────────────────────────────────────

export async function insertRun(db: Db, values: typeof runs.$inferInsert): Promise<RunRow> {
  const [row] = await db.insert(runs).values(values).returning();
  return row!;
}

export async function findRun(db: Db, tenantId: string, id: string): Promise<RunRow | undefined> {
  const [row] = await db
    .select()
    .from(runs)
    .where(and(eq(runs.tenantId, tenantId), eq(runs.id, id)));
  return row;
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
  since?: Date;
  until?: Date;
  cursor?: string | null;
  limit: number;
}

/** What a waiting run waits for: its latest run.waiting event's steps and messages. */
export type WaitingFor = { stepId: string; message: string; approvers: string[] }[];

/** A run as lists and the run page show it: with its workflow's name, its starter's, and what it waits for. */
export type RunListItem = RunRow & { workflowName: string; startedByName: string | null; waitingFor: WaitingFor | null };

const runWithNames = {
  run: runs,
  workflowName: workflows.name,
  startedByName: users.name,
  waitingFor: sql<WaitingFor | null>`case when ${runs.status} = 'waiting' then (
    select ${runEvents.payload} -> 'waitingFor' from ${runEvents}
    where ${runEvents.runId} = ${runs.id} and ${runEvents.type} = 'run.waiting' order by ${runEvents.id} desc limit 1) end`,
};
const flatten = (row: { run: RunRow; workflowName: string; startedByName: string | null; waitingFor: WaitingFor | null }): RunListItem => ({
  ...row.run,
  workflowName: row.workflowName,
  startedByName: row.startedByName,
  waitingFor: row.waitingFor,
});

export async function findRunWithNames(db: Db, tenantId: string, id: string): Promise<RunListItem | undefined> {
  const [row] = await db
    .select(runWithNames)
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .leftJoin(users, eq(users.id, runs.startedBy))
    .where(and(eq(runs.tenantId, tenantId), eq(runs.id, id)));
  return row ? flatten(row) : undefined;
}

export async function listRuns(db: Db, filter: RunFilter): Promise<Page<RunListItem>> {
  const where: (SQL | undefined)[] = [eq(runs.tenantId, filter.tenantId)];
  if (filter.workflowId) where.push(eq(runs.workflowId, filter.workflowId));
  if (filter.status?.length) where.push(inArray(runs.status, filter.status));
  if (filter.startedBy) where.push(eq(runs.startedBy, filter.startedBy));
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

export async function updateRun(db: Db, id: string, patch: Partial<typeof runs.$inferInsert>): Promise<RunRow | undefined> {
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
}

/** Records how several runs ended, in one statement (a journal batch); the worker lets go of them. */
export async function endRuns(db: Db, ends: RunEnd[]): Promise<void> {
  if (ends.length === 0) return;
  const values = sql.join(
    ends.map(
      (e) =>
        sql`(${e.id}::uuid, ${e.status}::run_status, ${e.output == null ? null : JSON.stringify(e.output)}::jsonb, ${e.error ? JSON.stringify(e.error) : null}::jsonb, ${e.finishedAt?.toISOString() ?? null}::timestamptz, ${e.durationMs}::int, ${e.inputTokens}::int, ${e.outputTokens}::int, ${e.costUsd}::float8)`,
    ),
    sql`, `,
  );
  await db.execute(sql`
    update ${runs} set status = v.status, output = v.output, error = v.error, finished_at = v.finished_at,
      duration_ms = v.duration_ms, input_tokens = v.input_tokens, output_tokens = v.output_tokens, cost_usd = v.cost_usd, worker_id = null
    from (values ${values}) as v(id, status, output, error, finished_at, duration_ms, input_tokens, output_tokens, cost_usd)
    where ${runs.id} = v.id`);
}

/** A run as its start reports it (the whole row is run.get's). */
export type StartedRun = Pick<RunRow, "id" | "tenantId" | "workflowId" | "versionId" | "isDraft" | "status" | "startedBy" | "createdAt">;

/** Stores new runs (a journal batch), returning what their starters report, in the same order. */
export async function insertRuns(db: Db, values: (typeof runs.$inferInsert)[]): Promise<StartedRun[]> {
  if (values.length === 0) return [];
  return db.insert(runs).values(values).returning({
    id: runs.id,
    tenantId: runs.tenantId,
    workflowId: runs.workflowId,
    versionId: runs.versionId,
    isDraft: runs.isDraft,
    status: runs.status,
    startedBy: runs.startedBy,
    createdAt: runs.createdAt,
  });
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

/** What a worker needs of a run it takes (not its output or error: reading them back would cost). */
export type ClaimedRun = Pick<RunRow, "id" | "tenantId" | "workflowId" | "versionId" | "startedBy" | "retryOf" | "input" | "approvals" | "pinnedOutputs"> & {
  /** True when this claim started the run (not a resume after a crash or an approval). */
  isFirstStart: boolean;
};

/**
 * A worker takes runs: only queued runs, and running ones whose worker stopped sending heartbeats.
 * Two workers racing for one run: exactly one wins. Returns the runs taken (others are left out).
 */
export async function claimRuns(
  db: Db,
  ids: string[],
  workerId: string,
  staleBefore: Date,
): Promise<ClaimedRun[]> {
  if (ids.length === 0) return [];
  return db
    .update(runs)
    .set({
      status: "running",
      workerId,
      heartbeatAt: new Date(),
      startedAt: sql`coalesce(${runs.startedAt}, now())`,
      resumeCount: sql`${runs.resumeCount} + case when ${runs.status} = 'running' then 1 else 0 end`,
    })
    .where(
      and(
        inArray(runs.id, ids),
        isNull(runs.cancelRequestedAt),
        or(eq(runs.status, "queued"), and(eq(runs.status, "running"), or(isNull(runs.heartbeatAt), lt(runs.heartbeatAt, staleBefore)))),
      ),
    )
    // started_at was set by this very statement (now() is the transaction's time) on a first start only.
    .returning({
      id: runs.id,
      tenantId: runs.tenantId,
      workflowId: runs.workflowId,
      versionId: runs.versionId,
      startedBy: runs.startedBy,
      retryOf: runs.retryOf,
      input: runs.input,
      approvals: runs.approvals,
      pinnedOutputs: runs.pinnedOutputs,
      isFirstStart: sql<boolean>`${runs.startedAt} = now()`,
    });
}

export async function heartbeat(db: Db, ids: string[], workerId: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(runs)
    .set({ heartbeatAt: new Date() })
    .where(and(inArray(runs.id, ids), eq(runs.workerId, workerId)));
}

/** Runs that need a worker: queued ones, and running ones whose worker went quiet. */
export async function listOrphanedRuns(db: Db, staleBefore: Date, limit = 500): Promise<Pick<RunRow, "id" | "tenantId">[]> {
  return db
    .select({ id: runs.id, tenantId: runs.tenantId })
    .from(runs)
    .where(
      or(
        eq(runs.status, "queued"),
        and(eq(runs.status, "running"), or(isNull(runs.heartbeatAt), lt(runs.heartbeatAt, staleBefore))),
      ),
    )
    .orderBy(runs.createdAt)
    .limit(limit);
}

// ── steps ───────────────────────────────────────────────────────────────────

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
    ...(r.pinned ? { pinned: true } : {}),
    ...(r.fallbackStepId ? { fallbackStepId: r.fallbackStepId } : {}),
  }));
}

export async function upsertStepRuns(db: Db, rows: (typeof stepRuns.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  // A step stored as completed stays as it was stored, whatever late event arrives after
  // (a worker may store a step's result before its step.started event is written).
  const unlessCompleted = (column: SQL, excluded: string) =>
    sql`case when ${stepRuns.status} = 'completed' then ${column} else ${sql.raw(`excluded.${excluded}`)} end`;
  await db
    .insert(stepRuns)
    .values(rows)
    .onConflictDoUpdate({
      target: [stepRuns.runId, stepRuns.stepId],
      set: {
        status: unlessCompleted(sql`${stepRuns.status}`, "status"),
        kind: sql`coalesce(excluded.kind, ${stepRuns.kind})`,
        attempts: sql`greatest(excluded.attempts, ${stepRuns.attempts})`,
        output: unlessCompleted(sql`${stepRuns.output}`, "output"),
        port: unlessCompleted(sql`${stepRuns.port}`, "port"),
        error: unlessCompleted(sql`${stepRuns.error}`, "error"),
        startedAt: sql`coalesce(${stepRuns.startedAt}, excluded.started_at)`,
        finishedAt: unlessCompleted(sql`${stepRuns.finishedAt}`, "finished_at"),
        durationMs: unlessCompleted(sql`${stepRuns.durationMs}`, "duration_ms"),
        inputTokens: sql`greatest(excluded.input_tokens, ${stepRuns.inputTokens})`,
        outputTokens: sql`greatest(excluded.output_tokens, ${stepRuns.outputTokens})`,
        costUsd: sql`greatest(excluded.cost_usd, ${stepRuns.costUsd})`,
        pinned: unlessCompleted(sql`${stepRuns.pinned}`, "pinned"),
        fallbackStepId: sql`coalesce(excluded.fallback_step_id, ${stepRuns.fallbackStepId})`,
      },
    });
}

export async function listStepRuns(db: Db, runId: string): Promise<StepRunRow[]> {
  return db.select().from(stepRuns).where(eq(stepRuns.runId, runId)).orderBy(stepRuns.startedAt);
}

/** Copies a run's finished steps to another run, so a retry resumes from the step that failed. */
export async function copyCompletedSteps(db: Db, fromRunId: string, toRunId: string): Promise<number> {
  const rows = await db
    .select()
    .from(stepRuns)
    .where(and(eq(stepRuns.runId, fromRunId), eq(stepRuns.status, "completed")));
  await upsertStepRuns(
    db,
    rows.map((r) => ({ ...r, runId: toRunId })),
  );
  return rows.length;
}

// ── events ──────────────────────────────────────────────────────────────────

/** Appends events; returns their ids, in order (not the payloads: reading them back would cost). */
export async function insertRunEvents(
  db: Db,
  rows: { tenantId: string; runId: string; type: string; payload: unknown; at: Date }[],
): Promise<{ id: number }[]> {
  if (rows.length === 0) return [];
  return db.insert(runEvents).values(rows).returning({ id: runEvents.id });
}

/** Events after `afterId`, for one run or a whole tenant: what a reconnecting page missed. */
export async function listRunEvents(
  db: Db,
  query: { tenantId: string; runId?: string; afterId?: number; limit?: number },
): Promise<RunEventRow[]> {
  const where: (SQL | undefined)[] = [eq(runEvents.tenantId, query.tenantId)];
  if (query.runId) where.push(eq(runEvents.runId, query.runId));
  if (query.afterId !== undefined) where.push(gt(runEvents.id, query.afterId));
  return db
    .select()
    .from(runEvents)
    .where(and(...where))
    .orderBy(runEvents.id)
    .limit(query.limit ?? 1000);
}
