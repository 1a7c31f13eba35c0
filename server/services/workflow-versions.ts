import { AppError, conflict, notFound } from "@/engine/errors";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import type { Diagnostic } from "@/engine/compiler/diagnostics";
import type { Plan } from "@/engine/schema/plan";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import {
  findVersionDetail,
  insertVersion,
  listPublishedVersions,
} from "@/server/repositories/workflow-versions";
import { findWorkflow, findWorkflowHead } from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { learnFromPublishedProposal } from "./learning";

// A workflow's versions: publishing the draft as the next numbered, immutable version, and
// reading versions back. The draft itself is workflow-drafts.ts; the publish gate in front of
// publishing is publish-gate.ts.

export function compileOrThrow(document: unknown): Plan {
  const result = compileWorkflow(loadWorkflowDocument(document));
  if (!result.ok) {
    throw new AppError(
      "INVALID_INPUT",
      `The workflow does not compile: ${result.errors.map((e) => e.message).join("; ")}`,
      {
        diagnostics: result.errors satisfies Diagnostic[],
      },
    );
  }
  return result.plan;
}

/**
 * Publishes the workflow's current document as its next numbered, immutable version.
 * `expectedRevision` (the draft's save counter an evaluation ran) refuses a draft changed since;
 * `auditAction`/`auditMetadata` name the publish in the audit log (the gate's evaluation and score, an override).
 */
export async function publishVersion(
  ctx: TenantContext,
  input: {
    workflowId: string;
    note?: string;
    expectedRevision?: number;
    auditAction?: string;
    auditMetadata?: Record<string, unknown>;
  },
) {
  const workflow = await findWorkflow(ctx.db, ctx.tenant.id, input.workflowId);
  if (!workflow) throw notFound("workflow", input.workflowId);
  if (input.expectedRevision !== undefined && workflow.version !== input.expectedRevision)
    throw conflict(
      "The draft changed while it was evaluated: publish again to evaluate the new draft",
      { expectedRevision: input.expectedRevision, revision: workflow.version },
    );
  const plan = compileOrThrow(workflow.document);
  const published = await withAudit(ctx, async (tx) => {
    const version = await insertVersion(tx, {
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      isDraft: false,
      document: workflow.document,
      plan,
      note: input.note ?? "",
      createdBy: ctx.actor.userId,
    });
    return {
      value: version,
      audit: {
        action: input.auditAction ?? "workflow.publish",
        targetType: "workflow",
        targetId: workflow.id,
        metadata: { version: version.version, ...input.auditMetadata },
      },
    };
  });
  // A workflow the planner proposed: what the user changed before publishing teaches the planner.
  await learnFromPublishedProposal(ctx.db, ctx.tenant.id, workflow.id, workflow.document).catch(
    (error: unknown) =>
      console.error(
        `Learning from the edits of workflow ${workflow.id} failed: ${error instanceof Error ? error.message : String(error)}`,
      ),
  );
  return published;
}

/** A workflow's published versions, newest first. */
export async function listVersions(
  ctx: TenantContext,
  query: { workflowId: string; cursor?: string | null; limit: number },
) {
  const [workflow, page] = await Promise.all([
    findWorkflowHead(ctx.db, ctx.tenant.id, query.workflowId),
    listPublishedVersions(ctx.db, { ...query, tenantId: ctx.tenant.id }),
  ]);
  if (!workflow) throw notFound("workflow", query.workflowId);
  return page;
}

/** One version (published, or a draft run's snapshot: `version` null) with its document migrated to the current version. */
export async function getVersion(ctx: TenantContext, id: string) {
  const version = await findVersionDetail(ctx.db, ctx.tenant.id, id);
  if (!version) throw notFound("workflow version", id);
  return { ...version, document: loadWorkflowDocument(version.document) };
}
