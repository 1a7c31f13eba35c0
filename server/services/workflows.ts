import { z } from "zod";
import { conflict, notFound } from "@/engine/errors";
import { isUniqueViolation } from "@/server/repositories/errors";
import * as repo from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

export const workflowName = z.string().trim().min(1, "Give the workflow a name").max(120, "At most 120 characters");
export const workflowDescription = z.string().trim().max(2000, "At most 2,000 characters");

function nameTaken(name: string) {
  return conflict(`A workflow named "${name}" already exists in this tenant.`, { field: "name" });
}

export function listWorkflows(ctx: TenantContext, query: { search?: string; cursor?: string | null; limit: number }) {
  return repo.listWorkflows(ctx.db, { ...query, tenantId: ctx.tenant.id });
}

export async function getWorkflow(ctx: TenantContext, id: string) {
  const workflow = await repo.findWorkflow(ctx.db, ctx.tenant.id, id);
  if (!workflow) throw notFound("workflow", id);
  return workflow;
}

export async function createWorkflow(ctx: TenantContext, input: { name: string; description: string }) {
  try {
    return await withAudit(ctx, async (tx) => {
      const workflow = await repo.insertWorkflow(tx, {
        tenantId: ctx.tenant.id,
        name: input.name,
        description: input.description,
        document: {},
        createdBy: ctx.actor.userId,
      });
      return {
        value: workflow,
        audit: { action: "workflow.create", targetType: "workflow", targetId: workflow.id, metadata: { name: input.name } },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, "workflows_tenant_name_key")) throw nameTaken(input.name);
    throw error;
  }
}

export async function renameWorkflow(ctx: TenantContext, input: { id: string; name: string; description?: string }) {
  try {
    return await withAudit(ctx, async (tx) => {
      const workflow = await repo.updateWorkflow(tx, ctx.tenant.id, input.id, {
        name: input.name,
        ...(input.description === undefined ? {} : { description: input.description }),
      });
      if (!workflow) throw notFound("workflow", input.id);
      return {
        value: workflow,
        audit: { action: "workflow.rename", targetType: "workflow", targetId: workflow.id, metadata: { name: input.name } },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, "workflows_tenant_name_key")) throw nameTaken(input.name);
    throw error;
  }
}

export function deleteWorkflow(ctx: TenantContext, id: string) {
  return withAudit(ctx, async (tx) => {
    if (!(await repo.deleteWorkflow(tx, ctx.tenant.id, id))) throw notFound("workflow", id);
    return { value: { id }, audit: { action: "workflow.delete", targetType: "workflow", targetId: id } };
  });
}
