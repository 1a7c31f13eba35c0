import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { mcpOAuthConnections, mcpOAuthFlows } from "@/db/schema";

export type OAuthConnectionRow = typeof mcpOAuthConnections.$inferSelect;
export type OAuthConnectionInsert = typeof mcpOAuthConnections.$inferInsert;
export type OAuthFlowRow = typeof mcpOAuthFlows.$inferSelect;
export type OAuthFlowInsert = typeof mcpOAuthFlows.$inferInsert;

export async function findConnection(
  db: Db,
  tenantId: string,
  installationId: string,
): Promise<OAuthConnectionRow | undefined> {
  const [row] = await db
    .select()
    .from(mcpOAuthConnections)
    .where(
      and(
        eq(mcpOAuthConnections.tenantId, tenantId),
        eq(mcpOAuthConnections.installationId, installationId),
      ),
    );
  return row;
}

/**
 * A new sign-in replaces whatever the installation had. The version still goes up (never back to
 * 1): a process that read the old row and is refreshing it must not win its compare-and-set
 * against the new sign-in (which would mark it for Reconnect or store the old grant's tokens).
 */
export async function upsertConnection(
  db: Db,
  values: OAuthConnectionInsert,
): Promise<OAuthConnectionRow> {
  const { tenantId: _tenant, installationId: _installation, ...replaced } = values;
  const [row] = await db
    .insert(mcpOAuthConnections)
    .values(values)
    .onConflictDoUpdate({
      target: mcpOAuthConnections.installationId,
      set: {
        ...replaced,
        version: sql`${mcpOAuthConnections.version} + 1`,
        lastError: null,
        refreshLeaseUntil: null,
        updatedAt: new Date(),
      },
    })
    .returning();
  return row!;
}

/**
 * Changes a connection only if nobody changed it since `version` was read (another process
 * refreshing at the same time); the new version on success, undefined when someone else won.
 */
export async function updateConnectionIfVersion(
  db: Db,
  id: string,
  version: number,
  patch: Partial<
    Pick<OAuthConnectionRow, "status" | "tokensEncrypted" | "expiresAt" | "issuedAt" | "lastError">
  >,
): Promise<OAuthConnectionRow | undefined> {
  const [row] = await db
    .update(mcpOAuthConnections)
    .set({ ...patch, version: version + 1, refreshLeaseUntil: null, updatedAt: new Date() })
    .where(and(eq(mcpOAuthConnections.id, id), eq(mcpOAuthConnections.version, version)))
    .returning();
  return row;
}

/**
 * Takes the right to renew a connection's tokens until `until`, if the row is still at `version`
 * and nobody holds the right (or their lease ran out before `now`: that process died). The row,
 * or undefined when another process is renewing it or already did.
 */
export async function claimRefreshLease(
  db: Db,
  id: string,
  version: number,
  until: Date,
  now: Date,
): Promise<OAuthConnectionRow | undefined> {
  const [row] = await db
    .update(mcpOAuthConnections)
    .set({ refreshLeaseUntil: until })
    .where(
      and(
        eq(mcpOAuthConnections.id, id),
        eq(mcpOAuthConnections.version, version),
        or(
          isNull(mcpOAuthConnections.refreshLeaseUntil),
          lt(mcpOAuthConnections.refreshLeaseUntil, now),
        ),
      ),
    )
    .returning();
  return row;
}

/** Gives the right to renew back without changing the row (the authorization server was away). */
export async function releaseRefreshLease(db: Db, id: string, version: number): Promise<void> {
  await db
    .update(mcpOAuthConnections)
    .set({ refreshLeaseUntil: null })
    .where(and(eq(mcpOAuthConnections.id, id), eq(mcpOAuthConnections.version, version)));
}

export async function deleteConnection(
  db: Db,
  tenantId: string,
  installationId: string,
): Promise<boolean> {
  const rows = await db
    .delete(mcpOAuthConnections)
    .where(
      and(
        eq(mcpOAuthConnections.tenantId, tenantId),
        eq(mcpOAuthConnections.installationId, installationId),
      ),
    )
    .returning({ id: mcpOAuthConnections.id });
  return rows.length > 0;
}

export async function insertFlow(db: Db, values: OAuthFlowInsert): Promise<OAuthFlowRow> {
  const [row] = await db.insert(mcpOAuthFlows).values(values).returning();
  return row!;
}

/** Takes a flow by its state's hash, once: deleted as it is read, and only while it has not expired. */
export async function takeFlow(
  db: Db,
  stateHash: string,
  now: Date,
): Promise<OAuthFlowRow | undefined> {
  const [row] = await db
    .delete(mcpOAuthFlows)
    .where(and(eq(mcpOAuthFlows.stateHash, stateHash), gt(mcpOAuthFlows.expiresAt, now)))
    .returning();
  return row;
}

export async function deleteExpiredFlows(db: Db, now: Date): Promise<void> {
  await db.delete(mcpOAuthFlows).where(lt(mcpOAuthFlows.expiresAt, now));
}
