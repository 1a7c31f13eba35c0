import { AppError, conflict, notFound } from "@/engine/errors";
import { toInvalidInput } from "@/engine/schema/invalid-input";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import { WorkflowDocumentSchema, type WorkflowDocument } from "@/engine/schema/workflow-document";
import type { Db } from "@/db/client";
import { findVersionDetail } from "@/server/repositories/workflow-versions";
import * as repo from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

/**
 * The largest document (as JSON) a save or an import stores. The biggest examples are a few KB; a
 * document this large is a mistake (a pasted data set in a template), and every run copies it.
 */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

export function assertDocumentSize(value: unknown, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? "");
  if (bytes > MAX_DOCUMENT_BYTES) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    throw new AppError(
      "INVALID_INPUT",
      `The ${what} is ${mb(bytes)} MB; at most ${mb(MAX_DOCUMENT_BYTES)} MB can be saved.`,
      {
        bytes,
        maxBytes: MAX_DOCUMENT_BYTES,
      },
    );
  }
}

/**
 * What a save stores: a current-version document through the engine's schema, which drops view
 * state and unknown keys (the allowlist). Older versions are not accepted here: the editor always
 * holds a current document (workflow.get migrates), so an old one means a confused client.
 */
function parseDraftDocument(document: unknown): WorkflowDocument {
  const parsed = WorkflowDocumentSchema.safeParse(document);
  if (!parsed.success) throw toInvalidInput("workflow document", parsed.error);
  return parsed.data;
}

/** Why a guarded save changed no row: the workflow is not in this tenant, or it was saved since `baseVersion`. */
async function staleOrMissing(
  db: Db,
  tenantId: string,
  id: string,
  baseVersion: number,
): Promise<AppError> {
  const current = await repo.findWorkflowHead(db, tenantId, id);
  if (!current) return notFound("workflow", id);
  return conflict(
    `This workflow was changed elsewhere since you opened it (it is at version ${current.version}, your edits are on version ${baseVersion}). Reload it to see the changes.`,
    { currentVersion: current.version, baseVersion },
  );
}

/** Stores `document` as the draft if nobody saved since `baseVersion`, in one audited transaction. */
async function replaceDraft(
  ctx: TenantContext,
  input: { id: string; document: WorkflowDocument; baseVersion: number },
  audit: { action: string; metadata: Record<string, unknown> },
) {
  return withAudit(ctx, async (tx) => {
    const saved = await repo.saveWorkflowDocument(tx, ctx.tenant.id, input.id, input);
    if (!saved) throw await staleOrMissing(tx, ctx.tenant.id, input.id, input.baseVersion);
    const counts = {
      version: saved.version,
      nodes: input.document.nodes.length,
      edges: input.document.edges.length,
    };
    return {
      value: { version: saved.version, updatedAt: saved.updatedAt },
      audit: {
        action: audit.action,
        targetType: "workflow",
        targetId: input.id,
        metadata: { ...counts, ...audit.metadata },
      },
    };
  });
}

/**
 * Saves the editor's draft. `baseVersion` is the version the editor loaded or last saved; if
 * someone saved since, the save is refused (CONFLICT) rather than overwriting their work.
 * @example await saveDraft(ctx, { id, document, baseVersion: 4 }) // → { version: 5, updatedAt }
 */
export function saveDraft(
  ctx: TenantContext,
  input: { id: string; document: unknown; baseVersion: number },
) {
  assertDocumentSize(input.document, "workflow document");
  const document = parseDraftDocument(input.document);
  return replaceDraft(ctx, { ...input, document }, { action: "workflow.save", metadata: {} });
}

/** Makes a version's document the draft again (the same lost-update guard as a save); returns it too. */
export async function restoreVersion(
  ctx: TenantContext,
  input: { workflowId: string; versionId: string; baseVersion: number },
) {
  const version = await findVersionDetail(ctx.db, ctx.tenant.id, input.versionId);
  if (!version || version.workflowId !== input.workflowId)
    throw notFound("workflow version", input.versionId);
  const document = loadWorkflowDocument(version.document);
  const saved = await replaceDraft(
    ctx,
    { id: input.workflowId, document, baseVersion: input.baseVersion },
    {
      action: "workflow.restore",
      metadata: { restoredVersion: version.version, versionId: version.id },
    },
  );
  return { ...saved, document };
}
