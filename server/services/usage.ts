import { z } from "zod";
import { AppError } from "@/engine/errors";
import * as repo from "@/server/repositories/usage";
import type { UsageExportRow, UsageSums, UsageWindow } from "@/server/repositories/usage";
import type { TenantContext } from "./context";

const MAX_DAYS = 366;
const DAY_MS = 86_400_000;

const isoDay = z.iso.date("A day as YYYY-MM-DD");

/** A range of UTC days, both included: what the usage page and the billing export ask for. */
const rangeShape = z.object({ from: isoDay, to: isoDay });
function checkRange(r: { from: string; to: string }, ctx: z.RefinementCtx) {
  if (r.from > r.to)
    ctx.addIssue({
      code: "custom",
      message: "The range must start on or before its end",
      path: ["from"],
    });
  else if (daysBetween(r.from, r.to) >= MAX_DAYS)
    ctx.addIssue({ code: "custom", message: `At most ${MAX_DAYS} days at once`, path: ["to"] });
}
export const usageRangeInput = rangeShape.superRefine(checkRange);
export type UsageRange = z.infer<typeof usageRangeInput>;

export const usageSummaryInput = rangeShape
  .extend({ top: z.number().int().min(1).max(50).default(8) })
  .superRefine(checkRange);

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Every UTC day of the range, so days without runs show as zero instead of vanishing. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`);
    t <= end;
    t += DAY_MS
  ) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

const ZERO: UsageSums = {
  runs: 0,
  steps: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  unpricedTokens: 0,
  mcpCalls: 0,
};
const KEYS = Object.keys(ZERO) as (keyof UsageSums)[];

function subtract(total: UsageSums, parts: UsageSums[]): UsageSums {
  const rest = { ...total };
  for (const part of parts) for (const key of KEYS) rest[key] -= part[key];
  // Float sums of cost can leave dust such as 1e-18.
  rest.costUsd = Math.max(0, Math.round(rest.costUsd * 1e9) / 1e9);
  return rest;
}

/** The top `top` groups and, when there are more, everything else summed as "other". */
function topAndOther<T extends UsageSums>(
  rows: T[],
  top: number,
  totals: UsageSums,
): { items: T[]; other: UsageSums | null } {
  const items = rows.slice(0, top);
  return { items, other: rows.length > top ? subtract(totals, items) : null };
}

/**
 * The usage page: totals of the range, per day (every day, zeros included), and per workflow and
 * member (the busiest `top`, the rest as "other"). Every figure is summed by the database.
 */
export async function getUsageSummary(ctx: TenantContext, input: UsageRange & { top?: number }) {
  const top = input.top ?? 8;
  const w: UsageWindow = { tenantId: ctx.tenant.id, from: input.from, to: input.to };
  const [totals, days, workflows, members] = await Promise.all([
    repo.sumUsage(ctx.db, w),
    repo.sumUsageByDay(ctx.db, w),
    repo.sumUsageByWorkflow(ctx.db, w, top + 1),
    repo.sumUsageByMember(ctx.db, w, top + 1),
  ]);
  const byDay = new Map(days.map((d) => [d.day, d]));
  return {
    from: input.from,
    to: input.to,
    totals,
    byDay: eachDay(input.from, input.to).map((day) => ({
      ...ZERO,
      completed: 0,
      failed: 0,
      ...byDay.get(day),
      day,
    })),
    byWorkflow: topAndOther(workflows, top, totals),
    byMember: topAndOther(members, top, totals),
  };
}

const EXPORT_PAGE = 500;

/**
 * Every usage record of the range in billing order, read a page at a time so an export of a
 * year never holds the year in memory.
 */
export async function* exportUsageRecords(
  ctx: TenantContext,
  input: UsageRange,
): AsyncGenerator<UsageExportRow> {
  if (input.from > input.to)
    throw new AppError("INVALID_INPUT", "The range must start on or before its end");
  let afterRunId: string | null = null;
  for (;;) {
    const page = await repo.listUsageRecordsPage(ctx.db, {
      tenantId: ctx.tenant.id,
      from: input.from,
      to: input.to,
      afterRunId,
      limit: EXPORT_PAGE,
    });
    yield* page;
    if (page.length < EXPORT_PAGE) return;
    afterRunId = page.at(-1)!.runId;
  }
}

/** The billing CSV's columns: one line per run (GET /api/usage/export). */
export const USAGE_CSV_COLUMNS: {
  header: string;
  value: (row: UsageExportRow) => string | number;
}[] = [
  { header: "date", value: (r) => r.day },
  { header: "run id", value: (r) => r.runId },
  {
    header: "workflow",
    value: (r) => r.workflowName ?? (r.workflowId ? `deleted workflow ${r.workflowId}` : ""),
  },
  { header: "member e-mail", value: (r) => r.userEmail ?? "" },
  { header: "status", value: (r) => r.status },
  { header: "steps", value: (r) => r.steps },
  { header: "tokens in", value: (r) => r.inputTokens },
  { header: "tokens out", value: (r) => r.outputTokens },
  { header: "cost USD", value: (r) => r.costUsd.toFixed(6) },
  { header: "unpriced tokens", value: (r) => r.unpricedTokens },
  { header: "MCP calls", value: (r) => r.mcpCalls },
];
