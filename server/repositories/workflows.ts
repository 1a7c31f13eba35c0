import { and, desc, eq, ilike, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { workflows } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

export type WorkflowRow = typeof workflows.$inferSelect;
export type WorkflowSummary = Omit<WorkflowRow, "document">;

const summaryColumns = {
  id: workflows.id,
  tenantId: workflows.tenantId,
  name: workflows.name,
  description: workflows.description,
  version: workflows.version,
  createdBy: workflows.createdBy,
  createdAt: workflows.createdAt,
  updatedAt: workflows.updatedAt,
};

export async function listWorkflows(
  db: Db,
  query: { tenantId: string; search?: string; cursor?: string | null; limit: number },
): Promise<Page<WorkflowSummary>> {
  const filters: (SQL | undefined)[] = [eq(workflows.tenantId, query.tenantId)];
  if (query.search) filters.push(ilike(workflows.name, `%${query.search.replace(/[\\%_]/g, "\\$&")}%`));
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

export async function findWorkflow(db: Db, tenantId: string, id: string): Promise<WorkflowRow | undefined> {
  const [row] = await db
    .select()
    .from(workflows)
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)));
  return row;
}

export async function insertWorkflow(
  db: Db,
  values: { tenantId: string; name: string; description: string; document: unknown; createdBy: string | null },
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

export async function deleteWorkflow(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(workflows)
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, id)))
    .returning({ id: workflows.id });
  return rows.length > 0;
}
