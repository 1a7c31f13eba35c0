import { z } from "zod";
import { pageInput } from "@/server/repositories/pagination";
import { announceIfExposed } from "@/server/services/mcp-tools";
import { publishInput, publishThroughGate } from "@/server/services/publish-gate";
import * as drafts from "@/server/services/workflow-drafts";
import * as files from "@/server/services/workflow-files";
import * as versions from "@/server/services/workflow-versions";
import * as workflows from "@/server/services/workflows";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();
/** The save counter the editor loaded or last saved (workflow.get's `version`). */
const baseVersion = z.int().min(1);

export const workflowRouter = router({
  list: permissionProcedure("workflow.view")
    .input(pageInput.extend({ search: z.string().trim().max(120).optional() }))
    .query(({ ctx, input }) => workflows.listWorkflows(ctx, input)),

  get: permissionProcedure("workflow.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => workflows.getWorkflow(ctx, input.id)),

  templates: permissionProcedure("workflow.view").query(() => workflows.listWorkflowTemplates()),

  create: permissionProcedure("workflow.edit")
    .input(
      z.object({
        name: workflows.workflowName,
        description: workflows.workflowDescription.default(""),
        template: z.enum(workflows.TEMPLATE_SLUGS).optional(),
      }),
    )
    .mutation(({ ctx, input }) => workflows.createWorkflow(ctx, input)),

  rename: permissionProcedure("workflow.edit")
    .input(
      z.object({
        id,
        name: workflows.workflowName,
        description: workflows.workflowDescription.optional(),
      }),
    )
    .mutation(({ ctx, input }) => workflows.renameWorkflow(ctx, input)),

  delete: permissionProcedure("workflow.edit")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => workflows.deleteWorkflow(ctx, input.id)),

  duplicate: permissionProcedure("workflow.edit")
    .input(z.object({ id, name: workflows.workflowName.optional() }))
    .mutation(({ ctx, input }) => workflows.duplicateWorkflow(ctx, input)),

  /** Saves the canvas's draft; CONFLICT when someone saved since `baseVersion`. */
  saveDraft: permissionProcedure("workflow.edit")
    .input(z.object({ id, document: z.unknown(), baseVersion }))
    .mutation(({ ctx, input }) => drafts.saveDraft(ctx, input)),

  versions: permissionProcedure("workflow.view")
    .input(pageInput.extend({ workflowId: id }))
    .query(({ ctx, input }) => versions.listVersions(ctx, input)),

  version: permissionProcedure("workflow.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => versions.getVersion(ctx, input.id)),

  /** Publishes the draft; a workflow with a publish gate evaluates it first and refuses below the minimum (GATE_REFUSED). */
  publish: permissionProcedure("workflow.edit")
    .input(publishInput)
    .mutation(async ({ ctx, input }) => {
      const evaluationDeps = async () => {
        const system = await ctx.runSystem();
        return { runDeps: system.runDeps, llm: system.executor.llm };
      };
      const version = await publishThroughGate(ctx, evaluationDeps, input);
      await announceIfExposed(ctx, (await ctx.runSystem()).bus, input.workflowId); // its MCP tool's schemas changed
      return version;
    }),

  restore: permissionProcedure("workflow.edit")
    .input(z.object({ workflowId: id, versionId: id, baseVersion }))
    .mutation(({ ctx, input }) => drafts.restoreVersion(ctx, input)),

  /** Refuses the workflow's new runs until it is resumed. */
  pause: permissionProcedure("workflow.edit")
    .input(z.object({ id, reason: workflows.pauseReason.optional() }))
    .mutation(({ ctx, input }) => workflows.pauseWorkflow(ctx, input)),

  /** Lets a paused workflow (by hand or by an anomaly alert) run again. */
  resume: permissionProcedure("workflow.edit")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => workflows.resumeWorkflow(ctx, input.id)),

  export: permissionProcedure("workflow.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => files.exportWorkflow(ctx, input.id)),

  import: permissionProcedure("workflow.edit")
    .input(z.object({ file: z.unknown(), name: workflows.workflowName.optional() }))
    .mutation(({ ctx, input }) => files.importWorkflow(ctx, input)),
});
