import { and, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runs, workflows, type RunTrigger } from "@/db/schema";

/**
 * Bucket sizes date_trunc accepts; whitelisted because the unit is spliced into the SQL. Buckets are
 * cut in UTC whatever the server's time zone, so days line up on PGlite and PostgreSQL alike.
 */
export const BUCKETS = ["minute", "hour", "day"] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface AnalyticsWindow {
  tenantId: string;
  since: Date;
  /** Only runs that came from these triggers; absent or empty: all. */
  triggers?: readonly RunTrigger[];
}

const num = (expression: SQL) => sql<number>`${expression}`.mapWith(Number);
const count = (where?: SQL) => num(where ? sql`count(*) filter (where ${where})` : sql`count(*)`);
const isFinished = sql`${runs.status} in ('completed', 'failed', 'cancelled')`;
const percentile = (p: number) =>
  sql<
    number | null
  >`percentile_cont(${sql.raw(String(p))}) within group (order by ${runs.durationMs})`.mapWith(
    Number,
  );
const scope = (w: AnalyticsWindow) =>
  and(
    eq(runs.tenantId, w.tenantId),
    gte(runs.createdAt, w.since),
    w.triggers?.length ? inArray(runs.trigger, [...w.triggers]) : undefined,
  );

/** Runs per bucket (minute, hour or day) by outcome. Empty buckets are not returned. */
export async function countRunsOverTime(db: Db, w: AnalyticsWindow & { bucket: Bucket }) {
  if (!BUCKETS.includes(w.bucket)) throw new Error(`Unknown bucket ${w.bucket}`);
  const bucket = sql<Date>`date_trunc('${sql.raw(w.bucket)}', ${runs.createdAt}, 'UTC')`.mapWith(
    runs.createdAt,
  );
  return db
    .select({
      bucket,
      runs: count(),
      completed: count(sql`${runs.status} = 'completed'`),
      failed: count(sql`${runs.status} = 'failed'`),
    })
    .from(runs)
    .where(scope(w))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
}

/** Per workflow: runs, outcomes, latency percentiles of finished runs, tokens and cost. */
export async function summarizeByWorkflow(db: Db, w: AnalyticsWindow) {
  return db
    .select({
      workflowId: runs.workflowId,
      name: workflows.name,
      runs: count(),
      finished: count(isFinished),
      completed: count(sql`${runs.status} = 'completed'`),
      failed: count(sql`${runs.status} = 'failed'`),
      p50: percentile(0.5),
      p95: percentile(0.95),
      p99: percentile(0.99),
      inputTokens: num(sql`coalesce(sum(${runs.inputTokens}), 0)`),
      outputTokens: num(sql`coalesce(sum(${runs.outputTokens}), 0)`),
      costUsd: num(sql`coalesce(sum(${runs.costUsd}), 0)`),
    })
    .from(runs)
    .innerJoin(workflows, eq(workflows.id, runs.workflowId))
    .where(scope(w))
    .groupBy(runs.workflowId, workflows.name)
    .orderBy(sql`count(*) desc`, workflows.name);
}

/** Per trigger (manual, api, webhook, schedule, …): runs and outcomes, most runs first. */
export async function summarizeByTrigger(db: Db, w: AnalyticsWindow) {
  return db
    .select({
      trigger: runs.trigger,
      runs: count(),
      finished: count(isFinished),
      completed: count(sql`${runs.status} = 'completed'`),
      failed: count(sql`${runs.status} = 'failed'`),
    })
    .from(runs)
    .where(scope(w))
    .groupBy(runs.trigger)
    .orderBy(sql`count(*) desc`, runs.trigger);
}

/** Tokens and cost per day and workflow. */
export async function sumUsageByDay(db: Db, w: AnalyticsWindow) {
  return db
    .select({
      day: sql<Date>`date_trunc('day', ${runs.createdAt}, 'UTC')`.mapWith(runs.createdAt),
      workflowId: runs.workflowId,
      tokens: num(sql`coalesce(sum(${runs.inputTokens} + ${runs.outputTokens}), 0)`),
      costUsd: num(sql`coalesce(sum(${runs.costUsd}), 0)`),
    })
    .from(runs)
    .where(scope(w))
    .groupBy(sql`1`, runs.workflowId)
    .orderBy(sql`1`);
}

/** The window's totals: runs, outcomes, latency percentiles, tokens and cost. */
export async function summarizeRuns(db: Db, w: AnalyticsWindow) {
  const [row] = await db
    .select({
      runs: count(),
      finished: count(isFinished),
      completed: count(sql`${runs.status} = 'completed'`),
      failed: count(sql`${runs.status} = 'failed'`),
      active: count(sql`${runs.status} in ('queued', 'running', 'waiting')`),
      p50: percentile(0.5),
      p95: percentile(0.95),
      p99: percentile(0.99),
      tokens: num(sql`coalesce(sum(${runs.inputTokens} + ${runs.outputTokens}), 0)`),
      costUsd: num(sql`coalesce(sum(${runs.costUsd}), 0)`),
    })
    .from(runs)
    .where(scope(w));
  return row!;
}
