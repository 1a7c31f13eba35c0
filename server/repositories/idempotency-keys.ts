import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";

// Idempotency keys of run starts (README "Idempotent starts"): a key claimed for a run, stored
// as `<trigger>:<trigger id>:<key>` by server/services/runs.ts#startRun.

/**
 * Claims an idempotency key for a new run: stores (tenant, key) → run unless a claim younger than
 * `ttlMs` holds it. Answers the claim that holds the key afterwards: ours when `runId` comes back.
 * One statement, so two processes claiming the same key at once end with one owner.
 */
export async function claimIdempotencyKey(
  db: Db,
  claim: { tenantId: string; key: string; requestHash: string; runId: string },
  ttlMs: number,
): Promise<{ runId: string; requestHash: string; createdAt: Date }> {
  const expiredBefore = new Date(Date.now() - ttlMs);
  const [claimed] = await db
    .insert(idempotencyKeys)
    .values(claim)
    .onConflictDoUpdate({
      target: [idempotencyKeys.tenantId, idempotencyKeys.key],
      set: { requestHash: claim.requestHash, runId: claim.runId, createdAt: sql`now()` },
      setWhere: lt(idempotencyKeys.createdAt, expiredBefore),
    })
    .returning({
      runId: idempotencyKeys.runId,
      requestHash: idempotencyKeys.requestHash,
      createdAt: idempotencyKeys.createdAt,
    });
  if (claimed) return claimed;
  const [held] = await db
    .select({
      runId: idempotencyKeys.runId,
      requestHash: idempotencyKeys.requestHash,
      createdAt: idempotencyKeys.createdAt,
    })
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.tenantId, claim.tenantId), eq(idempotencyKeys.key, claim.key)));
  // Deleted between the two statements (its start failed): claim again.
  return held ?? claimIdempotencyKey(db, claim, ttlMs);
}

/**
 * Takes over a claim that still names `staleRunId` and is older than `olderThan` (its start died
 * before storing the run); true when this caller now holds the key for `runId`.
 */
export async function takeOverIdempotencyKey(
  db: Db,
  tenantId: string,
  key: string,
  staleRunId: string,
  olderThan: Date,
  runId: string,
): Promise<boolean> {
  const taken = await db
    .update(idempotencyKeys)
    .set({ runId, createdAt: sql`now()` })
    .where(
      and(
        eq(idempotencyKeys.tenantId, tenantId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.runId, staleRunId),
        lt(idempotencyKeys.createdAt, olderThan),
      ),
    )
    .returning({ runId: idempotencyKeys.runId });
  return taken.length === 1;
}

/** Whether a key is still claimed for `runId`. */
export async function isIdempotencyKeyHeld(
  db: Db,
  tenantId: string,
  key: string,
  runId: string,
): Promise<boolean> {
  const rows = await db
    .select({ runId: idempotencyKeys.runId })
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.tenantId, tenantId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.runId, runId),
      ),
    );
  return rows.length === 1;
}

/** Lets go of a key whose run was never stored (the start was refused), so a corrected retry may use it. */
export async function releaseIdempotencyKey(
  db: Db,
  tenantId: string,
  key: string,
  runId: string,
): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.tenantId, tenantId),
        eq(idempotencyKeys.key, key),
        eq(idempotencyKeys.runId, runId),
      ),
    );
}

/** Lets go of every key that named this run, which was never stored (RunJournal.neverStored). */
export async function releaseIdempotencyKeysOf(
  db: Db,
  tenantId: string,
  runId: string,
): Promise<void> {
  await db
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.runId, runId)));
}

/** Forgets keys older than `before` (they no longer protect anything). */
export async function pruneIdempotencyKeys(db: Db, before: Date): Promise<void> {
  await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before));
}
