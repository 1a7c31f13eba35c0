import { and, desc, eq, inArray, isNotNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users, workflows, workflowVersions } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

// A workflow's immutable versions: numbered ones (published) and unnumbered snapshots of the
// draft that a draft run runs.

export type VersionRow = typeof workflowVersions.$inferSelect;

/** Stores a version: the next number of its workflow when published, none for a draft run's snapshot. */
export async function insertVersion(
  db: Db,
  values: {
    tenantId: string;
    workflowId: string;
    isDraft: boolean;
    document: unknown;
    plan: unknown;
    note?: string;
    createdBy: string | null;
  },
): Promise<VersionRow> {
  const { isDraft, ...rest } = values;
  const version = isDraft
    ? null
    : sql<number>`(select coalesce(max(${workflowVersions.version}), 0) + 1 from ${workflowVersions} where ${workflowVersions.workflowId} = ${values.workflowId})`;
  const [row] = await db
    .insert(workflowVersions)
    .values({ ...rest, version })
    .returning();
  return row!;
}

export async function findVersion(
  db: Db,
  tenantId: string,
  id: string,
): Promise<VersionRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(and(eq(workflowVersions.tenantId, tenantId), eq(workflowVersions.id, id)));
  return row;
}

/** Whether a version belongs to a workflow (a caller may name any version id). */
export async function isVersionOf(
  db: Db,
  tenantId: string,
  versionId: string,
  workflowId: string,
): Promise<boolean> {
  const rows = await db
    .select({ id: workflowVersions.id })
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.tenantId, tenantId),
        eq(workflowVersions.id, versionId),
        eq(workflowVersions.workflowId, workflowId),
      ),
    );
  return rows.length === 1;
}

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
