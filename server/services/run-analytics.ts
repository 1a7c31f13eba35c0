import type { RunTrigger } from "@/db/schema";
import * as repo from "@/server/repositories/run-analytics";
import type { TenantContext } from "./context";

/** The windows the analytics page offers, each with the bucket its chart counts by. */
export const ANALYTICS_RANGES = {
  hour: { ms: 3_600_000, bucket: "minute" },
  day: { ms: 86_400_000, bucket: "hour" },
  week: { ms: 7 * 86_400_000, bucket: "hour" },
  month: { ms: 30 * 86_400_000, bucket: "day" },
} as const satisfies Record<string, { ms: number; bucket: repo.Bucket }>;
export type AnalyticsRange = keyof typeof ANALYTICS_RANGES;

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * Everything the analytics page shows for one window, aggregated in the database: runs over time,
 * success rate, latency percentiles per workflow, tokens and cost per workflow and day, runs and
 * success per trigger. `trigger` keeps only runs from those triggers. `now` is injectable for tests.
 */
export async function getRunAnalytics(
  ctx: TenantContext,
  input: { range: AnalyticsRange; trigger?: RunTrigger[] },
  now = new Date(),
) {
  const { ms, bucket } = ANALYTICS_RANGES[input.range];
  const window = {
    tenantId: ctx.tenant.id,
    since: new Date(now.getTime() - ms),
    ...(input.trigger?.length ? { triggers: input.trigger } : {}),
  };
  const [totals, overTime, byWorkflow, usageByDay, byTrigger] = await Promise.all([
    repo.summarizeRuns(ctx.db, window),
    repo.countRunsOverTime(ctx.db, { ...window, bucket }),
    repo.summarizeByWorkflow(ctx.db, window),
    repo.sumUsageByDay(ctx.db, window),
    repo.summarizeByTrigger(ctx.db, window),
  ]);
  return {
    range: input.range,
    bucket,
    since: window.since,
    until: now,
    totals: { ...totals, successRate: rate(totals.completed, totals.finished) },
    overTime,
    byWorkflow: byWorkflow.map((w) => ({ ...w, successRate: rate(w.completed, w.finished) })),
    usageByDay,
    byTrigger: byTrigger.map((t) => ({ ...t, successRate: rate(t.completed, t.finished) })),
    trigger: input.trigger ?? [],
  };
}
