import type { z } from "zod";
import type { NodeConfigSchemas, NodeKind } from "../schema/node-config";
import {
  WorkflowDocumentSchema,
  type NodePolicySchema,
  type WorkflowDocument,
  type WorkflowDocumentInput,
} from "../schema/workflow-document";

type NodeInput = NonNullable<WorkflowDocumentInput["nodes"]>[number];
type EdgeInput = NonNullable<WorkflowDocumentInput["edges"]>[number];
type NodeExtras = {
  label?: string;
  position?: { x: number; y: number };
  policy?: z.input<typeof NodePolicySchema>;
};

/**
 * Builds one node of a workflow document.
 * @example makeNode("llm", "write", { prompt: "Write a brief on {{input.topic}}" })
 */
export function makeNode<K extends NodeKind>(
  kind: K,
  id: string,
  config?: z.input<(typeof NodeConfigSchemas)[K]>,
  extras: NodeExtras = {},
): NodeInput {
  return { id, kind, config: config ?? {}, ...extras } as NodeInput;
}

/**
 * Connects `source` to `target`; name `port` for a router branch, `true`/`false`, or `approved`/`rejected`.
 * @example connect("classify", "billing", "billing")
 */
export function connect(source: string, target: string, port = "out"): EdgeInput {
  return {
    id: port === "out" ? `${source}->${target}` : `${source}.${port}->${target}`,
    source,
    sourcePort: port,
    target,
  };
}

/**
 * Connects each node to the next.
 * @example chain("input", "write", "output") // → two edges
 */
export function chain(...ids: string[]): EdgeInput[] {
  return ids.slice(1).map((id, i) => connect(ids[i] as string, id));
}

/** Places unplaced nodes in columns by depth, so a generated workflow opens legibly on the canvas. */
function placeNodes(doc: WorkflowDocument): void {
  const depth = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const edge of doc.edges)
    incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.source]);
  const depthOf = (id: string, visiting: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const d =
      Math.max(-1, ...(incoming.get(id) ?? []).map((source) => depthOf(source, visiting))) + 1;
    depth.set(id, d);
    return d;
  };
  const rows = new Map<number, number>();
  for (const node of doc.nodes) {
    if (node.position) continue;
    const column = depthOf(node.id, new Set());
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    node.position = { x: column * 280, y: row * 160 };
  }
}

/**
 * Builds a current-version workflow document, filling defaults and laying out unplaced nodes.
 * @example makeWorkflow({ name: "Echo", nodes: [makeNode("input", "in"), makeNode("output", "out")], edges: chain("in", "out") })
 */
export function makeWorkflow(
  input: Omit<WorkflowDocumentInput, "version"> & { layout?: boolean },
): WorkflowDocument {
  const { layout = false, ...doc } = input;
  const parsed = WorkflowDocumentSchema.parse({ version: 2, ...doc });
  if (layout) placeNodes(parsed);
  return parsed;
}
