import { and, desc, eq, ilike, isNotNull, isNull, like, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { tenants, workflowVersions, workflows } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

export type WorkflowRow = typeof workflows.$inferSelect;
/** A workflow without its document, with the number of its latest published version (null: never published). */
export type WorkflowSummary = Omit<WorkflowRow, "document"> & { publishedVersion: number | null };

const summaryColumns = {
  id: workflows.id,
  tenantId: workflows.tenantId,
  name: workflows.name,
  description: workflows.description,
  version: workflows.version,
  createdBy: workflows.createdBy,
  createdAt: workflows.createdAt,
  updatedAt: workflows.updatedAt,
  pausedAt: workflows.pausedAt,
  pausedReason: workflows.pausedReason,
  // `version` is the draft's save counter; people know a workflow by the version they published.
  // Qualified by hand: drizzle names a one-table select's columns without their table.
  publishedVersion: sql<
    number | null
  >`(select max(v.version) from ${workflowVersions} v where v.workflow_id = ${workflows}.id)`,
};

export async function listWorkflows(
  db: Db,
  query: { tenantId: string; search?: string; cursor?: string | null; limit: number },
): Promise<Page<WorkflowSummary>> {
  const filters: (SQL | undefined)[] = [eq(workflows.tenantId, query.tenantId)];
  if (query.search) filters.push(ilike(workflows.name, `%${escapeLike(query.search)}%`));
  const cursor = decodeCursor(query.cursor);
  if (cursor) filters.push(afterCursor(workflows, cursor));
  const rows = await db
    .select(summaryColumns)
    .from(workflows)
    .where(and(...filters))
    .orderBy(desc(workflows.createdAt), desc(workflows.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit);
}

export async function findWorkflow(
  db: Db,
  tenantId: string,
  id: string,
): Promise<WorkflowRow | undefined> {
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)));
  return row;
}

/** A workflow's name and save counter, without its (possibly large) document. */
export async function findWorkflowHead(
  db: Db,
  tenantId: string,
  id: string,
): Promise<Pick<WorkflowRow, "id" | "name" | "version"> | undefined> {
  const [row] = await db
    .select({ id: workflows.id, name: workflows.name, version: workflows.version })
    .from(workflows)
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)));
  return row;
}

/** A workflow found by its tenant's slug and its name (the demo seed's way in). */
export async function findWorkflowOfTenantSlug(
  db: Db,
  tenantSlug: string,
  name: string,
): Promise<{ tenantId: string; workflowId: string } | undefined> {
  const [row] = await db
    .select({ tenantId: tenants.id, workflowId: workflows.id })
    .from(workflows)
    .innerJoin(tenants, eq(tenants.id, workflows.tenantId))
    .where(and(eq(tenants.slug, tenantSlug), eq(workflows.name, name)));
  return row;
}

export async function insertWorkflow(
  db: Db,
  values: {
    tenantId: string;
    name: string;
    description: string;
    document: unknown;
    createdBy: string | null;
  },
): Promise<WorkflowRow> {
  const [row] = await db.insert(workflows).values(values).returning();
  return row!;
}

/** Updates a tenant's workflow and bumps its version; undefined when no such workflow is in that tenant. */
export async function updateWorkflow(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<Pick<WorkflowRow, "name" | "description" | "document">>,
): Promise<WorkflowRow | undefined> {
  const [row] = await db
    .update(workflows)
    .set({ ...patch, version: sql`${workflows.version} + 1`, updatedAt: new Date() })
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)))
    .returning();
  return row;
}

/**
 * Replaces a workflow's document if its version is still `baseVersion`, and bumps the version:
 * the lost-update guard. undefined when the workflow is not in the tenant or was saved since.
 */
export async function saveWorkflowDocument(
  db: Db,
  tenantId: string,
  id: string,
  change: { document: unknown; baseVersion: number },
): Promise<Pick<WorkflowRow, "id" | "version" | "updatedAt"> | undefined> {
  const [row] = await db
    .update(workflows)
    .set({
      document: change.document,
      version: sql`${workflows.version} + 1`,
      updatedAt: new Date(),
    })
    .where(
      and(
        eq(workflows.tenantId, tenantId),
        eq(workflows.id, id),
        eq(workflows.version, change.baseVersion),
      ),
    )
    .returning({ id: workflows.id, version: workflows.version, updatedAt: workflows.updatedAt });
  return row;
}

/** The tenant's workflow names that start with `prefix` (case-sensitive, as the unique index is). */
export async function listWorkflowNamesStartingWith(
  db: Db,
  tenantId: string,
  prefix: string,
): Promise<string[]> {
  const rows = await db
    .select({ name: workflows.name })
    .from(workflows)
    .where(and(eq(workflows.tenantId, tenantId), like(workflows.name, `${escapeLike(prefix)}%`)));
  return rows.map((r) => r.name);
}

export async function deleteWorkflow(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(workflows)
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)))
    .returning({ id: workflows.id });
  return rows.length > 0;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, "\\$&");

/** Pauses a workflow (runs are refused until it is resumed); false when it was paused already. */
export async function pauseWorkflow(
  db: Db,
  tenantId: string,
  id: string,
  reason: string,
): Promise<boolean> {
  const rows = await db
    .update(workflows)
    .set({ pausedAt: new Date(), pausedReason: reason })
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id), isNull(workflows.pausedAt)))
    .returning({ id: workflows.id });
  return rows.length > 0;
}

/** Lets a paused workflow run again; false when it was not paused (or does not exist). */
export async function resumeWorkflow(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(workflows)
    .set({ pausedAt: null, pausedReason: null })
    .where(
      and(eq(workflows.tenantId, tenantId), eq(workflows.id, id), isNotNull(workflows.pausedAt)),
    )
    .returning({ id: workflows.id });
  return rows.length > 0;
}
