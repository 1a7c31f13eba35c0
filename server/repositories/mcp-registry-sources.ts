import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mcpRegistrySources, type RegistrySyncResult } from "@/db/schema";

/** Registry sources a tenant syncs its catalog from, and the lease that lets one process sync each. */

export type RegistrySourceRow = typeof mcpRegistrySources.$inferSelect;

/** Adds the source, or gives back the tenant's existing one with the same URL. */
export async function insertRegistrySource(
  db: Db,
  values: { tenantId: string; url: string; createdBy: string | null },
): Promise<{ row: RegistrySourceRow; isNew: boolean }> {
  const [created] = await db
    .insert(mcpRegistrySources)
    .values(values)
    .onConflictDoNothing({ target: [mcpRegistrySources.tenantId, mcpRegistrySources.url] })
    .returning();
  if (created) return { row: created, isNew: true };
  const [existing] = await db
    .select()
    .from(mcpRegistrySources)
    .where(
      and(eq(mcpRegistrySources.tenantId, values.tenantId), eq(mcpRegistrySources.url, values.url)),
    );
  return { row: existing!, isNew: false };
}

export async function listRegistrySources(db: Db, tenantId: string): Promise<RegistrySourceRow[]> {
  return db
    .select()
    .from(mcpRegistrySources)
    .where(eq(mcpRegistrySources.tenantId, tenantId))
    .orderBy(asc(mcpRegistrySources.createdAt))
    .limit(50);
}

export async function findRegistrySource(
  db: Db,
  tenantId: string,
  id: string,
): Promise<RegistrySourceRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpRegistrySources)
    .where(and(eq(mcpRegistrySources.tenantId, tenantId), eq(mcpRegistrySources.id, id)));
  return row;
}

export async function deleteRegistrySource(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(mcpRegistrySources)
    .where(and(eq(mcpRegistrySources.tenantId, tenantId), eq(mcpRegistrySources.id, id)))
    .returning({ id: mcpRegistrySources.id });
  return rows.length > 0;
}

/**
 * Takes the source's lease for `holder` when nobody holds it (or the holder's lease ran out), in
 * one statement, so of two processes asking at once exactly one gets the row.
 */
export async function claimRegistrySource(
  db: Db,
  id: string,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<RegistrySourceRow | undefined> {
  const [row] = await db
    .update(mcpRegistrySources)
    .set({ leasedBy: holder, leasedUntil: new Date(now.getTime() + leaseMs) })
    .where(
      and(
        eq(mcpRegistrySources.id, id),
        or(isNull(mcpRegistrySources.leasedUntil), lt(mcpRegistrySources.leasedUntil, now)),
      ),
    )
    .returning();
  return row;
}

/** Writes a sync's outcome and lets the lease go (only the holder's). */
export async function finishRegistrySync(
  db: Db,
  id: string,
  holder: string,
  outcome:
    | {
        ok: true;
        at: Date;
        result: RegistrySyncResult;
        watermark: Date | null;
        entryCount: number;
      }
    | { ok: false; at: Date; error: string },
): Promise<void> {
  await db
    .update(mcpRegistrySources)
    .set(
      outcome.ok
        ? {
            lastSyncAt: outcome.at,
            lastStatus: "ok",
            lastError: null,
            lastResult: outcome.result,
            watermark: outcome.watermark,
            entryCount: outcome.entryCount,
            ...(outcome.result.mode === "full" ? { lastFullSyncAt: outcome.at } : {}),
            leasedBy: null,
            leasedUntil: null,
          }
        : {
            lastSyncAt: outcome.at,
            lastStatus: "error",
            lastError: outcome.error,
            leasedBy: null,
            leasedUntil: null,
          },
    )
    .where(and(eq(mcpRegistrySources.id, id), eq(mcpRegistrySources.leasedBy, holder)));
}

/** Sources not synced since `before` and not leased: what the periodic sync takes next. */
export async function listDueRegistrySources(
  db: Db,
  before: Date,
  now: Date,
  limit: number,
): Promise<RegistrySourceRow[]> {
  return db
    .select()
    .from(mcpRegistrySources)
    .where(
      and(
        or(isNull(mcpRegistrySources.lastSyncAt), lt(mcpRegistrySources.lastSyncAt, before)),
        or(isNull(mcpRegistrySources.leasedUntil), lt(mcpRegistrySources.leasedUntil, now)),
      ),
    )
    .orderBy(sql`${mcpRegistrySources.lastSyncAt} asc nulls first`)
    .limit(limit);
}
