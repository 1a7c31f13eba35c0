import { and, asc, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { statement, valuesList, type Statement } from "@/db/statements";
import { usageRecords, users, workflows } from "@/db/schema";

/** A run's usage as it is written. */
export type UsageRecordInsert = Omit<typeof usageRecords.$inferInsert, "recordedAt">;
export type UsageRecordRow = typeof usageRecords.$inferSelect;

/**
 * Stores one usage row per run, written when it ends (and when it stops to wait for approval):
 * a run recorded again replaces its figures, its MCP calls (counted per execution) are added up.
 */
export function upsertUsageRecords(rows: UsageRecordInsert[]): Statement<undefined> {
  if (rows.length === 0) return statement("", []);
  const params: unknown[] = [];
  const values = valuesList(
    rows.map((r) => [
      r.runId,
      r.tenantId,
      r.workflowId ?? null,
      r.userId ?? null,
      r.day,
      r.status,
      r.steps ?? 0,
      r.inputTokens ?? 0,
      r.outputTokens ?? 0,
      r.costUsd ?? 0,
      r.mcpCalls ?? 0,
      r.durationMs ?? null,
      r.unpricedTokens ?? 0,
    ]),
    [
      "uuid",
      "uuid",
      "uuid",
      "uuid",
      "date",
      "run_status",
      "int",
      "int",
      "int",
      "float8",
      "int",
      "int",
      "int",
    ],
    params,
  );
  return statement(
    `insert into usage_records (run_id, tenant_id, workflow_id, user_id, day, status, steps, input_tokens, output_tokens, cost_usd, mcp_calls, duration_ms, unpriced_tokens)
    values ${values}
    on conflict (run_id) do update set workflow_id = excluded.workflow_id, user_id = excluded.user_id, day = excluded.day,
      status = excluded.status, steps = excluded.steps, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
      cost_usd = excluded.cost_usd, mcp_calls = usage_records.mcp_calls + excluded.mcp_calls, duration_ms = excluded.duration_ms,
      unpriced_tokens = excluded.unpriced_tokens, recorded_at = now()
    -- A run never moves to another tenant: a clash across tenants changes nothing.
    where usage_records.tenant_id = excluded.tenant_id`,
    params,
  );
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
