import { and, asc, desc, eq, gt, ilike, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mcpCatalogEntries, mcpInstallations, type McpStatus } from "@/db/schema";
import type { Page } from "./pagination";

export type InstallationRow = typeof mcpInstallations.$inferSelect;
export type InstallationInsert = typeof mcpInstallations.$inferInsert;

/** An installation as it may leave the server: without the encrypted secrets. */
export type InstallationSummary = Omit<InstallationRow, "secretsEncrypted"> & {
  entry: { id: string; name: string; title: string; transport: string | null; category: string };
};

const summaryColumns = {
  id: mcpInstallations.id,
  tenantId: mcpInstallations.tenantId,
  catalogEntryId: mcpInstallations.catalogEntryId,
  name: mcpInstallations.name,
  config: mcpInstallations.config,
  secretKeys: mcpInstallations.secretKeys,
  enabled: mcpInstallations.enabled,
  status: mcpInstallations.status,
  latencyMs: mcpInstallations.latencyMs,
  lastError: mcpInstallations.lastError,
  lastCheckedAt: mcpInstallations.lastCheckedAt,
  protocolVersion: mcpInstallations.protocolVersion,
  createdBy: mcpInstallations.createdBy,
  createdAt: mcpInstallations.createdAt,
  updatedAt: mcpInstallations.updatedAt,
  entry: {
    id: mcpCatalogEntries.id,
    name: mcpCatalogEntries.name,
    title: mcpCatalogEntries.title,
    transport: mcpCatalogEntries.transport,
    category: mcpCatalogEntries.category,
  },
};

/** A tenant's installations by name (the name is unique in a tenant, so it is the keyset). */
export async function listInstallations(
  db: Db,
  query: {
    tenantId: string;
    search?: string;
    catalogEntryId?: string;
    cursor?: string | null;
    limit: number;
  },
): Promise<Page<InstallationSummary>> {
  const filters: (SQL | undefined)[] = [eq(mcpInstallations.tenantId, query.tenantId)];
  if (query.search) {
    const like = `%${query.search.replace(/[\\%_]/g, "\\$&")}%`;
    filters.push(or(ilike(mcpInstallations.name, like), ilike(mcpCatalogEntries.title, like)));
  }
  if (query.catalogEntryId) filters.push(eq(mcpInstallations.catalogEntryId, query.catalogEntryId));
  if (query.cursor)
    filters.push(gt(mcpInstallations.name, Buffer.from(query.cursor, "base64url").toString()));
  const rows = await db
    .select(summaryColumns)
    .from(mcpInstallations)
    .innerJoin(mcpCatalogEntries, eq(mcpCatalogEntries.id, mcpInstallations.catalogEntryId))
    .where(and(...filters))
    .orderBy(asc(mcpInstallations.name))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > query.limit && last ? Buffer.from(last.name).toString("base64url") : null,
  };
}

export async function findInstallation(
  db: Db,
  tenantId: string,
  id: string,
): Promise<InstallationRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpInstallations)
    .where(and(eq(mcpInstallations.tenantId, tenantId), eq(mcpInstallations.id, id)));
  return row;
}

export async function findInstallationSummary(
  db: Db,
  tenantId: string,
  id: string,
): Promise<InstallationSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(mcpInstallations)
    .innerJoin(mcpCatalogEntries, eq(mcpCatalogEntries.id, mcpInstallations.catalogEntryId))
    .where(and(eq(mcpInstallations.tenantId, tenantId), eq(mcpInstallations.id, id)));
  return row;
}

export async function findInstallationByName(
  db: Db,
  tenantId: string,
  name: string,
): Promise<InstallationRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpInstallations)
    .where(and(eq(mcpInstallations.tenantId, tenantId), eq(mcpInstallations.name, name)));
  return row;
}

export async function listAllInstallations(db: Db, tenantId: string): Promise<InstallationRow[]> {
  return db
    .select()
    .from(mcpInstallations)
    .where(eq(mcpInstallations.tenantId, tenantId))
    .orderBy(asc(mcpInstallations.name));
}

export async function insertInstallation(
  db: Db,
  values: InstallationInsert,
): Promise<InstallationRow> {
  const [row] = await db.insert(mcpInstallations).values(values).returning();
  return row!;
}

export async function updateInstallation(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<
    Pick<InstallationRow, "name" | "config" | "secretsEncrypted" | "secretKeys" | "enabled">
  >,
): Promise<InstallationRow | undefined> {
  const [row] = await db
    .update(mcpInstallations)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(mcpInstallations.tenantId, tenantId), eq(mcpInstallations.id, id)))
    .returning();
  return row;
}

export async function setInstallationHealth(
  db: Db,
  tenantId: string,
  id: string,
  health: {
    status: McpStatus;
    latencyMs: number | null;
    lastError: string | null;
    at: Date;
    /** Kept from the last time it was known when this check could not tell (the server was down). */
    protocolVersion?: string | null;
  },
): Promise<void> {
  await db
    .update(mcpInstallations)
    .set({
      status: health.status,
      latencyMs: health.latencyMs,
      lastError: health.lastError,
      lastCheckedAt: health.at,
      ...(health.protocolVersion ? { protocolVersion: health.protocolVersion } : {}),
    })
    .where(and(eq(mcpInstallations.tenantId, tenantId), eq(mcpInstallations.id, id)));
}

export async function deleteInstallation(
  db: Db,
  tenantId: string,
  id: string,
): Promise<InstallationRow | undefined> {
  const [row] = await db
    .delete(mcpInstallations)
    .where(and(eq(mcpInstallations.tenantId, tenantId), eq(mcpInstallations.id, id)))
    .returning();
  return row;
}

/**
 * Enabled installations of every tenant whose last health check is oldest, for the periodic
 * checker (a system task, not a tenant's request).
 */
export async function listInstallationsDueForHealth(
  db: Db,
  olderThan: Date,
  limit: number,
): Promise<InstallationRow[]> {
  return db
    .select()
    .from(mcpInstallations)
    .where(
      and(
        eq(mcpInstallations.enabled, true),
        or(
          sql`${mcpInstallations.lastCheckedAt} is null`,
          sql`${mcpInstallations.lastCheckedAt} < ${olderThan}`,
        ),
      ),
    )
    .orderBy(
      sql`${mcpInstallations.lastCheckedAt} asc nulls first`,
      desc(mcpInstallations.createdAt),
    )
    .limit(limit);
}

export async function countEnabledInstallations(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mcpInstallations)
    .where(eq(mcpInstallations.enabled, true));
  return row?.n ?? 0;
}
