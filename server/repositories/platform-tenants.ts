import { and, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, tenants, usageRecords } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";
import type { TenantRow } from "./tenants";

export interface TenantOverview {
  id: string;
  name: string;
  slug: string;
  suspendedAt: Date | null;
  createdAt: Date;
  memberCount: number;
  /** Usage since `monthStart` (the current UTC month), from the usage records of finished runs. */
  usage: { runs: number; tokens: number; costUsd: number };
}

/**
 * Every tenant (newest first) with its member count and usage this month. Scalar subqueries per
 * row of the page: they use the (tenant_id, day) index and cost nothing for tenants off the page.
 */
export async function listTenantsWithUsage(
  db: Db,
  query: { monthStart: string; search?: string; cursor?: string | null; limit: number },
): Promise<Page<TenantOverview>> {
  const filters: (SQL | undefined)[] = [];
  if (query.search) {
    const like = `%${query.search.replace(/[\\%_]/g, "\\$&")}%`;
    filters.push(or(ilike(tenants.name, like), ilike(tenants.slug, like)));
  }
  const cursor = decodeCursor(query.cursor);
  if (cursor) {
    filters.push(afterCursor(tenants, cursor));
  }
  const thisMonth = sql`${usageRecords.tenantId} = ${tenants.id} and ${usageRecords.day} >= ${query.monthStart}`;
  const rows = await db
    .select({
      id: tenants.id,
      name: tenants.name,
      slug: tenants.slug,
      suspendedAt: tenants.suspendedAt,
      createdAt: tenants.createdAt,
      memberCount:
        sql`(select count(*) from ${memberships} where ${memberships.tenantId} = ${tenants.id})`.mapWith(
          Number,
        ),
      runs: sql`(select count(*) from ${usageRecords} where ${thisMonth})`.mapWith(Number),
      tokens:
        sql`(select coalesce(sum(${usageRecords.inputTokens}::bigint + ${usageRecords.outputTokens}), 0) from ${usageRecords} where ${thisMonth})`.mapWith(
          Number,
        ),
      costUsd:
        sql`(select coalesce(sum(${usageRecords.costUsd}), 0) from ${usageRecords} where ${thisMonth})`.mapWith(
          Number,
        ),
    })
    .from(tenants)
    .where(and(...filters))
    .orderBy(desc(tenants.createdAt), desc(tenants.id))
    .limit(query.limit + 1);
  return toPage(
    rows.map(({ runs, tokens, costUsd, ...tenant }) => ({
      ...tenant,
      usage: { runs, tokens, costUsd },
    })),
    query.limit,
  );
}

export async function updateTenant(
  db: Db,
  id: string,
  patch: Partial<Pick<TenantRow, "name" | "suspendedAt">>,
): Promise<TenantRow | undefined> {
  const [row] = await db.update(tenants).set(patch).where(eq(tenants.id, id)).returning();
  return row;
}

/** Deletes a tenant; every table that holds its rows references it ON DELETE CASCADE, so they go too. */
export async function deleteTenant(db: Db, id: string): Promise<TenantRow | undefined> {
  const [row] = await db.delete(tenants).where(eq(tenants.id, id)).returning();
  return row;
}
