import { z } from "zod";
import {
  WorkflowEdgeSchema,
  WorkflowNodeSchema,
  type WorkflowDocument,
  type WorkflowNode,
} from "@/engine/schema/workflow-document";
import { freeNodeId, type Command, type Position } from "./document-commands";

/**
 * Copied nodes travel as JSON text on the system clipboard, so they paste into another workflow
 * (or another tab) too. Parsed through the document's own node and edge schemas: pasting text that
 * is not ours, or is damaged, pastes nothing.
 */
const ClipboardSchema = z.object({
  format: z.literal("maestro.nodes"),
  nodes: z.array(WorkflowNodeSchema).min(1),
  edges: z.array(WorkflowEdgeSchema),
});
export type Clipboard = z.output<typeof ClipboardSchema>;

/** The selected nodes and the edges between them (an edge to a node left behind is not copied). */
export function copyNodes(doc: WorkflowDocument, nodeIds: readonly string[]): Clipboard | null {
  const ids = new Set(nodeIds);
  const nodes = doc.nodes.filter((n) => ids.has(n.id));
  if (nodes.length === 0) return null;
  return {
    format: "maestro.nodes",
    nodes,
    edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  };
}

export function parseClipboard(text: string): Clipboard | null {
  try {
    const parsed = ClipboardSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const STEP_REFERENCE = /\bsteps\.([A-Za-z][A-Za-z0-9_-]*)/g;

/** Rewrites `steps.<id>` references in every string of a config, for the ids that were renamed. */
function renameReferences(value: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string")
    return value.replace(STEP_REFERENCE, (match, id: string) =>
      renamed.has(id) ? `steps.${renamed.get(id)}` : match,
    );
  if (Array.isArray(value)) return value.map((item) => renameReferences(item, renamed));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renameReferences(v, renamed)]),
    );
  return value;
}

/**
 * Pastes copied nodes: each gets an id free in `doc` (the copies keep their connections, fallbacks
 * and `{{steps.…}}` references to each other), placed `offset` away from where it was copied.
 * Returns the command and the new ids, which the editor selects.
 */
export function pasteNodes(
  doc: WorkflowDocument,
  clipboard: Clipboard,
  offset: Position,
  label = "Paste",
): { command: Command; ids: string[] } {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  for (const node of clipboard.nodes) {
    const id = freeNodeId(taken, node.id);
    taken.add(id);
    renamed.set(node.id, id);
  }
  const nodes = clipboard.nodes.map((node): WorkflowNode => {
    const position = node.position ?? { x: 0, y: 0 };
    const fallback = node.policy?.fallback;
    return {
      ...node,
      id: renamed.get(node.id)!,
      config: renameReferences(node.config, renamed),
      position: { x: Math.round(position.x + offset.x), y: Math.round(position.y + offset.y) },
      ...(node.policy
        ? {
            policy: {
              ...node.policy,
              ...(fallback ? { fallback: renamed.get(fallback) ?? fallback } : {}),
            },
          }
        : {}),
    } as WorkflowNode;
  });
  const takenEdges = new Set(doc.edges.map((e) => e.id));
  const edges = clipboard.edges.map((edge) => {
    const source = renamed.get(edge.source)!;
    const target = renamed.get(edge.target)!;
    const base =
      edge.sourcePort === "out"
        ? `${source}->${target}`
        : `${source}.${edge.sourcePort}->${target}`;
    let id = base;
    for (let n = 2; takenEdges.has(id); n++) id = `${base}#${n}`;
    takenEdges.add(id);
    return { ...edge, id, source, target };
  });
  return {
    ids: nodes.map((n) => n.id),
    command: {
      label,
      apply: (draft) => {
        draft.nodes.push(...(nodes as typeof draft.nodes));
        draft.edges.push(...edges);
      },
    },
  };
}
