import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { plannerModelDeltas, workflowProposals } from "@/db/schema";

export type PlannerDeltaRow = typeof plannerModelDeltas.$inferSelect;

export async function findPlannerDelta(
  db: Db,
  tenantId: string,
): Promise<PlannerDeltaRow | undefined> {
  const [row] = await db
    .select()
    .from(plannerModelDeltas)
    .where(eq(plannerModelDeltas.tenantId, tenantId));
  return row;
}

/**
 * Locks the tenant's row for the rest of the transaction, creating it (`empty`) first, so two
 * corrections learned at once add up instead of one overwriting the other.
 */
export async function lockPlannerDelta(
  tx: Tx,
  tenantId: string,
  empty: unknown,
): Promise<PlannerDeltaRow> {
  await tx
    .insert(plannerModelDeltas)
    .values({ tenantId, patternDelta: empty, corrections: 0 })
    .onConflictDoNothing({ target: plannerModelDeltas.tenantId });
  const [row] = await tx
    .select()
    .from(plannerModelDeltas)
    .where(eq(plannerModelDeltas.tenantId, tenantId))
    .for("update");
  return row!;
}

export async function savePlannerDelta(
  tx: Tx,
  tenantId: string,
  patternDelta: unknown,
  corrections: number,
): Promise<void> {
  await tx
    .update(plannerModelDeltas)
    .set({ patternDelta, corrections, updatedAt: sql`now()` })
    .where(eq(plannerModelDeltas.tenantId, tenantId));
}

/** The task a workflow was proposed for, when it was made from a proposal. */
export async function findProposalTask(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<string | undefined> {
  const [row] = await db
    .select({ task: workflowProposals.task })
    .from(workflowProposals)
    .where(
      and(eq(workflowProposals.tenantId, tenantId), eq(workflowProposals.workflowId, workflowId)),
    );
  return row?.task;
}
