import { and, eq, gt, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { batchRows, noStatement, prepared, type Statement } from "@/db/statements";
import { runEvents } from "@/db/schema";

// A run's event history (append-only, numbered per tenant stream): the journal writes it, pages
// and reconnecting clients read it.

export type RunEventRow = typeof runEvents.$inferSelect;

const insertEvents = prepared<{ rows: string }, number[]>(
  // Not db.insert(runEvents).select(…): Drizzle names the identity column in an insert-select,
  // and its overridingSystemValue() does not reach select() (drizzle-orm 0.45).
  () =>
    sql`insert into ${runEvents} ("tenant_id", "run_id", "type", "payload", "at")
      ${batchRows(runEvents, ["tenantId", "runId", "type", "payload", "at"])} returning ${runEvents.id}`,
  (result) => result.map((r) => Number(r.id)),
);

/** Stores run events (a journal batch); returns their ids, in the same order. */
export function insertRunEvents(
  db: Db,
  rows: { tenantId: string; runId: string; type: string; payload: unknown; at: Date }[],
): Statement<number[]> {
  if (rows.length === 0) return noStatement([]);
  return insertEvents(db, { rows: JSON.stringify(rows) });
}

/** Events after `afterId`, for one run or a whole tenant: what a reconnecting page missed. */
export async function listRunEvents(
  db: Db,
  query: { tenantId: string; runId?: string; afterId?: number; limit?: number },
): Promise<RunEventRow[]> {
  const where: (SQL | undefined)[] = [eq(runEvents.tenantId, query.tenantId)];
  if (query.runId) where.push(eq(runEvents.runId, query.runId));
  if (query.afterId !== undefined) where.push(gt(runEvents.id, query.afterId));
  return db
    .select()
    .from(runEvents)
    .where(and(...where))
    .orderBy(runEvents.id)
    .limit(query.limit ?? 1000);
}
