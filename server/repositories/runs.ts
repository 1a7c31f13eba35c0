import { and, desc, eq, gt, inArray, isNull, lt, max, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runEvents, runs, stepRuns, users, workflows, workflowVersions, type RunStatus } from "@/db/schema";
import type { StepRecord } from "@/engine/runtime/ports";
import { decodeCursor, toPage, type Page } from "./pagination";

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

export async function findVersionForRun(db: Db, run: Pick<RunRow, "tenantId" | "versionId">): Promise<VersionRow | undefined> {
  return findVersion(db, run.tenantId, run.versionId);
}

export async function latestPublishedVersion(db: Db, tenantId: string, workflowId: string): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.workflowId, workflowId), sql`${workflowVersions.version} is not null`))
    .orderBy(desc(workflowVersions.version))
    .limit(1);
  return row;
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

/** A run as lists and the run page show it: with its workflow's name and its starter's. */
export type RunListItem = RunRow & { workflowName: string; startedByName: string | null };

const runWithNames = { run: runs, workflowName: workflows.name, startedByName: users.name };
const flatten = (row: { run: RunRow; workflowName: string; startedByName: string | null }): RunListItem => ({
  ...row.run,
  workflowName: row.workflowName,
  startedByName: row.startedByName,
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
  if (cursor) where.push(or(lt(runs.createdAt, cursor.at), and(eq(runs.createdAt, cursor.at), lt(runs.id, cursor.id))));
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

export async function countActiveRuns(db: Db, tenantId: string): Promise<number> {
  return db.$count(runs, and(eq(runs.tenantId, tenantId), inArray(runs.status, ACTIVE_STATUSES)));
}

export async function updateRun(db: Db, id: string, patch: Partial<typeof runs.$inferInsert>): Promise<RunRow | undefined> {
  const [row] = await db.update(runs).set(patch).where(eq(runs.id, id)).returning();
  return row;
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

/**
 * A worker takes a run: only a queued run, or a running one whose worker stopped sending
 * heartbeats. Two workers racing for one run: exactly one wins.
 */
export async function claimRun(db: Db, id: string, workerId: string, staleBefore: Date): Promise<RunRow | undefined> {
  const [row] = await db
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
        eq(runs.id, id),
        isNull(runs.cancelRequestedAt),
        or(eq(runs.status, "queued"), and(eq(runs.status, "running"), or(isNull(runs.heartbeatAt), lt(runs.heartbeatAt, staleBefore)))),
      ),
    )
    .returning();
  return row;
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
  await db
    .insert(stepRuns)
    .values(rows)
    .onConflictDoUpdate({
      target: [stepRuns.runId, stepRuns.stepId],
      set: {
        // A step stored as completed stays completed, whatever late event arrives after.
        status: sql`case when ${stepRuns.status} = 'completed' then ${stepRuns.status} else excluded.status end`,
        kind: sql`coalesce(excluded.kind, ${stepRuns.kind})`,
        attempts: sql`greatest(excluded.attempts, ${stepRuns.attempts})`,
        output: sql`coalesce(excluded.output, ${stepRuns.output})`,
        port: sql`coalesce(excluded.port, ${stepRuns.port})`,
        error: sql`excluded.error`,
        startedAt: sql`coalesce(${stepRuns.startedAt}, excluded.started_at)`,
        finishedAt: sql`excluded.finished_at`,
        durationMs: sql`excluded.duration_ms`,
        inputTokens: sql`greatest(excluded.input_tokens, ${stepRuns.inputTokens})`,
        outputTokens: sql`greatest(excluded.output_tokens, ${stepRuns.outputTokens})`,
        costUsd: sql`greatest(excluded.cost_usd, ${stepRuns.costUsd})`,
        pinned: sql`excluded.pinned`,
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

export async function insertRunEvents(
  db: Db,
  rows: { tenantId: string; runId: string; type: string; payload: unknown; at: Date }[],
): Promise<RunEventRow[]> {
  if (rows.length === 0) return [];
  return db.insert(runEvents).values(rows).returning();
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

export async function lastRunEventId(db: Db, tenantId: string): Promise<number> {
  const [row] = await db.select({ id: max(runEvents.id) }).from(runEvents).where(eq(runEvents.tenantId, tenantId));
  return row?.id ?? 0;
}
