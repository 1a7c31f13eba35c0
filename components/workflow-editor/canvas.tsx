"use client";

import {
  Background,
  Controls,
  ReactFlow,
  useReactFlow,
  useStore as useFlowStore,
  type Connection,
  type Edge,
  type EdgeChange,
  type IsValidConnection,
  type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useMemo, useRef, useState, type DragEvent } from "react";
import type { NodeKind } from "@/engine/schema/node-config";
import { canConnect, listNodePorts } from "@/engine/schema/node-ports";
import type { WorkflowDocument, WorkflowNode } from "@/engine/schema/workflow-document";
import { addNode, connectPorts, freeNodeId, moveNodes, type Position } from "./document-commands";
import { useEditor, useEditorStore } from "./editor-context";
import { NODE_WIDTH } from "./layout";
import { NodeCard, nodeHeight, type CanvasNode, type StepOverlay } from "./node-card";
import { OverviewMap } from "./overview-map";

export const PALETTE_MIME = "application/x-maestro-node-kind";
/** Below this zoom the cards show only their titles. */
const FAR_ZOOM = 0.45;
const nodeTypes = { workflow: NodeCard };

/** Why a connection may not be drawn, or null when it may. */
export function connectionProblem(doc: WorkflowDocument, c: Connection): string | null {
  if (c.source === c.target) return "A node cannot connect to itself";
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (!source || !target) return "Unknown node";
  const out = listNodePorts(source).outputs.find((p) => p.name === (c.sourceHandle ?? "out"));
  const into = listNodePorts(target).inputs.find((p) => p.name === (c.targetHandle ?? "in"));
  if (!out || !into) return "Unknown port";
  if (!canConnect(out.type, into.type))
    return `${out.type} output cannot feed a ${into.type} input`;
  // A path back from the target to the source would close a loop.
  const next = new Map<string, string[]>();
  for (const e of doc.edges) next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
  const seen = new Set<string>();
  const stack = [target.id];
  while (stack.length) {
    const id = stack.pop()!;
    if (id === source.id) return "That connection would make a loop";
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return null;
}

/**
 * The React Flow canvas, controlled from the editor store: nodes and edges are drawn from the
 * document, and every change a person makes goes back as a named command (a drag as one).
 */
export function Canvas({
  overlays,
  readOnly,
}: {
  overlays: ReadonlyMap<string, StepOverlay>;
  readOnly: boolean;
}) {
  const store = useEditorStore();
  const flow = useReactFlow();
  // Zoomed far out, a card's small print is unreadable: hidden, it costs nothing to draw (see globals.css).
  const isFar = useFlowStore((s) => s.transform[2] < FAR_ZOOM);
  const document = useEditor((s) => s.document);
  const selectedNodeIds = useEditor((s) => s.selectedNodeIds);
  const selectedEdgeIds = useEditor((s) => s.selectedEdgeIds);
  const diagnostics = useEditor((s) => s.diagnostics);
  // Fit a workflow that has nodes; an empty canvas opens at 100 % rather than zoomed onto its first node.
  const [opensEmpty] = useState(() => store.getState().document.nodes.length === 0);

  const problems = useMemo(() => {
    const byNode = new Map<string, { errors: string[]; warnings: string[] }>();
    const badEdges = new Set<string>();
    for (const d of diagnostics) {
      if (d.edgeId) badEdges.add(d.edgeId);
      if (!d.nodeId) continue;
      const entry = byNode.get(d.nodeId) ?? { errors: [], warnings: [] };
      (d.severity === "error" ? entry.errors : entry.warnings).push(d.message);
      byNode.set(d.nodeId, entry);
    }
    return { byNode, badEdges };
  }, [diagnostics]);

  // Nodes whose inputs did not change keep their object, so React Flow redraws only what moved.
  const [cache] = useState(
    () =>
      new WeakMap<
        WorkflowNode,
        { selected: boolean; problems: unknown; overlay: unknown; drawn: CanvasNode }
      >(),
  );
  const nodes = useMemo(() => {
    const selected = new Set(selectedNodeIds);
    return document.nodes.map((node) => {
      const isSelected = selected.has(node.id);
      const nodeProblems = problems.byNode.get(node.id);
      const overlay = overlays.get(node.id);
      const hit = cache.get(node);
      if (
        hit &&
        hit.selected === isSelected &&
        hit.problems === nodeProblems &&
        hit.overlay === overlay
      )
        return hit.drawn;
      const drawn: CanvasNode = {
        id: node.id,
        type: "workflow",
        position: node.position ?? { x: 0, y: 0 },
        selected: isSelected,
        width: NODE_WIDTH,
        height: nodeHeight(node),
        data: {
          node,
          errors: nodeProblems?.errors ?? [],
          warnings: nodeProblems?.warnings ?? [],
          overlay,
        },
      };
      cache.set(node, { selected: isSelected, problems: nodeProblems, overlay, drawn });
      return drawn;
    });
  }, [document.nodes, selectedNodeIds, problems, overlays, cache]);

  const edges = useMemo(() => {
    const selected = new Set(selectedEdgeIds);
    return document.edges.map((edge): Edge => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      sourceHandle: edge.sourcePort,
      targetHandle: edge.targetPort,
      selected: selected.has(edge.id),
      animated: overlays.get(edge.source)?.status === "running",
      className: problems.badEdges.has(edge.id) ? "edge-problem" : undefined,
      style: problems.badEdges.has(edge.id) ? { stroke: "var(--danger)" } : undefined,
    }));
  }, [document.edges, selectedEdgeIds, problems, overlays]);

  // Pointer moves come faster than frames: a drag's moves are kept here and given to the store once
  // per animation frame, so a 1,000-node canvas re-renders at most once a frame.
  const pendingDrag = useRef<{ positions: Map<string, Position>; frame: number } | null>(null);
  const flushDrag = useCallback(() => {
    const pending = pendingDrag.current;
    if (!pending) return;
    pendingDrag.current = null;
    cancelAnimationFrame(pending.frame);
    store.getState().dragNodes(pending.positions);
  }, [store]);
  const endDrag = useCallback(() => {
    flushDrag();
    store.getState().endDrag();
  }, [flushDrag, store]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const state = store.getState();
      const dragged = new Map<string, Position>();
      const nudged = new Map<string, Position>();
      let selection: Set<string> | null = null;
      for (const change of changes) {
        if (change.type === "position" && change.position) {
          // A drag's last move comes with dragging: false; it still belongs to the drag.
          const isDrag =
            change.dragging || pendingDrag.current !== null || state.dragStart !== null;
          (isDrag ? dragged : nudged).set(change.id, change.position);
        }
        if (change.type === "select") {
          selection ??= new Set(state.selectedNodeIds);
          if (change.selected) selection.add(change.id);
          else selection.delete(change.id);
        }
      }
      if (dragged.size) {
        if (!pendingDrag.current)
          pendingDrag.current = { positions: new Map(), frame: requestAnimationFrame(flushDrag) };
        for (const [id, to] of dragged) pendingDrag.current.positions.set(id, to);
      }
      // Moved with the arrow keys (not a drag): one step per press.
      if (nudged.size) state.run(moveNodes(nudged));
      if (selection) state.select([...selection], store.getState().selectedEdgeIds);
    },
    [store, flushDrag],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const state = store.getState();
      let selection: Set<string> | null = null;
      for (const change of changes) {
        if (change.type !== "select") continue;
        selection ??= new Set(state.selectedEdgeIds);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      }
      if (selection) state.select(store.getState().selectedNodeIds, [...selection]);
    },
    [store],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (connectionProblem(store.getState().document, c)) return;
      store.getState().run(
        connectPorts({
          source: c.source,
          sourcePort: c.sourceHandle ?? "out",
          target: c.target,
          targetPort: c.targetHandle ?? "in",
        }),
      );
    },
    [store],
  );
  const isValidConnection: IsValidConnection = useCallback(
    (c) =>
      connectionProblem(store.getState().document, {
        ...c,
        sourceHandle: c.sourceHandle ?? null,
        targetHandle: c.targetHandle ?? null,
      }) === null,
    [store],
  );

  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(PALETTE_MIME) as NodeKind;
      if (!kind) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const state = store.getState();
      const id = freeNodeId(new Set(state.document.nodes.map((n) => n.id)), kind);
      state.run(addNode(kind, { x: at.x - NODE_WIDTH / 2, y: at.y - 30 }, id), { nodes: [id] });
    },
    [flow, store],
  );

  return (
    <div
      className={isFar ? "canvas-far size-full" : "size-full"}
      onDragOver={(e) => e.dataTransfer.types.includes(PALETTE_MIME) && e.preventDefault()}
      onDrop={onDrop}
    >
      <ReactFlow<CanvasNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={endDrag}
        onSelectionDragStop={endDrag}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        deleteKeyCode={null}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={["Meta", "Control"]}
        onlyRenderVisibleElements
        // Below a fifth the cards are unreadable; the overview map shows the whole workflow instead.
        minZoom={0.2}
        fitView={!opensEmpty}
        fitViewOptions={{ maxZoom: 1, padding: 0.15 }}
        aria-label="Workflow canvas"
      >
        <Background gap={20} />
        <OverviewMap />
        <Controls />
      </ReactFlow>
    </div>
  );
}
