import type { WorkflowDocument } from "../schema/workflow-document";
import type { Diagnostic } from "./diagnostics";

/** One place a node names an MCP server (by installation name): the field is a dotted path from the node. */
export type ServerReference = { nodeId: string; field: string; server: string };

/**
 * Every MCP server a document's nodes name: a tool node's server, an agent's servers, an
 * orchestrator's worker servers and each swarm agent's servers.
 * @example listServerReferences(doc) // → [{ nodeId: "read", field: "config.server", server: "files" }]
 */
export function listServerReferences(doc: WorkflowDocument): ServerReference[] {
  const found: ServerReference[] = [];
  const addAll = (nodeId: string, servers: unknown, prefix: string) => {
    if (!Array.isArray(servers)) return;
    servers.forEach((server, i) => {
      if (typeof server === "string" && server)
        found.push({ nodeId, field: `${prefix}mcpServers[${i}]`, server });
    });
  };
  for (const node of doc.nodes) {
    const config = node.config as Record<string, unknown>;
    if (node.kind === "tool" && typeof config.server === "string" && config.server)
      found.push({ nodeId: node.id, field: "config.server", server: config.server });
    if (node.kind === "agent") addAll(node.id, config.mcpServers, "config.");
    if (node.kind === "orchestrator")
      addAll(
        node.id,
        (config.worker as { mcpServers?: unknown } | undefined)?.mcpServers,
        "config.worker.",
      );
    if (node.kind === "swarm" && Array.isArray(config.agents)) {
      config.agents.forEach((agent: { mcpServers?: unknown } | undefined, i: number) =>
        addAll(node.id, agent?.mcpServers, `config.agents[${i}].`),
      );
    }
  }
  return found;
}

/**
 * Warnings for servers the tenant has not installed (the canvas knows its installations; the
 * compiler does not): the run would fail at that step with TOOL_NOT_FOUND.
 */
export function uninstalledServerWarnings(
  doc: WorkflowDocument,
  installed: ReadonlySet<string>,
): Diagnostic[] {
  return listServerReferences(doc)
    .filter((ref) => !installed.has(ref.server))
    .map((ref) => ({
      code: "SERVER_NOT_FOUND" as const,
      severity: "warning" as const,
      message: `No MCP server named "${ref.server}" is installed in this workspace: install it from the Marketplace or choose another`,
      nodeId: ref.nodeId,
      field: ref.field,
    }));
}
