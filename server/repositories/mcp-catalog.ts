import { and, asc, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mcpCatalogEntries, mcpChecks, mcpInstallations, type McpStatus } from "@/db/schema";
import type { Page } from "./pagination";

/**
 * The catalog of MCP servers: shared entries (owner null) plus each tenant's own imports. A tenant
 * sees the shared ones and its own; every tenant-specific figure is scoped by tenantId.
 */

export type CatalogEntryRow = typeof mcpCatalogEntries.$inferSelect;
export type CatalogEntryInsert = typeof mcpCatalogEntries.$inferInsert;

export type CatalogQuery = {
  tenantId: string;
  search?: string;
  category?: string;
  transport?: string;
  status?: "installed" | "not-installed" | McpStatus;
  sort: "popularity" | "health" | "name";
  cursor?: string | null;
  limit: number;
};

export type CatalogListItem = Omit<CatalogEntryRow, "serverJson"> & {
  /** Installations across all tenants: a count only, nothing about who. */
  popularity: number;
  /** This tenant's installations of the entry. */
  installedCount: number;
  /** The best status among this tenant's installations, or null when not installed. */
  status: McpStatus | null;
  lastCheck: { status: McpStatus; createdAt: Date } | null;
};

const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

/** Offset paging: the catalog is small, and its sorts (popularity, health) are not keys. */
const decodeOffset = (cursor: string | null | undefined) => {
  const n = cursor ? Number.parseInt(Buffer.from(cursor, "base64url").toString(), 10) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
};
const encodeOffset = (offset: number) => Buffer.from(String(offset)).toString("base64url");

export async function listCatalog(db: Db, query: CatalogQuery): Promise<Page<CatalogListItem>> {
  const e = mcpCatalogEntries;
  // Qualified by hand: drizzle leaves columns unqualified in single-table selects, which the subqueries would misread.
  const entryId = sql.raw(`"mcp_catalog_entries"."id"`);
  const popularity = sql<number>`(select count(*)::int from ${mcpInstallations} i where i.catalog_entry_id = ${entryId})`;
  const installedCount = sql<number>`(select count(*)::int from ${mcpInstallations} i where i.catalog_entry_id = ${entryId} and i.tenant_id = ${query.tenantId})`;
  const statusRank = sql`case i.status when 'up' then 0 when 'degraded' then 1 when 'unknown' then 2 else 3 end`;
  const status = sql<McpStatus | null>`(select i.status from ${mcpInstallations} i where i.catalog_entry_id = ${entryId} and i.tenant_id = ${query.tenantId} order by ${statusRank} limit 1)`;
  const healthRank = sql<number>`coalesce((select min(${statusRank}) from ${mcpInstallations} i where i.catalog_entry_id = ${entryId} and i.tenant_id = ${query.tenantId}), 4)`;

  const filters: (SQL | undefined)[] = [visibleTo(query.tenantId)];
  if (query.search) {
    const like = escapeLike(query.search);
    filters.push(
      sql`(${e.name} ilike ${like} or ${e.title} ilike ${like} or ${e.description} ilike ${like} or array_to_string(${e.toolNames}, ' ') ilike ${like})`,
    );
  }
  if (query.category) filters.push(eq(e.category, query.category));
  if (query.transport) filters.push(eq(e.transport, query.transport));
  if (query.status === "installed") filters.push(sql`${installedCount} > 0`);
  else if (query.status === "not-installed") filters.push(sql`${installedCount} = 0`);
  else if (query.status) filters.push(sql`${status} = ${query.status}`);

  const order =
    query.sort === "popularity"
      ? [sql`${popularity} desc`, asc(e.title)]
      : query.sort === "health"
        ? [sql`${healthRank} asc`, asc(e.title)]
        : [asc(e.title)];
  const offset = decodeOffset(query.cursor);
  const rows = await db
    .select({
      id: e.id,
      ownerTenantId: e.ownerTenantId,
      name: e.name,
      title: e.title,
      description: e.description,
      version: e.version,
      category: e.category,
      transport: e.transport,
      source: e.source,
      toolNames: e.toolNames,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
      popularity,
      installedCount,
      status,
    })
    .from(e)
    .where(and(...filters))
    .orderBy(...order)
    .limit(query.limit + 1)
    .offset(offset);
  const items = rows.slice(0, query.limit);
  const checks = await latestChecks(
    db,
    query.tenantId,
    items.map((row) => row.id),
  );
  return {
    items: items.map((row) => ({ ...row, lastCheck: checks.get(row.id) ?? null })),
    nextCursor: rows.length > query.limit ? encodeOffset(offset + query.limit) : null,
  };
}

/** The tenant's latest full check per catalog entry. */
async function latestChecks(db: Db, tenantId: string, entryIds: string[]) {
  const result = new Map<string, { status: McpStatus; createdAt: Date }>();
  if (entryIds.length === 0) return result;
  const rows = await db
    .selectDistinctOn([mcpChecks.catalogEntryId], {
      entryId: mcpChecks.catalogEntryId,
      status: mcpChecks.status,
      createdAt: mcpChecks.createdAt,
    })
    .from(mcpChecks)
    .where(
      and(
        eq(mcpChecks.tenantId, tenantId),
        eq(mcpChecks.kind, "check"),
        inArray(mcpChecks.catalogEntryId, entryIds),
      ),
    )
    .orderBy(mcpChecks.catalogEntryId, sql`${mcpChecks.createdAt} desc`);
  for (const row of rows) result.set(row.entryId, { status: row.status, createdAt: row.createdAt });
  return result;
}

const visibleTo = (tenantId: string) =>
  or(isNull(mcpCatalogEntries.ownerTenantId), eq(mcpCatalogEntries.ownerTenantId, tenantId));

/** An entry the tenant may see: shared, or imported by this tenant. */
export async function findVisibleCatalogEntry(
  db: Db,
  tenantId: string,
  id: string,
): Promise<CatalogEntryRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpCatalogEntries)
    .where(and(eq(mcpCatalogEntries.id, id), visibleTo(tenantId)));
  return row;
}

/** Any entry by id: for system tasks that start from an installation (which already fixes the tenant). */
export async function findCatalogEntry(db: Db, id: string): Promise<CatalogEntryRow | undefined> {
  const [row] = await db.select().from(mcpCatalogEntries).where(eq(mcpCatalogEntries.id, id));
  return row;
}

export async function findCatalogEntriesByIds(db: Db, ids: string[]): Promise<CatalogEntryRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(mcpCatalogEntries).where(inArray(mcpCatalogEntries.id, ids));
}

export async function countCatalogEntries(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(mcpCatalogEntries);
  return row?.n ?? 0;
}

/** Inserts or replaces a tenant's own entries by name. */
export async function upsertTenantCatalogEntries(
  db: Db,
  tenantId: string,
  entries: CatalogEntryInsert[],
): Promise<CatalogEntryRow[]> {
  if (entries.length === 0) return [];
  return db
    .insert(mcpCatalogEntries)
    .values(entries.map((entry) => ({ ...entry, ownerTenantId: tenantId })))
    .onConflictDoUpdate({
      target: [mcpCatalogEntries.ownerTenantId, mcpCatalogEntries.name],
      targetWhere: sql`${mcpCatalogEntries.ownerTenantId} is not null`,
      set: {
        title: sql`excluded.title`,
        description: sql`excluded.description`,
        version: sql`excluded.version`,
        category: sql`excluded.category`,
        transport: sql`excluded.transport`,
        source: sql`excluded.source`,
        serverJson: sql`excluded.server_json`,
        toolNames: sql`case when cardinality(excluded.tool_names) > 0 then excluded.tool_names else ${mcpCatalogEntries.toolNames} end`,
        updatedAt: new Date(),
      },
    })
    .returning();
}

/** Inserts shared entries whose names are new; leaves existing ones alone (seeding the built-ins). */
export async function insertMissingSharedCatalogEntries(
  db: Db,
  entries: CatalogEntryInsert[],
): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = await db
    .insert(mcpCatalogEntries)
    .values(entries.map((entry) => ({ ...entry, ownerTenantId: null })))
    .onConflictDoNothing({
      target: mcpCatalogEntries.name,
      where: sql`${mcpCatalogEntries.ownerTenantId} is null`,
    })
    .returning({ id: mcpCatalogEntries.id });
  return rows.length;
}

export async function setCatalogToolNames(db: Db, id: string, toolNames: string[]): Promise<void> {
  await db.update(mcpCatalogEntries).set({ toolNames }).where(eq(mcpCatalogEntries.id, id));
}
