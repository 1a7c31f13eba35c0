/**
 * A workflow's structure as a set of tokens, for finding workflows that are built alike (issue 24:
 * a new workflow's first run predicted from similar tasks): its node kinds with their counts as
 * thresholds (`kind:tool`, `kind:tool>=2`, `kind:tool>=4`), its size, the models its model steps
 * name, and the MCP servers and tools it calls. Two workflows' likeness is the Jaccard index of
 * their sets (run-forecast.ts weighs it by a learned strength).
 */
import type { WorkflowDocument } from "../schema/workflow-document";

/** Kinds that are plumbing, not work: left out of the size. */
const PLUMBING = new Set(["input", "output"]);

/**
 * The structure tokens of a workflow document.
 * @example workflowShape(doc) // → ["kind:llm", "kind:llm>=2", "model:default", "steps>=2", ...]
 */
export function workflowShape(doc: Pick<WorkflowDocument, "nodes">): string[] {
  const tokens = new Set<string>();
  const counts = new Map<string, number>();
  let steps = 0;
  for (const node of doc.nodes) {
    counts.set(node.kind, (counts.get(node.kind) ?? 0) + 1);
    if (!PLUMBING.has(node.kind)) steps += 1;
    const config = node.config as {
      model?: string;
      server?: string;
      tool?: string;
      mcpServers?: string[];
      allowedTools?: string[];
    };
    if (node.kind === "llm" || node.kind === "agent" || node.kind === "orchestrator")
      tokens.add(`model:${config.model || "default"}`);
    if (typeof config.server === "string") tokens.add(`server:${config.server}`);
    if (typeof config.server === "string" && typeof config.tool === "string")
      tokens.add(`tool:${config.server}/${config.tool}`);
    for (const server of config.mcpServers ?? []) tokens.add(`server:${server}`);
    for (const tool of config.allowedTools ?? []) tokens.add(`tool:*/${tool}`);
  }
  for (const [kind, n] of counts) {
    tokens.add(`kind:${kind}`);
    if (n >= 2) tokens.add(`kind:${kind}>=2`);
    if (n >= 4) tokens.add(`kind:${kind}>=4`);
  }
  for (const k of [1, 2, 4, 8]) if (steps >= k) tokens.add(`steps>=${k}`);
  return [...tokens].sort();
}

/**
 * The Jaccard index of two sorted token lists: shared over all; 0 when either is empty (nothing
 * known is no likeness).
 * @example shapeLikeness(["a", "b"], ["b", "c"]) // → 1/3
 */
export function shapeLikeness(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared += 1;
      i += 1;
      j += 1;
    } else if (a[i]! < b[j]!) i += 1;
    else j += 1;
  }
  return shared / (a.length + b.length - shared);
}
