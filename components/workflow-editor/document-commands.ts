import type { Draft } from "immer";
import { NODE_KIND_REGISTRY } from "@/components/shared/node-kinds";
import type { NodeKind } from "@/engine/schema/node-config";
import type {
  WorkflowDocument,
  WorkflowEdge,
  WorkflowNode,
} from "@/engine/schema/workflow-document";

/**
 * The edits the canvas makes to a workflow document, each a named command: a label (what undo and
 * redo say) and a recipe that changes an immer draft. The editor store turns a recipe into patches
 * and their inverse, so every command is undoable without writing its undo by hand.
 */
export interface Command {
  label: string;
  apply: (doc: Draft<WorkflowDocument>) => void;
}

export type Position = { x: number; y: number };

/** What a node kind is called on the palette, in undo labels and on the node. */
/**
 * A node id not used in the document: the kind itself, then `kind-2`, `kind-3`… (ids double as
 * step names in bindings such as `{{steps.agent-2.output}}`, so short readable ones matter).
 */
export function freeNodeId(taken: ReadonlySet<string>, base: string): string {
  const stem = /^[A-Za-z]/.test(base)
    ? base.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 56)
    : `n-${base}`;
  if (!taken.has(stem)) return stem;
  const plain = stem.replace(/-\d+$/, "");
  for (let n = 2; ; n++) if (!taken.has(`${plain}-${n}`)) return `${plain}-${n}`;
}

const edgeIdOf = (edge: Omit<WorkflowEdge, "id">) =>
  edge.sourcePort === "out"
    ? `${edge.source}->${edge.target}`
    : `${edge.source}.${edge.sourcePort}->${edge.target}`;

export function addNode(kind: NodeKind, position: Position, id: string): Command {
  return {
    label: `Add ${NODE_KIND_REGISTRY[kind].label}`,
    apply: (doc) => {
      doc.nodes.push({ id, kind, config: {}, position: roundPosition(position) } as WorkflowNode);
    },
  };
}

/** Changes a node's label, settings or policy (what the inspector edits); `undefined` clears a field. */
export function updateNode(
  id: string,
  patch: Partial<Pick<WorkflowNode, "label" | "config" | "policy">>,
  label = "Edit node",
): Command {
  return {
    label,
    apply: (doc) => {
      const node = doc.nodes.find((n) => n.id === id);
      if (!node) return;
      for (const [key, value] of Object.entries(patch) as [keyof typeof patch, unknown][]) {
        if (value === undefined) delete (node as Record<string, unknown>)[key];
        else (node as Record<string, unknown>)[key] = value;
      }
    },
  };
}

/** Connects two ports; connecting what is already connected changes nothing. */
export function connectPorts(edge: Omit<WorkflowEdge, "id">): Command {
  return {
    label: "Connect",
    apply: (doc) => {
      const exists = doc.edges.some(
        (e) =>
          e.source === edge.source &&
          e.sourcePort === edge.sourcePort &&
          e.target === edge.target &&
          e.targetPort === edge.targetPort,
      );
      if (exists) return;
      const taken = new Set(doc.edges.map((e) => e.id));
      let id = edgeIdOf(edge);
      for (let n = 2; taken.has(id); n++) id = `${edgeIdOf(edge)}#${n}`;
      doc.edges.push({ id, ...edge });
    },
  };
}

/** Deletes nodes (with every edge touching them) and edges. */
export function deleteElements(nodeIds: readonly string[], edgeIds: readonly string[]): Command {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const what = [
    nodes.size && plural(nodes.size, "node"),
    edges.size && plural(edges.size, "connection"),
  ]
    .filter(Boolean)
    .join(" and ");
  return {
    label: `Delete ${what}`,
    apply: (doc) => {
      doc.nodes = doc.nodes.filter((n) => !nodes.has(n.id));
      doc.edges = doc.edges.filter(
        (e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target),
      );
    },
  };
}

/** Puts nodes at new places: a finished drag, or an auto-layout. */
export function moveNodes(positions: ReadonlyMap<string, Position>, label = "Move"): Command {
  return {
    label,
    apply: (doc) => {
      for (const node of doc.nodes) {
        const to = positions.get(node.id);
        if (to && (node.position?.x !== Math.round(to.x) || node.position?.y !== Math.round(to.y)))
          node.position = roundPosition(to);
      }
    },
  };
}

export function updateSettings(settings: WorkflowDocument["settings"]): Command {
  return {
    label: "Edit workflow settings",
    apply: (doc) => {
      if (settings === undefined) delete doc.settings;
      else doc.settings = settings;
    },
  };
}

const roundPosition = (p: Position): Position => ({ x: Math.round(p.x), y: Math.round(p.y) });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Replaces the whole workflow (a restored version), as one step that undo takes back. */
export function replaceDocument(next: WorkflowDocument, label: string): Command {
  return {
    label,
    apply: (doc) => {
      doc.nodes = next.nodes as typeof doc.nodes;
      doc.edges = next.edges;
      if (next.settings === undefined) delete doc.settings;
      else doc.settings = next.settings;
    },
  };
}
