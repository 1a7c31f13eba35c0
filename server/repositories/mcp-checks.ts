import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mcpChecks } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

export type CheckRow = typeof mcpChecks.$inferSelect;
export type CheckInsert = typeof mcpChecks.$inferInsert;
export type CheckSummary = Omit<CheckRow, "report">;

export async function insertCheck(db: Db, values: CheckInsert): Promise<CheckRow> {
  const [row] = await db.insert(mcpChecks).values(values).returning();
  return row!;
}

/** A tenant's checks of one installation or one catalog entry, newest first, without the reports. */
export async function listChecks(
  db: Db,
  query: {
    tenantId: string;
    installationId?: string;
    catalogEntryId?: string;
    kind?: string;
    cursor?: string | null;
    limit: number;
  },
): Promise<Page<CheckSummary>> {
  const filters: (SQL | undefined)[] = [eq(mcpChecks.tenantId, query.tenantId)];
  if (query.installationId) filters.push(eq(mcpChecks.installationId, query.installationId));
  if (query.catalogEntryId) filters.push(eq(mcpChecks.catalogEntryId, query.catalogEntryId));
  if (query.kind) filters.push(eq(mcpChecks.kind, query.kind));
  const cursor = decodeCursor(query.cursor);
  if (cursor) filters.push(afterCursor(mcpChecks, cursor));
  const rows = await db
    .select({
      id: mcpChecks.id,
      tenantId: mcpChecks.tenantId,
      installationId: mcpChecks.installationId,
      catalogEntryId: mcpChecks.catalogEntryId,
      kind: mcpChecks.kind,
      status: mcpChecks.status,
      connectMs: mcpChecks.connectMs,
      callMs: mcpChecks.callMs,
      createdAt: mcpChecks.createdAt,
    })
    .from(mcpChecks)
    .where(and(...filters))
    .orderBy(desc(mcpChecks.createdAt), desc(mcpChecks.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit);
}

/** The tenant's latest full check (with its report) of an installation or a catalog entry. */
export async function findLatestCheck(
  db: Db,
  query: { tenantId: string; installationId?: string; catalogEntryId?: string },
): Promise<CheckRow | undefined> {
  const filters: SQL[] = [eq(mcpChecks.tenantId, query.tenantId), eq(mcpChecks.kind, "check")];
  if (query.installationId) filters.push(eq(mcpChecks.installationId, query.installationId));
  if (query.catalogEntryId) filters.push(eq(mcpChecks.catalogEntryId, query.catalogEntryId));
  const [row] = await db
    .select()
    .from(mcpChecks)
    .where(and(...filters))
    .orderBy(desc(mcpChecks.createdAt))
    .limit(1);
  return row;
}

/** Keeps health history bounded: drops periodic probes older than the cutoff. */
export async function deleteHealthChecksBefore(db: Db, cutoff: Date): Promise<void> {
  await db
    .delete(mcpChecks)
    .where(and(eq(mcpChecks.kind, "health"), sql`${mcpChecks.createdAt} < ${cutoff}`));
}
