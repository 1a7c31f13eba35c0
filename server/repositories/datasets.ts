import { and, asc, desc, eq, getTableColumns, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  datasetItems,
  datasets,
  datasetVersions,
  type DatasetRow,
  type DatasetVersionRow,
  type DatasetVersionSource,
} from "@/db/schema";
import type { StoredDatasetItem } from "@/engine/evaluation";

// Datasets of a workflow and their immutable versions. A new version copies the items of the one
// before it (one INSERT … SELECT), leaves out those removed or replaced, and adds the new ones.

export async function insertDataset(
  db: Db,
  values: {
    tenantId: string;
    workflowId: string;
    name: string;
    description: string;
    evaluators: unknown[];
    createdBy: string;
  },
): Promise<{ dataset: DatasetRow; version: DatasetVersionRow }> {
  const [dataset] = await db
    .insert(datasets)
    .values({ ...values, latestVersion: 1 })
    .returning();
  const [version] = await db
    .insert(datasetVersions)
    .values({
      tenantId: values.tenantId,
      datasetId: dataset!.id,
      version: 1,
      source: "created",
      itemCount: 0,
      createdBy: values.createdBy,
    })
    .returning();
  return { dataset: dataset!, version: version! };
}

/** A workflow's datasets, by name, each with the item count of its newest version. */
export function listDatasets(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<(DatasetRow & { itemCount: number })[]> {
  return db
    .select({
      ...getTableColumns(datasets),
      itemCount: sql<number>`coalesce(${datasetVersions.itemCount}, 0)`.mapWith(Number),
    })
    .from(datasets)
    .leftJoin(
      datasetVersions,
      and(
        eq(datasetVersions.datasetId, datasets.id),
        eq(datasetVersions.version, datasets.latestVersion),
      ),
    )
    .where(and(eq(datasets.tenantId, tenantId), eq(datasets.workflowId, workflowId)))
    .orderBy(asc(datasets.name), asc(datasets.id));
}

export async function findDataset(
  db: Db,
  tenantId: string,
  id: string,
): Promise<DatasetRow | undefined> {
  const [row] = await db
    .select()
    .from(datasets)
    .where(and(eq(datasets.tenantId, tenantId), eq(datasets.id, id)));
  return row;
}

export async function updateDatasetEvaluators(
  db: Db,
  tenantId: string,
  id: string,
  evaluators: unknown[],
): Promise<DatasetRow | undefined> {
  const [row] = await db
    .update(datasets)
    .set({ evaluators, updatedAt: new Date() })
    .where(and(eq(datasets.tenantId, tenantId), eq(datasets.id, id)))
    .returning();
  return row;
}

/** A dataset's versions, newest first. */
export function listDatasetVersions(
  db: Db,
  tenantId: string,
  datasetId: string,
): Promise<DatasetVersionRow[]> {
  return db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.tenantId, tenantId), eq(datasetVersions.datasetId, datasetId)))
    .orderBy(desc(datasetVersions.version));
}

/** One version by number; the newest when `version` is undefined. */
export async function findDatasetVersion(
  db: Db,
  tenantId: string,
  datasetId: string,
  version?: number,
): Promise<DatasetVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetVersions)
    .where(
      and(
        eq(datasetVersions.tenantId, tenantId),
        eq(datasetVersions.datasetId, datasetId),
        version === undefined ? undefined : eq(datasetVersions.version, version),
      ),
    )
    .orderBy(desc(datasetVersions.version))
    .limit(1);
  return row;
}

export async function findDatasetVersionById(
  db: Db,
  tenantId: string,
  id: string,
): Promise<DatasetVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(datasetVersions)
    .where(and(eq(datasetVersions.tenantId, tenantId), eq(datasetVersions.id, id)));
  return row;
}

/** A version's items in order. */
export async function listVersionItems(
  db: Db,
  tenantId: string,
  versionId: string,
): Promise<StoredDatasetItem[]> {
  const rows = await db
    .select()
    .from(datasetItems)
    .where(and(eq(datasetItems.tenantId, tenantId), eq(datasetItems.versionId, versionId)))
    .orderBy(asc(datasetItems.position));
  return rows.map((row) => ({
    id: row.itemId,
    input: row.input,
    ...(row.reference === null ? {} : { reference: row.reference }),
    tags: row.tags,
  }));
}

/**
 * Makes the dataset's next version: the items of the newest version without `removeItemIds` and
 * without those `add` replaces (same id), then `add` in order. Bumping `latest_version` first locks
 * the dataset's row, so two edits at once make two versions, the second built on the first.
 * Answers undefined when the dataset is not the tenant's.
 */
export async function insertDatasetVersion(
  tx: Db,
  input: {
    tenantId: string;
    datasetId: string;
    source: DatasetVersionSource;
    add: StoredDatasetItem[];
    removeItemIds?: string[];
    createdBy: string;
  },
): Promise<DatasetVersionRow | undefined> {
  const [bumped] = await tx
    .update(datasets)
    .set({ latestVersion: sql`${datasets.latestVersion} + 1`, updatedAt: new Date() })
    .where(and(eq(datasets.tenantId, input.tenantId), eq(datasets.id, input.datasetId)))
    .returning({ latestVersion: datasets.latestVersion });
  if (!bumped) return undefined;
  const [previous] = await tx
    .select({ id: datasetVersions.id })
    .from(datasetVersions)
    .where(
      and(
        eq(datasetVersions.datasetId, input.datasetId),
        eq(datasetVersions.version, bumped.latestVersion - 1),
      ),
    );
  const [version] = await tx
    .insert(datasetVersions)
    .values({
      tenantId: input.tenantId,
      datasetId: input.datasetId,
      version: bumped.latestVersion,
      source: input.source,
      createdBy: input.createdBy,
    })
    .returning();
  const leftOut = [...(input.removeItemIds ?? []), ...input.add.map((item) => item.id)];
  await tx.insert(datasetItems).select(
    tx
      .select({
        versionId: sql<string>`${version!.id}::uuid`.as("version_id"),
        itemId: datasetItems.itemId,
        tenantId: datasetItems.tenantId,
        position: datasetItems.position,
        input: datasetItems.input,
        reference: datasetItems.reference,
        tags: datasetItems.tags,
      })
      .from(datasetItems)
      .where(
        and(
          eq(datasetItems.tenantId, input.tenantId),
          eq(datasetItems.versionId, previous!.id),
          leftOut.length ? notInArray(datasetItems.itemId, leftOut) : undefined,
        ),
      ),
  );
  const [{ last }] = (await tx
    .select({ last: sql<number>`coalesce(max(${datasetItems.position}), -1)::int` })
    .from(datasetItems)
    .where(eq(datasetItems.versionId, version!.id))) as [{ last: number }];
  for (let start = 0; start < input.add.length; start += 500) {
    await tx.insert(datasetItems).values(
      input.add.slice(start, start + 500).map((item, index) => ({
        versionId: version!.id,
        itemId: item.id,
        tenantId: input.tenantId,
        position: last + 1 + start + index,
        input: item.input,
        reference: item.reference === undefined ? null : item.reference,
        tags: item.tags,
      })),
    );
  }
  const [counted] = await tx
    .update(datasetVersions)
    .set({
      itemCount: sql`(select count(*)::int from ${datasetItems} where ${datasetItems.versionId} = ${version!.id})`,
    })
    .where(eq(datasetVersions.id, version!.id))
    .returning();
  return counted;
}
