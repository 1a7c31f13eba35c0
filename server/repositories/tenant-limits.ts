import { and, eq, gte, inArray, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { runs, tenants, type TenantLimits } from "@/db/schema";
import { ACTIVE_STATUSES, activeRunCount } from "./runs";

/** What every request and run start checks about its tenant: its own limits and whether it is suspended. */
export interface TenantStanding {
  limits: TenantLimits;
  suspendedAt: Date | null;
}

export async function findTenantStanding(
  db: Db,
  tenantId: string,
): Promise<TenantStanding | undefined> {
  const [row] = await db
    .select({ limits: tenants.limits, suspendedAt: tenants.suspendedAt })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row;
}

/** The standing and the runs queued or running now, in one query: what every run start checks first. */
export async function findTenantStandingForStart(
  db: Db,
  tenantId: string,
): Promise<(TenantStanding & { activeRuns: number }) | undefined> {
  const active = activeRunCount(db, tenantId);
  const [row] = await db
    .select({
      limits: tenants.limits,
      suspendedAt: tenants.suspendedAt,
      activeRuns: sql<number>`(${active})`.mapWith(Number),
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return row;
}

export async function updateTenantLimits(
  db: Db,
  tenantId: string,
  limits: TenantLimits,
): Promise<void> {
  await db.update(tenants).set({ limits }).where(eq(tenants.id, tenantId));
}

export interface TenantUsage {
  /** Runs queued or running now. */
  activeRuns: number;
  /** Runs created since `dayStart`. */
  runsToday: number;
  /** LLM tokens (in + out) of the runs created since `monthStart`, as the runs table records them. */
  tokensThisMonth: number;
}

/**
 * A tenant's use of its quotas, in one query over its runs. Only the periods asked for are
 * summed (a start checks only the limits that are set): without them it is an index count of the
 * active runs, however many runs the month holds.
 */
export async function measureTenantUsage(
  db: Db,
  tenantId: string,
  since: { dayStart?: Date; monthStart?: Date },
): Promise<TenantUsage> {
  const isActive = inArray(runs.status, ACTIVE_STATUSES);
  const { dayStart, monthStart } = since;
  const starts = [dayStart, monthStart].filter((d): d is Date => d !== undefined);
  const earliest = starts.length
    ? new Date(Math.min(...starts.map((d) => d.getTime())))
    : undefined;
  const [row] = await db
    .select({
      activeRuns: sql<number>`count(*) filter (where ${isActive})`.mapWith(Number),
      runsToday: dayStart
        ? sql<number>`count(*) filter (where ${runs.createdAt} >= ${dayStart.toISOString()}::timestamptz)`.mapWith(
            Number,
          )
        : sql<number>`0`.mapWith(Number),
      tokensThisMonth: monthStart
        ? sql<number>`coalesce(sum(${runs.inputTokens} + ${runs.outputTokens}) filter (where ${runs.createdAt} >= ${monthStart.toISOString()}::timestamptz), 0)`.mapWith(
            Number,
          )
        : sql<number>`0`.mapWith(Number),
    })
    .from(runs)
    .where(
      and(
        eq(runs.tenantId, tenantId),
        earliest ? or(isActive, gte(runs.createdAt, earliest)) : isActive,
      ),
    );
  return row ?? { activeRuns: 0, runsToday: 0, tokensThisMonth: 0 };
}
