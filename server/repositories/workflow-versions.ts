import { and, desc, eq, inArray, isNotNull, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users, workflows, workflowVersions } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

// Versions are written by the run path (server/repositories/runs.ts#insertVersion: publish and
// draft runs); these are the editor's reads of them.

export interface VersionListItem {
  id: string;
  workflowId: string;
  version: number;
  note: string;
  createdAt: Date;
  createdBy: string | null;
  createdByName: string | null;
}

const listColumns = {
  id: workflowVersions.id,
  workflowId: workflowVersions.workflowId,
  version: workflowVersions.version,
  note: workflowVersions.note,
  createdAt: workflowVersions.createdAt,
  createdBy: workflowVersions.createdBy,
  createdByName: users.name,
};

/** A workflow's published versions, newest first; draft-run snapshots (no number) are left out. */
export async function listPublishedVersions(
  db: Db,
  query: { tenantId: string; workflowId: string; cursor?: string | null; limit: number },
): Promise<Page<VersionListItem>> {
  const filters: (SQL | undefined)[] = [
    eq(workflowVersions.tenantId, query.tenantId),
    eq(workflowVersions.workflowId, query.workflowId),
    isNotNull(workflowVersions.version),
  ];
  const cursor = decodeCursor(query.cursor);
  if (cursor) filters.push(afterCursor(workflowVersions, cursor));
  const rows = await db
    .select(listColumns)
    .from(workflowVersions)
    .leftJoin(users, eq(users.id, workflowVersions.createdBy))
    .where(and(...filters))
    .orderBy(desc(workflowVersions.createdAt), desc(workflowVersions.id))
    .limit(query.limit + 1);
  return toPage(rows as VersionListItem[], query.limit);
}

/** One version of the tenant with its author's name, without its plan; `version` is null for a draft-run snapshot. */
export async function findVersionDetail(db: Db, tenantId: string, id: string) {
  const [row] = await db
    .select({ ...listColumns, document: workflowVersions.document })
    .from(workflowVersions)
    .leftJoin(users, eq(users.id, workflowVersions.createdBy))
    .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.id, id)));
  return row;
}

/** Versions with their document and their workflow's name and description (what a version is for, to learn from its runs). */
export async function findVersionsWithWorkflowText(db: Db, ids: string[]) {
  return db
    .select({
      id: workflowVersions.id,
      document: workflowVersions.document,
      name: workflows.name,
      description: workflows.description,
    })
    .from(workflowVersions)
    .innerJoin(workflows, eq(workflows.id, workflowVersions.workflowId))
    .where(inArray(workflowVersions.id, ids));
}

/** The highest-numbered published version of a workflow, if it has one. */
export async function findLatestPublishedVersion(db: Db, tenantId: string, workflowId: string) {
  const [row] = await db
    .select({
      id: workflowVersions.id,
      version: workflowVersions.version,
      createdAt: workflowVersions.createdAt,
    })
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.tenantId, tenantId),
        eq(workflowVersions.workflowId, workflowId),
        isNotNull(workflowVersions.version),
      ),
    )
    .orderBy(desc(workflowVersions.version))
    .limit(1);
  return row ? { ...row, version: row.version! } : undefined;
}
