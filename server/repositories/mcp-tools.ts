import { and, asc, eq, like, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedQuery } from "@/db/statements";
import {
  workflowMcpTools,
  workflows,
  workflowVersions,
  type WorkflowMcpToolRow,
} from "@/db/schema";

export type { WorkflowMcpToolRow };

/** An exposed workflow as the MCP endpoint lists it: the tool, its workflow and what a call runs. */
export interface McpToolListing {
  workflowId: string;
  toolName: string;
  description: string;
  workflowName: string;
  workflowDescription: string;
  /** The latest published version, which a call runs; null when none is left (a call is refused). */
  latestVersionId: string | null;
}

/**
 * The newest numbered version of the workflow row in scope (draft snapshots have no number). The
 * outer column is written qualified by hand: Drizzle leaves columns unqualified in a one-table select,
 * and an unqualified "id" would mean the version's own.
 */
const latestVersionId = sql<string | null>`(
  select v.id from ${workflowVersions} v
  where v.workflow_id = "workflows"."id" and v.version is not null
  order by v.version desc limit 1)`;

const listingColumns = {
  workflowId: workflowMcpTools.workflowId,
  toolName: workflowMcpTools.toolName,
  description: workflowMcpTools.description,
  workflowName: workflows.name,
  workflowDescription: workflows.description,
  latestVersionId,
};

/** The tenant's exposed workflows, by tool name. */
export function listMcpTools(db: Db, tenantId: string): Promise<McpToolListing[]> {
  return db
    .select(listingColumns)
    .from(workflowMcpTools)
    .innerJoin(workflows, eq(workflows.id, workflowMcpTools.workflowId))
    .where(and(eq(workflowMcpTools.tenantId, tenantId), eq(workflows.tenantId, tenantId)))
    .orderBy(asc(workflowMcpTools.toolName));
}

const mcpToolByName = preparedQuery("find_mcp_tool_by_name", (db) =>
  db
    .select(listingColumns)
    .from(workflowMcpTools)
    .innerJoin(workflows, eq(workflows.id, workflowMcpTools.workflowId))
    .where(
      and(
        eq(workflowMcpTools.tenantId, sql.placeholder("tenantId")),
        eq(workflows.tenantId, sql.placeholder("tenantId")),
        eq(workflowMcpTools.toolName, sql.placeholder("toolName")),
      ),
    ),
);

export async function findMcpToolByName(
  db: Db,
  tenantId: string,
  toolName: string,
): Promise<McpToolListing | undefined> {
  const [row] = await mcpToolByName(db).execute({ tenantId, toolName });
  return row;
}

export async function findMcpTool(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<WorkflowMcpToolRow | undefined> {
  const [row] = await db
    .select()
    .from(workflowMcpTools)
    .where(
      and(eq(workflowMcpTools.tenantId, tenantId), eq(workflowMcpTools.workflowId, workflowId)),
    );
  return row;
}

/** A tenant's workflow with what exposing it needs to know: its name and latest published version. */
export async function findExposableWorkflow(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<
  { id: string; name: string; description: string; latestVersionId: string | null } | undefined
> {
  const [row] = await db
    .select({
      id: workflows.id,
      name: workflows.name,
      description: workflows.description,
      latestVersionId,
    })
    .from(workflows)
    .where(and(eq(workflows.tenantId, tenantId), eq(workflows.id, workflowId)));
  return row;
}

/** The tenant's tool names that start with `prefix` (to pick a free one). */
export async function listMcpToolNamesStartingWith(
  db: Db,
  tenantId: string,
  prefix: string,
): Promise<string[]> {
  const rows = await db
    .select({ toolName: workflowMcpTools.toolName })
    .from(workflowMcpTools)
    .where(
      and(
        eq(workflowMcpTools.tenantId, tenantId),
        like(workflowMcpTools.toolName, `${prefix.replace(/[\\%_]/g, "\\$&")}%`),
      ),
    );
  return rows.map((r) => r.toolName);
}

export async function insertMcpTool(
  db: Db,
  values: { tenantId: string; workflowId: string; toolName: string; description: string },
): Promise<WorkflowMcpToolRow> {
  const [row] = await db.insert(workflowMcpTools).values(values).returning();
  return row!;
}

/** Changes an exposed workflow's tool; undefined when the workflow is not exposed in this tenant. */
export async function updateMcpTool(
  db: Db,
  tenantId: string,
  workflowId: string,
  patch: Partial<Pick<WorkflowMcpToolRow, "toolName" | "description">>,
): Promise<WorkflowMcpToolRow | undefined> {
  const [row] = await db
    .update(workflowMcpTools)
    .set({ ...patch, updatedAt: new Date() })
    .where(
      and(eq(workflowMcpTools.tenantId, tenantId), eq(workflowMcpTools.workflowId, workflowId)),
    )
    .returning();
  return row;
}

/** Takes a workflow off the endpoint; the removed row, or undefined when it was not exposed. */
export async function deleteMcpTool(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<WorkflowMcpToolRow | undefined> {
  const [row] = await db
    .delete(workflowMcpTools)
    .where(
      and(eq(workflowMcpTools.tenantId, tenantId), eq(workflowMcpTools.workflowId, workflowId)),
    )
    .returning();
  return row;
}
