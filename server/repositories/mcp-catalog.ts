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

export type CatalogListItem = Omit<
  CatalogEntryRow,
  "serverJson" | "searchText" | "searchVector" | "installCount"
> & {
  /** Installations across all tenants: a count only, nothing about who. */
  popularity: number;
  /** This tenant's installations of the entry. */
  installedCount: number;
  /** The best status among this tenant's installations, or null when not installed. */
  status: McpStatus | null;
  /** Our built-ins, or an io.github name whose repository has the same owner. */
  isVerified: boolean;
  /** The mean latency of this tenant's installations at their last checks, in ms. */
  latencyMs: number | null;
  lastCheck: { status: McpStatus; createdAt: Date } | null;
};

/** Name, title, description and tool names as lower-case words: the text full-text search reads. */
export function catalogSearchText(entry: {
  name: string;
  title: string;
  description: string;
  toolNames?: string[] | null;
}): string {
  return searchWords(
    [entry.name, entry.title, entry.description, ...(entry.toolNames ?? [])].join(" "),
  ).join(" ");
}

/** Words of letters and digits, lower-cased: `io.github.x/list_dir` → io github x list dir. */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** A search as a tsquery: every word must start a word of the entry (`file sys` finds "filesystem tools"). */
export function toPrefixQuery(search: string): string | null {
  const words = searchWords(search).slice(0, 12);
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/** Offset paging: the catalog's sorts (popularity, health) are not keys. */
const decodeOffset = (cursor: string | null | undefined) => {
  const n = cursor ? Number.parseInt(Buffer.from(cursor, "base64url").toString(), 10) : 0;
  return Number.isFinite(n) && n > 0 ? n : 0;
};
const encodeOffset = (offset: number) => Buffer.from(String(offset)).toString("base64url");

const STATUS_BY_RANK = ["up", "degraded", "unknown", "down"] as const;

/** This tenant's installations per entry: how many, the best status's rank, the mean latency. */
function tenantFigures(db: Db, tenantId: string, entryIds?: string[]) {
  const i = mcpInstallations;
  const statusRank = sql`case ${i.status} when 'up' then 0 when 'degraded' then 1 when 'unknown' then 2 else 3 end`;
  return db
    .select({
      entryId: i.catalogEntryId,
      mine: sql<number>`count(*)::int`.as("mine"),
      best: sql<number | null>`min(${statusRank})`.as("best"),
      latency: sql<number | null>`avg(${i.latencyMs})::int`.as("latency"),
    })
    .from(i)
    .where(
      and(eq(i.tenantId, tenantId), entryIds ? inArray(i.catalogEntryId, entryIds) : undefined),
    )
    .groupBy(i.catalogEntryId);
}

/**
 * One page of the catalog, fast with 10,000 entries: search uses the GIN index on the entries'
 * words; popularity (`install_count`, kept by a trigger) and name are read in index order; this
 * tenant's figures come from one aggregate over its installations, joined in only to filter or sort
 * by them and otherwise read for the page's entries alone.
 */
export async function listCatalog(db: Db, query: CatalogQuery): Promise<Page<CatalogListItem>> {
  const e = mcpCatalogEntries;
  const stats = tenantFigures(db, query.tenantId).as("stats");
  const needsFigures = query.sort === "health" || query.status !== undefined;

  const filters: (SQL | undefined)[] = [visibleTo(query.tenantId)];
  const prefixQuery = query.search ? toPrefixQuery(query.search) : null;
  if (query.search && !prefixQuery) filters.push(sql`false`);
  if (prefixQuery)
    filters.push(
      sql`${mcpCatalogEntries.searchVector} @@ to_tsquery('simple'::regconfig, ${prefixQuery})`,
    );
  if (query.category) filters.push(eq(e.category, query.category));
  if (query.transport) filters.push(eq(e.transport, query.transport));
  if (query.status === "installed") filters.push(sql`${stats.mine} > 0`);
  else if (query.status === "not-installed") filters.push(sql`${stats.mine} is null`);
  else if (query.status) filters.push(sql`${stats.best} = ${STATUS_BY_RANK.indexOf(query.status)}`);

  // A search matches few entries: read them through the word index and sort them. Walking an order
  // index instead would test entry after entry (its matches may all sort last), so the keys are
  // written as expressions no index has.
  const byName = prefixQuery ? [sql`${e.title} || ''`, asc(e.id)] : [asc(e.title), asc(e.id)];
  const order =
    query.sort === "popularity"
      ? [
          prefixQuery ? sql`${e.installCount} + 0 desc` : sql`${e.installCount} desc nulls last`,
          ...byName,
        ]
      : query.sort === "health"
        ? [sql`coalesce(${stats.best}, 4) asc`, ...byName]
        : byName;
  const offset = decodeOffset(query.cursor);
  const base = db.select({ id: e.id }).from(e);
  const ranked = await (needsFigures ? base.leftJoin(stats, eq(stats.entryId, e.id)) : base)
    .where(and(...filters))
    .orderBy(...order)
    .limit(query.limit + 1)
    .offset(offset);
  const ids = ranked.slice(0, query.limit).map((row) => row.id);
  if (ids.length === 0) return { items: [], nextCursor: null };
  const [entries, figures, checks] = await Promise.all([
    db
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
        registrySourceId: e.registrySourceId,
        registryStatus: e.registryStatus,
        registryUpdatedAt: e.registryUpdatedAt,
        installCount: e.installCount,
        repositoryUrl: sql<string | null>`${e.serverJson}->'repository'->>'url'`,
        createdAt: e.createdAt,
        updatedAt: e.updatedAt,
      })
      .from(e)
      .where(inArray(e.id, ids)),
    tenantFigures(db, query.tenantId, ids),
    latestChecks(db, query.tenantId, ids),
  ]);
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const figuresById = new Map(figures.map((row) => [row.entryId, row]));
  return {
    items: ids.flatMap((id) => {
      const found = byId.get(id);
      if (!found) return [];
      const { repositoryUrl, installCount, ...entry } = found;
      const mine = figuresById.get(id);
      return [
        {
          ...entry,
          popularity: installCount,
          installedCount: mine?.mine ?? 0,
          status: mine?.best == null ? null : (STATUS_BY_RANK[mine.best] ?? "down"),
          latencyMs: mine?.latency ?? null,
          isVerified: isVerifiedNamespace(entry.name, repositoryUrl, entry.source),
          lastCheck: checks.get(id) ?? null,
        },
      ];
    }),
    nextCursor: ranked.length > query.limit ? encodeOffset(offset + query.limit) : null,
  };
}

/**
 * Whether the entry's namespace is vouched for: our built-ins, or an `io.github.<owner>/…` name
 * whose repository is on github.com under the same owner (the registry checks that owner's
 * GitHub login before it accepts the name).
 */
export function isVerifiedNamespace(
  name: string,
  repositoryUrl: string | null | undefined,
  source: string,
): boolean {
  if (source === "builtin") return true;
  const owner = /^io\.github\.([^/]+)\//i.exec(name)?.[1];
  if (!owner || !repositoryUrl) return false;
  const repoOwner = /^https:\/\/github\.com\/([^/]+)\//i.exec(repositoryUrl)?.[1];
  return repoOwner?.toLowerCase() === owner.toLowerCase();
}

/** Refreshes the planner's statistics after a sync changed many entries (PGlite has no autovacuum). */
export async function analyzeCatalog(db: Db): Promise<void> {
  await db.execute(sql`analyze ${mcpCatalogEntries}`);
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

const withSearchText = (entry: CatalogEntryInsert) => ({
  ...entry,
  searchText: catalogSearchText(entry),
});

/** The stored words, with the row's own tool names when the new values bring none. */
const keptSearchText = sql`case when cardinality(excluded.tool_names) > 0 then excluded.search_text else trim(excluded.search_text || ' ' || lower(regexp_replace(array_to_string(${mcpCatalogEntries.toolNames}, ' '), '[^[:alnum:]]+', ' ', 'g'))) end`;
const keptToolNames = sql`case when cardinality(excluded.tool_names) > 0 then excluded.tool_names else ${mcpCatalogEntries.toolNames} end`;

/** What replacing a tenant's entry by name writes: all it was given, keeping the tool names known. */
const replacedColumns = {
  title: sql`excluded.title`,
  description: sql`excluded.description`,
  version: sql`excluded.version`,
  category: sql`excluded.category`,
  transport: sql`excluded.transport`,
  source: sql`excluded.source`,
  serverJson: sql`excluded.server_json`,
  toolNames: keptToolNames,
  searchText: keptSearchText,
  registrySourceId: sql`excluded.registry_source_id`,
  registryStatus: sql`excluded.registry_status`,
  registryUpdatedAt: sql`excluded.registry_updated_at`,
  updatedAt: sql`now()`,
};

/** Inserts or replaces a tenant's own entries by name. */
export async function upsertTenantCatalogEntries(
  db: Db,
  tenantId: string,
  entries: CatalogEntryInsert[],
): Promise<CatalogEntryRow[]> {
  if (entries.length === 0) return [];
  return db
    .insert(mcpCatalogEntries)
    .values(entries.map((entry) => ({ ...withSearchText(entry), ownerTenantId: tenantId })))
    .onConflictDoUpdate({
      target: [mcpCatalogEntries.ownerTenantId, mcpCatalogEntries.name],
      targetWhere: sql`${mcpCatalogEntries.ownerTenantId} is not null`,
      set: replacedColumns,
    })
    .returning();
}

/**
 * A registry sync's entries for one tenant, by name: new ones are added, ones the registry changed
 * (another update time or status, or taken over from another source) are replaced, the rest left
 * alone. Sent in chunks; says how many were added and how many updated.
 */
export async function upsertRegistryEntries(
  db: Db,
  tenantId: string,
  entries: CatalogEntryInsert[],
): Promise<{ added: number; updated: number }> {
  const e = mcpCatalogEntries;
  let added = 0;
  let updated = 0;
  for (let start = 0; start < entries.length; start += 500) {
    const chunk = entries.slice(start, start + 500);
    const rows = await db
      .insert(e)
      .values(chunk.map((entry) => ({ ...withSearchText(entry), ownerTenantId: tenantId })))
      .onConflictDoUpdate({
        target: [e.ownerTenantId, e.name],
        targetWhere: sql`${e.ownerTenantId} is not null`,
        set: replacedColumns,
        setWhere: sql`${e.registryUpdatedAt} is distinct from excluded.registry_updated_at or ${e.registryStatus} is distinct from excluded.registry_status or ${e.registrySourceId} is distinct from excluded.registry_source_id`,
      })
      .returning({ isNew: sql<boolean>`(xmax = 0)` });
    for (const row of rows) {
      if (row.isNew) added++;
      else updated++;
    }
  }
  return { added, updated };
}

/**
 * Marks the source's entries deleted (kept, shown as removed): those named (`names`), or those not
 * named (`allBut`: what a full listing no longer has). Says how many changed.
 */
export async function markRegistryEntriesDeleted(
  db: Db,
  tenantId: string,
  sourceId: string,
  which: { names: string[] } | { allBut: string[] },
): Promise<number> {
  const e = mcpCatalogEntries;
  if ("names" in which && which.names.length === 0) return 0;
  const listed = sql`(select jsonb_array_elements_text(${JSON.stringify("names" in which ? which.names : which.allBut)}::jsonb))`;
  const rows = await db
    .update(e)
    .set({ registryStatus: "deleted", updatedAt: new Date() })
    .where(
      and(
        eq(e.ownerTenantId, tenantId),
        eq(e.registrySourceId, sourceId),
        sql`${e.registryStatus} is distinct from 'deleted'`,
        "names" in which ? sql`${e.name} in ${listed}` : sql`${e.name} not in ${listed}`,
      ),
    )
    .returning({ id: e.id });
  return rows.length;
}

export async function countRegistrySourceEntries(db: Db, sourceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mcpCatalogEntries)
    .where(eq(mcpCatalogEntries.registrySourceId, sourceId));
  return row?.n ?? 0;
}

/** Inserts shared entries whose names are new; leaves existing ones alone (seeding the built-ins). */
export async function insertMissingSharedCatalogEntries(
  db: Db,
  entries: CatalogEntryInsert[],
): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = await db
    .insert(mcpCatalogEntries)
    .values(entries.map((entry) => ({ ...withSearchText(entry), ownerTenantId: null })))
    .onConflictDoNothing({
      target: mcpCatalogEntries.name,
      where: sql`${mcpCatalogEntries.ownerTenantId} is null`,
    })
    .returning({ id: mcpCatalogEntries.id });
  return rows.length;
}

export async function setCatalogToolNames(db: Db, id: string, toolNames: string[]): Promise<void> {
  const entry = await findCatalogEntry(db, id);
  if (!entry) return;
  await db
    .update(mcpCatalogEntries)
    .set({ toolNames, searchText: catalogSearchText({ ...entry, toolNames }) })
    .where(eq(mcpCatalogEntries.id, id));
}
