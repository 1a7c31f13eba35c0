import { Graph, layout } from "@dagrejs/dagre";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import type { Position } from "./document-commands";

/** The size nodes are drawn at (node-card.tsx), which the layout leaves room for. */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 96;

/**
 * Auto-layout (dagre): left to right by dependency, branches stacked. Returns each node's top-left
 * corner; nodes without edges (fallbacks, say) are laid out too.
 */
export function layoutDocument(doc: WorkflowDocument): Map<string, Position> {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: "LR", nodesep: 40, ranksep: 80, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of doc.nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const edge of doc.edges)
    if (ids.has(edge.source) && ids.has(edge.target))
      graph.setEdge(edge.source, edge.target, {}, edge.id);
  layout(graph);
  const positions = new Map<string, Position>();
  for (const node of doc.nodes) {
    const placed = graph.node(node.id);
    positions.set(node.id, {
      x: Math.round(placed.x - NODE_WIDTH / 2),
      y: Math.round(placed.y - NODE_HEIGHT / 2),
    });
  }
  return positions;
}
