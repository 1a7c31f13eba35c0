import { z } from "zod";
import { pageInput } from "@/server/repositories/pagination";
import * as workflows from "@/server/services/workflows";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

export const workflowRouter = router({
  list: permissionProcedure("workflow.view")
    .input(pageInput.extend({ search: z.string().trim().max(120).optional() }))
    .query(({ ctx, input }) => workflows.listWorkflows(ctx, input)),

  get: permissionProcedure("workflow.view")
    .input(z.object({ id }))
    .query(({ ctx, input }) => workflows.getWorkflow(ctx, input.id)),

  create: permissionProcedure("workflow.edit")
    .input(z.object({ name: workflows.workflowName, description: workflows.workflowDescription.default("") }))
    .mutation(({ ctx, input }) => workflows.createWorkflow(ctx, input)),

  rename: permissionProcedure("workflow.edit")
    .input(z.object({ id, name: workflows.workflowName, description: workflows.workflowDescription.optional() }))
    .mutation(({ ctx, input }) => workflows.renameWorkflow(ctx, input)),

  delete: permissionProcedure("workflow.edit")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => workflows.deleteWorkflow(ctx, input.id)),
});
