import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  datasets,
  datasetVersions,
  evaluationItems,
  evaluations,
  workflows,
  workflowVersions,
  type EvaluationItemRow,
  type EvaluationRow,
  type EvaluationStatus,
} from "@/db/schema";

// Evaluations and their per-item results; every query is scoped by tenant.

export async function insertEvaluation(
  db: Db,
  values: typeof evaluations.$inferInsert,
): Promise<EvaluationRow> {
  const [row] = await db.insert(evaluations).values(values).returning();
  return row!;
}

export async function findEvaluation(
  db: Db,
  tenantId: string,
  id: string,
): Promise<EvaluationRow | undefined> {
  const [row] = await db
    .select()
    .from(evaluations)
    .where(and(eq(evaluations.tenantId, tenantId), eq(evaluations.id, id)));
  return row;
}

/** What the pages name beside an evaluation: its workflow, dataset and the version numbers it ran. */
export type EvaluationNames = {
  workflowName: string;
  datasetName: string;
  datasetVersion: number;
  workflowVersion: number | null;
};
export type NamedEvaluation = EvaluationRow & EvaluationNames;

const namedColumns = {
  evaluation: evaluations,
  workflowName: workflows.name,
  datasetName: datasets.name,
  datasetVersion: datasetVersions.version,
  workflowVersion: workflowVersions.version,
};

function namedEvaluations(db: Db) {
  return db
    .select(namedColumns)
    .from(evaluations)
    .innerJoin(workflows, eq(workflows.id, evaluations.workflowId))
    .innerJoin(datasets, eq(datasets.id, evaluations.datasetId))
    .innerJoin(datasetVersions, eq(datasetVersions.id, evaluations.datasetVersionId))
    .leftJoin(workflowVersions, eq(workflowVersions.id, evaluations.workflowVersionId));
}

const toNamed = ({
  evaluation,
  ...names
}: { evaluation: EvaluationRow } & EvaluationNames): NamedEvaluation => ({
  ...evaluation,
  ...names,
});

/** An evaluation with its workflow's and dataset's names and the version numbers it ran. */
export async function findNamedEvaluation(
  db: Db,
  tenantId: string,
  id: string,
): Promise<NamedEvaluation | undefined> {
  const [row] = await namedEvaluations(db).where(
    and(eq(evaluations.tenantId, tenantId), eq(evaluations.id, id)),
  );
  return row ? toNamed(row) : undefined;
}

/** A workflow's evaluations (optionally of one dataset), newest first, named as findNamedEvaluation names them. */
export async function listEvaluations(
  db: Db,
  tenantId: string,
  filter: { workflowId: string; datasetId?: string; limit: number },
): Promise<NamedEvaluation[]> {
  const rows = await namedEvaluations(db)
    .where(
      and(
        eq(evaluations.tenantId, tenantId),
        eq(evaluations.workflowId, filter.workflowId),
        filter.datasetId ? eq(evaluations.datasetId, filter.datasetId) : undefined,
      ),
    )
    .orderBy(desc(evaluations.createdAt), desc(evaluations.id))
    .limit(filter.limit);
  return rows.map(toNamed);
}

/** Stores one finished item and counts it in the evaluation's progress, in one transaction. */
export async function recordEvaluationItem(
  db: Db,
  item: typeof evaluationItems.$inferInsert,
): Promise<void> {
  await db.transaction(async (tx) => {
    const stored = await tx
      .insert(evaluationItems)
      .values(item)
      .onConflictDoNothing()
      .returning({ itemId: evaluationItems.itemId });
    if (stored.length === 0) return;
    await tx
      .update(evaluations)
      .set({
        finishedItems: sql`${evaluations.finishedItems} + 1`,
        failedRuns: sql`${evaluations.failedRuns} + ${item.runError == null ? 0 : 1}`,
      })
      .where(and(eq(evaluations.tenantId, item.tenantId), eq(evaluations.id, item.evaluationId)));
  });
}

export function listEvaluationItems(
  db: Db,
  tenantId: string,
  evaluationId: string,
): Promise<EvaluationItemRow[]> {
  return db
    .select()
    .from(evaluationItems)
    .where(
      and(eq(evaluationItems.tenantId, tenantId), eq(evaluationItems.evaluationId, evaluationId)),
    )
    .orderBy(asc(evaluationItems.finishedAt), asc(evaluationItems.itemId));
}

const ACTIVE: EvaluationStatus[] = ["queued", "running"];

/** Marks a queued or running evaluation cancelled; undefined when it had already ended (or is not the tenant's). */
export async function cancelEvaluation(
  db: Db,
  tenantId: string,
  id: string,
): Promise<EvaluationRow | undefined> {
  const [row] = await db
    .update(evaluations)
    .set({ status: "cancelled", finishedAt: new Date() })
    .where(
      and(
        eq(evaluations.tenantId, tenantId),
        eq(evaluations.id, id),
        inArray(evaluations.status, ACTIVE),
      ),
    )
    .returning();
  return row;
}

/**
 * Ends an evaluation with its summary. The status is set only while it is still active: one
 * cancelled meanwhile stays cancelled, with the summary of what it finished.
 */
export async function finishEvaluation(
  db: Db,
  tenantId: string,
  id: string,
  end: { status: EvaluationStatus; summary: unknown; error: string | null },
): Promise<void> {
  await db
    .update(evaluations)
    .set({
      status: sql`case when ${evaluations.status} in ('queued', 'running') then ${end.status} else ${evaluations.status} end`,
      summary: end.summary,
      error: sql`coalesce(${evaluations.error}, ${end.error})`,
      finishedAt: sql`coalesce(${evaluations.finishedAt}, now())`,
    })
    .where(and(eq(evaluations.tenantId, tenantId), eq(evaluations.id, id)));
}

/**
 * Every evaluation still active, across tenants: at the start of a process that owns its
 * database (embedded PGlite) these are its own from before, whose process is gone.
 */
export function listActiveEvaluations(db: Db): Promise<Pick<EvaluationRow, "id" | "tenantId">[]> {
  return db
    .select({ id: evaluations.id, tenantId: evaluations.tenantId })
    .from(evaluations)
    .where(inArray(evaluations.status, ACTIVE));
}

/** The process running an evaluation says it is alive (every few seconds while it runs). */
export async function beatEvaluation(db: Db, tenantId: string, id: string): Promise<void> {
  await db
    .update(evaluations)
    .set({ heartbeatAt: new Date() })
    .where(
      and(
        eq(evaluations.tenantId, tenantId),
        eq(evaluations.id, id),
        inArray(evaluations.status, ACTIVE),
      ),
    );
}

/** A tenant's active evaluations silent since `before` (their last heartbeat, else their start): their process is gone. */
export function listSilentEvaluations(
  db: Db,
  tenantId: string,
  before: Date,
): Promise<Pick<EvaluationRow, "id" | "tenantId">[]> {
  return db
    .select({ id: evaluations.id, tenantId: evaluations.tenantId })
    .from(evaluations)
    .where(
      and(
        eq(evaluations.tenantId, tenantId),
        inArray(evaluations.status, ACTIVE),
        sql`coalesce(${evaluations.heartbeatAt}, ${evaluations.startedAt}, ${evaluations.createdAt}) < ${before.toISOString()}::timestamptz`,
      ),
    );
}
