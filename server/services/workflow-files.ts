import { notFound } from "@/engine/errors";
import { loadWorkflowDocument } from "@/engine/schema/load-workflow-document";
import { exportWorkflowFile, parseWorkflowFile } from "@/engine/schema/workflow-file";
import * as repo from "@/server/repositories/workflows";
import type { TenantContext } from "./context";
import { assertDocumentSize } from "./workflow-drafts";
import { insertUnderFreeName } from "./workflows";

/**
 * A workflow's draft as a file (engine/schema/workflow-file.ts: a versioned envelope around the
 * document, view state dropped). The document holds no secrets: nodes only name the MCP servers
 * and models whose credentials the tenant keeps.
 */
export async function exportWorkflow(ctx: TenantContext, id: string) {
  const workflow = await repo.findWorkflow(ctx.db, ctx.tenant.id, id);
  if (!workflow) throw notFound("workflow", id);
  return exportWorkflowFile({
    name: workflow.name,
    description: workflow.description,
    document: loadWorkflowDocument(workflow.document),
  });
}

/**
 * A new workflow from a file: an exported one or a bare document of any known version (migrated).
 * Named after the file unless `name` is given; a taken file name gets "(copy)", "(copy 2)"…,
 * while a taken chosen name is a CONFLICT.
 */
export function importWorkflow(ctx: TenantContext, input: { file: unknown; name?: string }) {
  assertDocumentSize(input.file, "workflow file");
  const file = parseWorkflowFile(input.file);
  return insertUnderFreeName(
    ctx,
    {
      // The file's name and description were not checked by the router's input schema: fit them to its limits.
      name: input.name ?? file.name.trim().slice(0, 120).trimEnd(),
      description: file.description.trim().slice(0, 2000),
      document: file.document,
      nameIsChosen: input.name !== undefined,
      keepName: true,
    },
    {
      action: "workflow.import",
      metadata: { nodes: file.document.nodes.length, edges: file.document.edges.length },
    },
  );
}
