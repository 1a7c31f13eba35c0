import type { WorkflowDocument } from "../schema/workflow-document";

export const COLUMN_WIDTH = 280;
export const ROW_HEIGHT = 160;

/**
 * Places nodes left to right by topological rank (the longest path from a start node), each
 * column centred on y = 0, in document order within a column. A simple layered layout, enough for
 * the small graphs the planner builds; the editor's dagre layout remains for hand-made ones.
 * @example layoutLayered(doc).nodes.map((n) => n.position) // → [{ x: 0, y: 0 }, { x: 280, y: -80 }, ...]
 */
export function layoutLayered(doc: WorkflowDocument): WorkflowDocument {
  const indexOf = new Map(doc.nodes.map((node, i) => [node.id, i]));
  const rank = new Array<number>(doc.nodes.length).fill(0);
  const indegree = new Array<number>(doc.nodes.length).fill(0);
  const outgoing: number[][] = doc.nodes.map(() => []);
  for (const edge of doc.edges) {
    const from = indexOf.get(edge.source);
    const to = indexOf.get(edge.target);
    if (from === undefined || to === undefined) continue;
    (outgoing[from] as number[]).push(to);
    indegree[to] = (indegree[to] as number) + 1;
  }
  const queue: number[] = [];
  indegree.forEach((d, i) => d === 0 && queue.push(i));
  const placed = new Array<boolean>(doc.nodes.length).fill(false);
  for (let head = 0; head < queue.length; head++) {
    const i = queue[head] as number;
    placed[i] = true;
    for (const j of outgoing[i] as number[]) {
      rank[j] = Math.max(rank[j] as number, (rank[i] as number) + 1);
      indegree[j] = (indegree[j] as number) - 1;
      if (indegree[j] === 0) queue.push(j);
    }
  }
  // Nodes on a cycle never reach indegree 0: put them after everything else rather than on top of it.
  const last = Math.max(0, ...rank);
  placed.forEach((isPlaced, i) => {
    if (!isPlaced) rank[i] = last + 1;
  });
  const columns = new Map<number, number[]>();
  rank.forEach((r, i) => columns.set(r, [...(columns.get(r) ?? []), i]));
  const positions = new Array<{ x: number; y: number }>(doc.nodes.length);
  for (const [r, members] of columns) {
    members.forEach((i, row) => {
      positions[i] = { x: r * COLUMN_WIDTH, y: (row - (members.length - 1) / 2) * ROW_HEIGHT };
    });
  }
  return {
    ...doc,
    nodes: doc.nodes.map((node, i) => ({
      ...node,
      position: positions[i] as { x: number; y: number },
    })),
  };
}
