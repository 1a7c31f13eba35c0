import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { datasets, evaluations, workflowPublishGates, type EvaluationRow } from "@/db/schema";

// A workflow's publish gate (issue 17); every query is scoped by tenant.

export type PublishGateWithDataset = {
  workflowId: string;
  datasetId: string;
  datasetName: string;
  latestDatasetVersion: number;
  minScore: number;
  updatedAt: Date;
};

export async function findPublishGate(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<PublishGateWithDataset | undefined> {
  const [row] = await db
    .select({
      workflowId: workflowPublishGates.workflowId,
      datasetId: workflowPublishGates.datasetId,
      datasetName: datasets.name,
      latestDatasetVersion: datasets.latestVersion,
      minScore: workflowPublishGates.minScore,
      updatedAt: workflowPublishGates.updatedAt,
    })
    .from(workflowPublishGates)
    .innerJoin(datasets, eq(datasets.id, workflowPublishGates.datasetId))
    .where(
      and(
        eq(workflowPublishGates.tenantId, tenantId),
        eq(workflowPublishGates.workflowId, workflowId),
      ),
    );
  return row;
}

export async function upsertPublishGate(
  db: Db,
  values: {
    tenantId: string;
    workflowId: string;
    datasetId: string;
    minScore: number;
    updatedBy: string;
  },
): Promise<void> {
  await db
    .insert(workflowPublishGates)
    .values({ ...values, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: workflowPublishGates.workflowId,
      set: {
        datasetId: values.datasetId,
        minScore: values.minScore,
        updatedBy: values.updatedBy,
        updatedAt: new Date(),
      },
    });
}

export async function deletePublishGate(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<boolean> {
  const rows = await db
    .delete(workflowPublishGates)
    .where(
      and(
        eq(workflowPublishGates.tenantId, tenantId),
        eq(workflowPublishGates.workflowId, workflowId),
      ),
    )
    .returning({ workflowId: workflowPublishGates.workflowId });
  return rows.length > 0;
}

/** The newest completed evaluation of a published version on one dataset version (what a gate compares with). */
export async function findLatestCompletedEvaluation(
  db: Db,
  tenantId: string,
  filter: { workflowVersionId: string; datasetVersionId: string },
): Promise<EvaluationRow | undefined> {
  const [row] = await db
    .select()
    .from(evaluations)
    .where(
      and(
        eq(evaluations.tenantId, tenantId),
        eq(evaluations.workflowVersionId, filter.workflowVersionId),
        eq(evaluations.datasetVersionId, filter.datasetVersionId),
        eq(evaluations.status, "completed"),
      ),
    )
    .orderBy(desc(evaluations.createdAt))
    .limit(1);
  return row;
}
