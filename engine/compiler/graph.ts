import { canConnect, listNodePorts, type NodePorts } from "../schema/node-ports";
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from "../schema/workflow-document";
import type { DiagnosticList } from "./diagnostics";

/** Nodes and the edges that survived checking, indexed for linear-time walks. */
export type WorkflowGraph = {
  nodes: WorkflowNode[];
  ports: NodePorts[];
  indexOf: Map<string, number>;
  edges: Array<{ edge: WorkflowEdge; from: number; to: number }>;
  /** Per node, indices into `edges`, in document order. */
  outgoing: number[][];
  incoming: number[][];
};

function describePorts(ports: NodePorts["outputs"]): string {
  return ports.length ? ports.map((p) => `"${p.name}"`).join(", ") : "none";
}

function checkEdge(graph: WorkflowGraph, edge: WorkflowEdge, diagnostics: DiagnosticList): boolean {
  const from = graph.indexOf.get(edge.source);
  const to = graph.indexOf.get(edge.target);
  const edgeId = edge.id;
  if (from === undefined || to === undefined) {
    const missing = from === undefined ? edge.source : edge.target;
    const nodeId = from === undefined ? (to === undefined ? undefined : edge.target) : edge.source;
    diagnostics.error(
      "COMPILE_DANGLING_EDGE",
      `This connection points at "${missing}", which is not in the workflow`,
      {
        edgeId,
        ...(nodeId ? { nodeId } : {}),
      },
    );
    return false;
  }
  const fromPorts = graph.ports[from] as NodePorts;
  const toPorts = graph.ports[to] as NodePorts;
  const output = fromPorts.outputs.find((p) => p.name === edge.sourcePort);
  if (!output) {
    diagnostics.error(
      "COMPILE_PORT_MISMATCH",
      `"${edge.source}" has no output "${edge.sourcePort}" (its outputs: ${describePorts(fromPorts.outputs)})`,
      { edgeId, nodeId: edge.source },
    );
    return false;
  }
  const input = toPorts.inputs.find((p) => p.name === edge.targetPort);
  if (!input) {
    diagnostics.error(
      "COMPILE_PORT_MISMATCH",
      `"${edge.target}" has no input "${edge.targetPort}" (its inputs: ${describePorts(toPorts.inputs)})`,
      { edgeId, nodeId: edge.target },
    );
    return false;
  }
  if (!canConnect(output.type, input.type)) {
    diagnostics.error(
      "COMPILE_PORT_MISMATCH",
      `"${edge.source}" outputs ${output.type} but "${edge.target}" needs ${input.type} here` +
        (graph.nodes[to]?.kind === "tool"
          ? "; give the tool an args template to build its arguments"
          : ""),
      { edgeId, nodeId: edge.target },
    );
    return false;
  }
  return true;
}

/**
 * Indexes nodes and checks every edge once (ends exist, ports exist, types fit). Edges that fail are
 * reported and left out, so later passes see only sound connections.
 */
export function buildGraph(doc: WorkflowDocument, diagnostics: DiagnosticList): WorkflowGraph {
  const graph: WorkflowGraph = {
    nodes: [],
    ports: [],
    indexOf: new Map(),
    edges: [],
    outgoing: [],
    incoming: [],
  };
  for (const node of doc.nodes) {
    if (graph.indexOf.has(node.id)) {
      diagnostics.error("COMPILE_DUPLICATE_ID", `Two nodes share the id "${node.id}"`, {
        nodeId: node.id,
      });
      continue;
    }
    graph.indexOf.set(node.id, graph.nodes.length);
    graph.nodes.push(node);
    graph.ports.push(listNodePorts(node));
    graph.outgoing.push([]);
    graph.incoming.push([]);
  }
  const edgeIds = new Set<string>();
  for (const edge of doc.edges) {
    if (edgeIds.has(edge.id)) {
      diagnostics.error("COMPILE_DUPLICATE_ID", `Two connections share the id "${edge.id}"`, {
        edgeId: edge.id,
      });
      continue;
    }
    edgeIds.add(edge.id);
    if (!checkEdge(graph, edge, diagnostics)) continue;
    const from = graph.indexOf.get(edge.source) as number;
    const to = graph.indexOf.get(edge.target) as number;
    (graph.outgoing[from] as number[]).push(graph.edges.length);
    (graph.incoming[to] as number[]).push(graph.edges.length);
    graph.edges.push({ edge, from, to });
  }
  return graph;
}

/**
 * Kahn's algorithm: returns node indices in a topological order (ties in document order) and the
 * nodes left over, which lie on or behind a cycle. O(nodes + edges).
 */
export function sortTopologically(graph: WorkflowGraph): { order: number[]; blocked: number[] } {
  const n = graph.nodes.length;
  const indegree = new Int32Array(n);
  for (const { to } of graph.edges) indegree[to] = (indegree[to] as number) + 1;
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) order.push(i);
  for (let head = 0; head < order.length; head++) {
    for (const e of graph.outgoing[order[head] as number] as number[]) {
      const to = (graph.edges[e] as WorkflowGraph["edges"][number]).to;
      indegree[to] = (indegree[to] as number) - 1;
      if (indegree[to] === 0) order.push(to);
    }
  }
  const blocked: number[] = [];
  if (order.length < n)
    for (let i = 0; i < n; i++) if ((indegree[i] as number) > 0) blocked.push(i);
  return { order, blocked };
}

/**
 * Reports each cycle among `blocked` nodes once, at the edge that closes it (the one to remove), by an
 * iterative depth-first search. Nodes merely downstream of a cycle are not blamed.
 */
export function reportCycles(
  graph: WorkflowGraph,
  blocked: number[],
  diagnostics: DiagnosticList,
): void {
  const state = new Uint8Array(graph.nodes.length); // 0 outside the search, 1 unvisited, 2 on stack, 3 done
  for (const i of blocked) state[i] = 1;
  for (const start of blocked) {
    if (state[start] !== 1) continue;
    const stack: Array<{ node: number; next: number }> = [{ node: start, next: 0 }];
    state[start] = 2;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as { node: number; next: number };
      const out = graph.outgoing[frame.node] as number[];
      if (frame.next >= out.length) {
        state[frame.node] = 3;
        stack.pop();
        continue;
      }
      const link = graph.edges[out[frame.next++] as number] as WorkflowGraph["edges"][number];
      if (state[link.to] === 1) {
        state[link.to] = 2;
        stack.push({ node: link.to, next: 0 });
      } else if (state[link.to] === 2) {
        const from = stack.findIndex((f) => f.node === link.to);
        const path = stack.slice(from).map((f) => (graph.nodes[f.node] as WorkflowNode).id);
        const shown = path.length > 8 ? [...path.slice(0, 7), "…"] : path;
        diagnostics.error(
          "COMPILE_CYCLE",
          `These nodes form a loop: ${[...shown, link.edge.target].join(" → ")}. Loops belong inside an ` +
            `evaluator-optimizer or swarm node; remove this connection or use one of those`,
          { nodeId: link.edge.target, edgeId: link.edge.id },
        );
      }
    }
  }
}
