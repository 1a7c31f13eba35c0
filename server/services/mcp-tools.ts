import { z } from "zod";
import { AppError, conflict, notFound } from "@/engine/errors";
import type { JsonSchema } from "@/engine/schema/json-schema";
import type { Plan } from "@/engine/schema/plan";
import type { EventBus } from "@/server/events/bus";
import * as repo from "@/server/repositories/mcp-tools";
import { isUniqueViolation } from "@/server/repositories/errors";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { startRun, type RunDeps } from "./runs";
import { loadVersionPlan } from "./version-plans";

/**
 * Workflows offered as tools on the tenant's MCP endpoint (`/api/mcp`, server/services/mcp-endpoint.ts):
 * exposing one, renaming it, hiding it, and what the endpoint lists and starts. A call runs the
 * workflow's latest published version, so what a client sees changes only when someone publishes.
 */

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** The names MCP clients accept everywhere (Claude's API allows these and no more). */
export const toolNameInput = z
  .string()
  .trim()
  .regex(TOOL_NAME, "A tool name is 1 to 64 letters, digits, underscores or hyphens (no spaces)");
export const toolDescriptionInput = z.string().trim().max(2000, "At most 2,000 characters");

/**
 * A tool name from a workflow's name: lower case, runs of anything else as one underscore, at most
 * 64 characters; "workflow" when nothing is left.
 * @example toolNameFromWorkflowName("Process a slow batch") // "process_a_slow_batch"
 */
export function toolNameFromWorkflowName(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .replace(/^[_-]+|[_-]+$/g, "")
    .slice(0, 64)
    .replace(/[_-]+$/, "");
  return base || "workflow";
}

/** `name`, or `name_2`, `name_3`… (cut to fit 64 characters), whichever is not in `taken`. */
export function firstFreeToolName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = `${name.slice(0, 64 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** What a tool's input is: the input node's schema when it describes an object, else wrapped in one. */
export interface ToolInputShape {
  schema: JsonSchema & { type: "object" };
  /** The workflow takes a value that is not an object: the tool's `input` argument carries it. */
  isWrapped: boolean;
}

/**
 * MCP tools take an object of arguments. A workflow without an input schema takes any object; one
 * whose input is a string, list or number is offered as `{ input: … }`.
 */
export function toolInputShape(plan: Pick<Plan, "inputSchema">): ToolInputShape {
  const schema = plan.inputSchema;
  if (!schema) return { schema: { type: "object" }, isWrapped: false };
  if (schema.type === undefined || schema.type === "object")
    return { schema: { ...schema, type: "object" }, isWrapped: false };
  return {
    schema: { type: "object", properties: { input: schema }, required: ["input"] },
    isWrapped: true,
  };
}

/**
 * The run's output is an object keyed by the output nodes' names; their values are not typed, and
 * a skipped branch leaves its output out, so no name is required.
 */
export function toolOutputSchema(plan: Pick<Plan, "outputs">): JsonSchema & { type: "object" } {
  return { type: "object", properties: Object.fromEntries(plan.outputs.map((o) => [o.name, {}])) };
}

/** A tool as the MCP endpoint lists it. */
export interface McpToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema & { type: "object" };
  outputSchema: JsonSchema & { type: "object" };
  workflowId: string;
}

function describeTool(listing: repo.McpToolListing): string {
  return (
    listing.description ||
    listing.workflowDescription ||
    `Runs the Maestro workflow "${listing.workflowName}" and returns its output.`
  );
}

/** The tenant's exposed workflows as MCP tools, each with the input and output of its latest published version. */
export async function listMcpToolDefinitions(ctx: TenantContext): Promise<McpToolDefinition[]> {
  const listings = await repo.listMcpTools(ctx.db, ctx.tenant.id);
  const tools = await Promise.all(
    listings.map(async (listing): Promise<McpToolDefinition | null> => {
      const plan = listing.latestVersionId
        ? await loadVersionPlan(ctx.db, ctx.tenant.id, listing.latestVersionId)
        : undefined;
      if (!plan) return null; // nothing published to run
      return {
        name: listing.toolName,
        title: listing.workflowName,
        description: describeTool(listing),
        inputSchema: toolInputShape(plan).schema,
        outputSchema: toolOutputSchema(plan),
        workflowId: listing.workflowId,
      };
    }),
  );
  return tools.filter((t) => t !== null);
}

/** The expose/hide state of one workflow, for its MCP tool tab. */
export async function getMcpToolOfWorkflow(ctx: TenantContext, workflowId: string) {
  const workflow = await repo.findExposableWorkflow(ctx.db, ctx.tenant.id, workflowId);
  if (!workflow) throw notFound("workflow", workflowId);
  const tool = await repo.findMcpTool(ctx.db, ctx.tenant.id, workflowId);
  return {
    workflow: {
      id: workflow.id,
      name: workflow.name,
      description: workflow.description,
      isPublished: workflow.latestVersionId !== null,
    },
    tool: tool
      ? { toolName: tool.toolName, description: tool.description, updatedAt: tool.updatedAt }
      : null,
    suggestedName:
      tool?.toolName ?? (await freeToolNameFor(ctx, toolNameFromWorkflowName(workflow.name))),
  };
}

async function freeToolNameFor(ctx: TenantContext, name: string): Promise<string> {
  const taken = await repo.listMcpToolNamesStartingWith(ctx.db, ctx.tenant.id, name.slice(0, 60));
  return firstFreeToolName(name, new Set(taken));
}

const nameTaken = (toolName: string) =>
  conflict(
    `The tool name "${toolName}" is already used by another workflow of this tenant: pick another name.`,
    { field: "toolName" },
  );

/** Runs a change of tool rows, turning the unique index's refusal into a clear CONFLICT. */
async function guardName<T>(toolName: string | undefined, change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (toolName && isUniqueViolation(error, "workflow_mcp_tools_tenant_name_key"))
      throw nameTaken(toolName);
    throw error;
  }
}

export const toolsChangedChannel = (tenantId: string) => `mcp-tools-changed:${tenantId}`;

/**
 * Tells the tenant's open `subscriptions/listen` streams of the MCP endpoint, on any process, that
 * its tool list changed (server/services/mcp-endpoint.ts#toolChangesBus). At most once, like the
 * bus: a failure to announce never fails the change itself.
 */
export async function announceToolsChanged(bus: EventBus, tenantId: string): Promise<void> {
  await bus
    .publish(toolsChangedChannel(tenantId), "tools_list_changed")
    .catch((error: unknown) => console.warn("MCP tool list change not announced:", error));
}

/** After a publish: an exposed workflow's tool now has the new version's schemas. */
export async function announceIfExposed(
  ctx: TenantContext,
  bus: EventBus,
  workflowId: string,
): Promise<void> {
  if (await repo.findMcpTool(ctx.db, ctx.tenant.id, workflowId))
    await announceToolsChanged(bus, ctx.tenant.id);
}

export const exposeInput = z.object({
  workflowId: z.uuid(),
  toolName: toolNameInput.optional(),
  description: toolDescriptionInput.optional(),
});

/**
 * Offers a workflow as a tool on the tenant's MCP endpoint. It must have a published version (a
 * call runs the latest one). Without a name, one is made from the workflow's name, numbered when
 * taken; a name given that another workflow uses is refused (CONFLICT). Exposing an exposed
 * workflow again changes what is given.
 */
export async function exposeWorkflow(
  ctx: TenantContext,
  bus: EventBus,
  input: z.infer<typeof exposeInput>,
) {
  const workflow = await repo.findExposableWorkflow(ctx.db, ctx.tenant.id, input.workflowId);
  if (!workflow) throw notFound("workflow", input.workflowId);
  if (!workflow.latestVersionId) {
    throw new AppError(
      "INVALID_INPUT",
      `Publish "${workflow.name}" first: an MCP tool runs the workflow's latest published version.`,
    );
  }
  const existing = await repo.findMcpTool(ctx.db, ctx.tenant.id, workflow.id);
  if (existing) return updateMcpTool(ctx, bus, input);
  const toolName =
    input.toolName ?? (await freeToolNameFor(ctx, toolNameFromWorkflowName(workflow.name)));
  const row = await guardName(toolName, () =>
    withAudit(ctx, async (tx) => {
      const row = await repo.insertMcpTool(tx, {
        tenantId: ctx.tenant.id,
        workflowId: workflow.id,
        toolName,
        description: input.description ?? "",
      });
      return {
        value: row,
        audit: {
          action: "mcp_tool.expose",
          targetType: "workflow",
          targetId: workflow.id,
          metadata: { workflow: workflow.name, toolName },
        },
      };
    }),
  );
  await announceToolsChanged(bus, ctx.tenant.id);
  return row;
}

export const updateInput = exposeInput;

/** Renames an exposed workflow's tool or changes its description. */
export async function updateMcpTool(
  ctx: TenantContext,
  bus: EventBus,
  input: z.infer<typeof updateInput>,
) {
  const existing = await repo.findMcpTool(ctx.db, ctx.tenant.id, input.workflowId);
  if (!existing) throw notFound("MCP tool of workflow", input.workflowId);
  const patch = {
    ...(input.toolName !== undefined && input.toolName !== existing.toolName
      ? { toolName: input.toolName }
      : {}),
    ...(input.description !== undefined && input.description !== existing.description
      ? { description: input.description }
      : {}),
  };
  if (Object.keys(patch).length === 0) return existing;
  const updated = await guardName(patch.toolName, () =>
    withAudit(ctx, async (tx) => {
      const row = await repo.updateMcpTool(tx, ctx.tenant.id, input.workflowId, patch);
      if (!row) throw notFound("MCP tool of workflow", input.workflowId);
      const metadata = {
        toolName: row.toolName,
        ...(patch.toolName ? { previousToolName: existing.toolName } : {}),
        ...(patch.description !== undefined ? { descriptionChanged: true } : {}),
      };
      return {
        value: row,
        audit: {
          action: "mcp_tool.update",
          targetType: "workflow",
          targetId: input.workflowId,
          metadata,
        },
      };
    }),
  );
  await announceToolsChanged(bus, ctx.tenant.id);
  return updated;
}

/** Takes a workflow off the MCP endpoint; clients no longer see the tool on their next listing. */
export async function hideWorkflow(ctx: TenantContext, bus: EventBus, workflowId: string) {
  const hidden = await withAudit(ctx, async (tx) => {
    const row = await repo.deleteMcpTool(tx, ctx.tenant.id, workflowId);
    if (!row) throw notFound("MCP tool of workflow", workflowId);
    return {
      value: { workflowId, hidden: true },
      audit: {
        action: "mcp_tool.hide",
        targetType: "workflow",
        targetId: workflowId,
        metadata: { toolName: row.toolName },
      },
    };
  });
  await announceToolsChanged(bus, ctx.tenant.id);
  return hidden;
}

export const startToolRunInput = z.object({
  toolName: z.string().min(1).max(200),
  input: z.unknown(),
});

/**
 * Starts a run of the workflow exposed as `toolName`, on its latest published version, with the
 * tool's arguments as input (unwrapped for workflows whose input is not an object). The run
 * records the trigger `mcp`; limits, quotas and audit apply as to any start (services/runs.ts).
 */
export async function startToolRun(
  ctx: TenantContext,
  deps: RunDeps,
  input: z.infer<typeof startToolRunInput>,
) {
  const tool = await repo.findMcpToolByName(ctx.db, ctx.tenant.id, input.toolName);
  if (!tool)
    throw new AppError(
      "NOT_FOUND",
      `No tool "${input.toolName}" on this MCP endpoint: list the tools again (it may have been renamed or hidden).`,
    );
  const plan = tool.latestVersionId
    ? await loadVersionPlan(ctx.db, ctx.tenant.id, tool.latestVersionId)
    : undefined;
  if (!tool.latestVersionId || !plan)
    throw conflict(`The workflow "${tool.workflowName}" has no published version to run.`);
  const args = input.input ?? {};
  const runInput = toolInputShape(plan).isWrapped ? (args as { input?: unknown }).input : args;
  const run = await startRun(ctx, deps, {
    workflowId: tool.workflowId,
    versionId: tool.latestVersionId,
    input: runInput,
    trigger: "mcp",
    // The endpoint follows the call's run to its end (its result, or its cancel).
    followed: true,
  });
  return {
    id: run.id,
    status: run.status,
    workflowId: tool.workflowId,
    stepCount: plan.steps.length,
  };
}
