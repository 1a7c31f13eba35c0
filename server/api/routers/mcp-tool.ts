import { z } from "zod";
import * as mcpTools from "@/server/services/mcp-tools";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** Workflows as tools of the tenant's MCP endpoint (`/api/mcp`; README "MCP endpoint"). */
export const mcpToolRouter = router({
  /** The exposed workflows as the endpoint lists them (name, description, input and output schemas). */
  list: permissionProcedure("workflow.view").query(({ ctx }) =>
    mcpTools.listMcpToolDefinitions(ctx),
  ),

  /** One workflow's tool, or null, with a free name to suggest: the MCP tool tab. */
  get: permissionProcedure("workflow.view")
    .input(z.object({ workflowId: id }))
    .query(({ ctx, input }) => mcpTools.getMcpToolOfWorkflow(ctx, input.workflowId)),

  expose: permissionProcedure("trigger.manage")
    .input(mcpTools.exposeInput)
    .mutation(async ({ ctx, input }) =>
      mcpTools.exposeWorkflow(ctx, (await ctx.runSystem()).bus, input),
    ),

  update: permissionProcedure("trigger.manage")
    .input(mcpTools.updateInput)
    .mutation(async ({ ctx, input }) =>
      mcpTools.updateMcpTool(ctx, (await ctx.runSystem()).bus, input),
    ),

  hide: permissionProcedure("trigger.manage")
    .input(z.object({ workflowId: id }))
    .mutation(async ({ ctx, input }) =>
      mcpTools.hideWorkflow(ctx, (await ctx.runSystem()).bus, input.workflowId),
    ),

  /** A tools/call of the MCP endpoint: starts the tool's workflow (trigger `mcp`); the endpoint follows the run. */
  start: permissionProcedure("workflow.run")
    .input(mcpTools.startToolRunInput)
    .mutation(async ({ ctx, input }) =>
      mcpTools.startToolRun(ctx, (await ctx.runSystem()).runDeps, input),
    ),
});
