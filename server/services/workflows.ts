import { z } from "zod";
import { AppError, conflict, notFound } from "@/engine/errors";
import { EXAMPLE_WORKFLOWS, type ExampleSlug } from "@/engine/examples";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import { isUniqueViolation } from "@/server/repositories/errors";
import { listAlertsOnSeries, updateAlert } from "@/server/repositories/alerts";
import { findLatestPublishedVersion } from "@/server/repositories/workflow-versions";
import * as repo from "@/server/repositories/workflows";
import type { AlertAction } from "@/db/schema";
import { markUndone } from "./alerts";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { copyNameStem, firstFreeName } from "./workflow-names";

export const workflowName = z
  .string()
  .trim()
  .min(1, "Give the workflow a name")
  .max(120, "At most 120 characters");
export const workflowDescription = z.string().trim().max(2000, "At most 2,000 characters");

export const TEMPLATE_SLUGS = Object.keys(EXAMPLE_WORKFLOWS) as [ExampleSlug, ...ExampleSlug[]];

function nameTaken(name: string) {
  return conflict(`A workflow named "${name}" already exists in this tenant.`, { field: "name" });
}

export function listWorkflows(
  ctx: TenantContext,
  query: { search?: string; cursor?: string | null; limit: number },
) {
  return repo.listWorkflows(ctx.db, { ...query, tenantId: ctx.tenant.id });
}

/**
 * A workflow as the editor opens it: the document migrated to the current version (a new
 * workflow's `{}` becomes an empty document), `version` (the save counter the next save names as
 * its base) and the latest published version, if any.
 */
export async function getWorkflow(ctx: TenantContext, id: string) {
  const [workflow, latestVersion] = await Promise.all([
    repo.findWorkflow(ctx.db, ctx.tenant.id, id),
    findLatestPublishedVersion(ctx.db, ctx.tenant.id, id),
  ]);
  if (!workflow) throw notFound("workflow", id);
  return {
    ...workflow,
    document: loadWorkflowDocument(workflow.document),
    latestVersion: latestVersion ?? null,
  };
}

/** The examples a new workflow may start from (engine/examples: one per pattern). */
export function listWorkflowTemplates() {
  return TEMPLATE_SLUGS.map((slug) => {
    const document = EXAMPLE_WORKFLOWS[slug];
    return {
      slug,
      name: document.name ?? slug,
      description: document.description ?? "",
      nodeCount: document.nodes.length,
    };
  });
}

interface NewWorkflow {
  name: string;
  description: string;
  document: unknown;
}

/** Inserts a workflow with its audit record; a taken name is a CONFLICT on the name field. */
async function insertAudited(
  ctx: TenantContext,
  values: NewWorkflow,
  audit: { action: string; metadata: Record<string, unknown> },
) {
  try {
    return await withAudit(ctx, async (tx) => {
      const workflow = await repo.insertWorkflow(tx, {
        ...values,
        tenantId: ctx.tenant.id,
        createdBy: ctx.actor.userId,
      });
      return {
        value: workflow,
        audit: {
          action: audit.action,
          targetType: "workflow",
          targetId: workflow.id,
          metadata: { name: values.name, ...audit.metadata },
        },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, "workflows_tenant_name_key")) throw nameTaken(values.name);
    throw error;
  }
}

/**
 * Inserts a workflow under `values.name` when the caller chose it (a taken name is a CONFLICT), or
 * else under the first free name from it: "<name> (copy)", "(copy 2)"… (`keepName`: try the name
 * itself first). Two copies made at once may pick the same name; the loser picks again.
 */
export async function insertUnderFreeName(
  ctx: TenantContext,
  values: NewWorkflow & { nameIsChosen: boolean; keepName: boolean },
  audit: { action: string; metadata: Record<string, unknown> },
) {
  const { nameIsChosen, keepName, ...workflow } = values;
  if (nameIsChosen) return insertAudited(ctx, workflow, audit);
  for (let attempt = 1; ; attempt++) {
    const taken = new Set(
      await repo.listWorkflowNamesStartingWith(ctx.db, ctx.tenant.id, copyNameStem(workflow.name)),
    );
    const name = firstFreeName(workflow.name, taken, { keepName });
    try {
      return await insertAudited(ctx, { ...workflow, name }, audit);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof AppError && error.code === "CONFLICT")) throw error;
    }
  }
}

/** A new workflow, empty (`{}`, opened as an empty document) or a copy of a template, whose description it takes unless given one. */
export function createWorkflow(
  ctx: TenantContext,
  input: { name: string; description: string; template?: ExampleSlug },
) {
  const template = input.template ? EXAMPLE_WORKFLOWS[input.template] : undefined;
  return insertAudited(
    ctx,
    {
      name: input.name,
      description: input.description || (template?.description ?? ""),
      document: template ?? {},
    },
    { action: "workflow.create", metadata: input.template ? { template: input.template } : {} },
  );
}

/** A copy of a workflow's draft (name, description, document), named "<name> (copy)" unless named. */
export async function duplicateWorkflow(ctx: TenantContext, input: { id: string; name?: string }) {
  const source = await repo.findWorkflow(ctx.db, ctx.tenant.id, input.id);
  if (!source) throw notFound("workflow", input.id);
  return insertUnderFreeName(
    ctx,
    {
      name: input.name ?? source.name,
      description: source.description,
      document: source.document,
      nameIsChosen: input.name !== undefined,
      keepName: false,
    },
    { action: "workflow.duplicate", metadata: { from: source.id } },
  );
}

export async function renameWorkflow(
  ctx: TenantContext,
  input: { id: string; name: string; description?: string },
) {
  try {
    return await withAudit(ctx, async (tx) => {
      const workflow = await repo.updateWorkflow(tx, ctx.tenant.id, input.id, {
        name: input.name,
        ...(input.description === undefined ? {} : { description: input.description }),
      });
      if (!workflow) throw notFound("workflow", input.id);
      return {
        value: workflow,
        audit: {
          action: "workflow.rename",
          targetType: "workflow",
          targetId: workflow.id,
          metadata: { name: input.name },
        },
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
    return {
      value: { id },
      audit: { action: "workflow.delete", targetType: "workflow", targetId: id },
    };
  });
}

export const pauseReason = z.string().trim().min(1).max(300, "At most 300 characters");

/** Pauses a workflow by hand: its new runs are refused until it is resumed. CONFLICT when paused already. */
export function pauseWorkflow(ctx: TenantContext, input: { id: string; reason?: string }) {
  return withAudit(ctx, async (tx) => {
    const workflow = await repo.findWorkflow(tx, ctx.tenant.id, input.id);
    if (!workflow) throw notFound("workflow", input.id);
    const reason = input.reason ?? `Paused by ${ctx.actor.name || ctx.actor.email}`;
    if (!(await repo.pauseWorkflow(tx, ctx.tenant.id, input.id, reason)))
      throw conflict(`The workflow "${workflow.name}" is paused already.`);
    return {
      value: { id: input.id, pausedReason: reason },
      audit: {
        action: "workflow.pause",
        targetType: "workflow",
        targetId: input.id,
        metadata: { name: workflow.name, reason },
      },
    };
  });
}

/**
 * Lets a paused workflow (paused by hand or by anomaly remediation) run again. A pause on its
 * alerts is marked undone by this person, as if undone there. CONFLICT when it is not paused.
 */
export function resumeWorkflow(ctx: TenantContext, id: string) {
  return withAudit(ctx, async (tx) => {
    const workflow = await repo.findWorkflow(tx, ctx.tenant.id, id);
    if (!workflow) throw notFound("workflow", id);
    if (!(await repo.resumeWorkflow(tx, ctx.tenant.id, id)))
      throw conflict(`The workflow "${workflow.name}" is not paused.`);
    const isPause = (a: AlertAction) => a.rule === "pauseWorkflow" && !a.undoneAt;
    for (const alert of await listAlertsOnSeries(tx, ctx.tenant.id, "workflow.failure_rate", id)) {
      if (alert.actions.some(isPause))
        await updateAlert(tx, ctx.tenant.id, alert.id, {
          actions: markUndone(alert.actions, isPause, ctx.actor.email),
        });
    }
    return {
      value: { id, pausedAt: null, pausedReason: null },
      audit: {
        action: "workflow.resume",
        targetType: "workflow",
        targetId: id,
        metadata: { name: workflow.name, pausedReason: workflow.pausedReason },
      },
    };
  });
}
