import { and, asc, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { batchRows, excluded, noStatement, prepared, type Statement } from "@/db/statements";
import { usageRecords, users, workflows } from "@/db/schema";

/** A run's usage as it is written. */
export type UsageRecordInsert = Omit<typeof usageRecords.$inferInsert, "recordedAt">;
export type UsageRecordRow = typeof usageRecords.$inferSelect;

const upsertUsageStatement = prepared<{ rows: string }>((db) =>
  db
    .insert(usageRecords)
    .select(
      batchRows(usageRecords, [
        "runId",
        "tenantId",
        "workflowId",
        "userId",
        "day",
        "status",
        "steps",
        "inputTokens",
        "outputTokens",
        "costUsd",
        "mcpCalls",
        "durationMs",
        "unpricedTokens",
      ]),
    )
    .onConflictDoUpdate({
      target: usageRecords.runId,
      set: {
        workflowId: excluded(usageRecords.workflowId),
        userId: excluded(usageRecords.userId),
        day: excluded(usageRecords.day),
        status: excluded(usageRecords.status),
        steps: excluded(usageRecords.steps),
        inputTokens: excluded(usageRecords.inputTokens),
        outputTokens: excluded(usageRecords.outputTokens),
        costUsd: excluded(usageRecords.costUsd),
        mcpCalls: sql`${usageRecords.mcpCalls} + ${excluded(usageRecords.mcpCalls)}`,
        durationMs: excluded(usageRecords.durationMs),
        unpricedTokens: excluded(usageRecords.unpricedTokens),
        recordedAt: sql`now()`,
      },
      // A run never moves to another tenant: a clash across tenants changes nothing.
      setWhere: sql`${usageRecords.tenantId} = ${excluded(usageRecords.tenantId)}`,
    }),
);

/**
 * Stores one usage row per run, written when it ends (and when it stops to wait for approval):
 * a run recorded again replaces its figures, its MCP calls (counted per execution) are added up.
 */
export function upsertUsageRecords(db: Db, rows: UsageRecordInsert[]): Statement<undefined> {
  if (rows.length === 0) return noStatement();
  const filled = rows.map((r) => ({
    ...r,
    steps: r.steps ?? 0,
    inputTokens: r.inputTokens ?? 0,
    outputTokens: r.outputTokens ?? 0,
    costUsd: r.costUsd ?? 0,
    mcpCalls: r.mcpCalls ?? 0,
    unpricedTokens: r.unpricedTokens ?? 0,
  }));
  return upsertUsageStatement(db, { rows: JSON.stringify(filled) });
}

/** A tenant's usage between two UTC days, both included ("YYYY-MM-DD"). */
export interface UsageWindow {
  tenantId: string;
  from: string;
  to: string;
}

const num = (expression: SQL) => sql<number>`${expression}`.mapWith(Number);
const sums = {
  runs: num(sql`count(*)`),
  steps: num(sql`coalesce(sum(${usageRecords.steps}), 0)`),
  inputTokens: num(sql`coalesce(sum(${usageRecords.inputTokens}), 0)`),
  outputTokens: num(sql`coalesce(sum(${usageRecords.outputTokens}), 0)`),
  costUsd: num(sql`coalesce(sum(${usageRecords.costUsd}), 0)`),
  unpricedTokens: num(sql`coalesce(sum(${usageRecords.unpricedTokens}), 0)`),
  mcpCalls: num(sql`coalesce(sum(${usageRecords.mcpCalls}), 0)`),
};
export type UsageSums = { [K in keyof typeof sums]: number };

const scope = (w: UsageWindow) =>
  and(
    eq(usageRecords.tenantId, w.tenantId),
    gte(usageRecords.day, w.from),
    lte(usageRecords.day, w.to),
  );

export async function sumUsage(db: Db, w: UsageWindow): Promise<UsageSums> {
  const [row] = await db.select(sums).from(usageRecords).where(scope(w));
  return row!;
}

/** One row per UTC day that has usage, oldest first, with its runs by outcome. */
export async function sumUsageByDay(
  db: Db,
  w: UsageWindow,
): Promise<(UsageSums & { day: string; completed: number; failed: number })[]> {
  return db
    .select({
      day: usageRecords.day,
      ...sums,
      completed: num(sql`count(*) filter (where ${usageRecords.status} = 'completed')`),
      failed: num(sql`count(*) filter (where ${usageRecords.status} = 'failed')`),
    })
    .from(usageRecords)
    .where(scope(w))
    .groupBy(usageRecords.day)
    .orderBy(asc(usageRecords.day));
}

// The busiest first: by runs, then tokens; ties broken by id so the top N is stable.
const busiest = [
  desc(sql`count(*)`),
  desc(sql`coalesce(sum(${usageRecords.inputTokens} + ${usageRecords.outputTokens}), 0)`),
];

/** The `limit` workflows with the most runs; `name` is null for a workflow deleted since. */
export async function sumUsageByWorkflow(db: Db, w: UsageWindow, limit: number) {
  return db
    .select({ workflowId: usageRecords.workflowId, name: workflows.name, ...sums })
    .from(usageRecords)
    .leftJoin(
      workflows,
      and(eq(workflows.id, usageRecords.workflowId), eq(workflows.tenantId, usageRecords.tenantId)),
    )
    .where(scope(w))
    .groupBy(usageRecords.workflowId, workflows.name)
    .orderBy(...busiest, asc(usageRecords.workflowId))
    .limit(limit);
}

/** The `limit` members with the most runs; `email` is null for an account deleted since. */
export async function sumUsageByMember(db: Db, w: UsageWindow, limit: number) {
  return db
    .select({ userId: usageRecords.userId, email: users.email, name: users.name, ...sums })
    .from(usageRecords)
    .leftJoin(users, eq(users.id, usageRecords.userId))
    .where(scope(w))
    .groupBy(usageRecords.userId, users.email, users.name)
    .orderBy(...busiest, asc(usageRecords.userId))
    .limit(limit);
}

export type UsageExportRow = UsageRecordRow & {
  workflowName: string | null;
  userEmail: string | null;
};

/**
 * One page of the window's records in billing order (day, then when recorded, then run id).
 * `afterRunId` is the last run of the previous page: the keyset comes from that row itself, so
 * rows recorded within the same millisecond are neither skipped nor repeated.
 */
export async function listUsageRecordsPage(
  db: Db,
  w: UsageWindow & { afterRunId?: string | null; limit: number },
): Promise<UsageExportRow[]> {
  const filters: (SQL | undefined)[] = [scope(w)];
  if (w.afterRunId) {
    filters.push(
      sql`(${usageRecords.day}, ${usageRecords.recordedAt}, ${usageRecords.runId}) > (
        select u.day, u.recorded_at, u.run_id from ${usageRecords} u where u.run_id = ${w.afterRunId} and u.tenant_id = ${w.tenantId})`,
    );
  }
  const rows = await db
    .select({ record: usageRecords, workflowName: workflows.name, userEmail: users.email })
    .from(usageRecords)
    .leftJoin(
      workflows,
      and(eq(workflows.id, usageRecords.workflowId), eq(workflows.tenantId, usageRecords.tenantId)),
    )
    .leftJoin(users, eq(users.id, usageRecords.userId))
    .where(and(...filters))
    .orderBy(asc(usageRecords.day), asc(usageRecords.recordedAt), asc(usageRecords.runId))
    .limit(w.limit);
  return rows.map((r) => ({ ...r.record, workflowName: r.workflowName, userEmail: r.userEmail }));
}
