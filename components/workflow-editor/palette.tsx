"use client";

import { useReactFlow } from "@xyflow/react";
import { NODE_KINDS, type NodeKind } from "@/engine/schema/node-config";
import { PALETTE_MIME } from "./canvas";
import { addNode, freeNodeId, KIND_LABELS } from "./document-commands";
import { useEditorStore } from "./editor-context";
import { NODE_WIDTH } from "./layout";
import { KIND_ICONS } from "./node-card";

const DESCRIPTIONS: Record<NodeKind, string> = {
  input: "What a run starts with",
  agent: "An LLM that uses MCP tools",
  tool: "One MCP tool call",
  llm: "One prompt to a model",
  router: "Picks one branch",
  parallel: "Runs branches at once",
  join: "Gathers branches",
  orchestrator: "Plans work for worker agents",
  "evaluator-optimizer": "Drafts and refines until good",
  swarm: "Agents that hand off",
  condition: "If / else",
  transform: "Reshapes data",
  "human-approval": "Waits for a person",
  output: "What a run returns",
};

/** Node kinds to drag onto the canvas; a click (or Enter) drops one in the middle of the view. */
export function Palette() {
  const store = useEditorStore();
  const flow = useReactFlow();
  const add = (kind: NodeKind) => {
    const bounds = document.querySelector(".react-flow")?.getBoundingClientRect();
    const center = bounds
      ? flow.screenToFlowPosition({
          x: bounds.left + bounds.width / 2,
          y: bounds.top + bounds.height / 2,
        })
      : { x: 0, y: 0 };
    const state = store.getState();
    // Nodes added one after another from the palette step aside instead of piling up.
    const offset = (state.document.nodes.length % 5) * 24;
    const id = freeNodeId(new Set(state.document.nodes.map((n) => n.id)), kind);
    state.run(
      addNode(kind, { x: center.x - NODE_WIDTH / 2 + offset, y: center.y - 40 + offset }, id),
      { nodes: [id] },
    );
  };
  return (
    <nav aria-label="Node palette" className="flex h-full flex-col gap-1 overflow-y-auto p-2">
      <h2 className="px-1 pb-1 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        Nodes
      </h2>
      {NODE_KINDS.map((kind) => {
        const Icon = KIND_ICONS[kind];
        return (
          <button
            key={kind}
            type="button"
            draggable
            data-kind={kind}
            onDragStart={(event) => {
              event.dataTransfer.setData(PALETTE_MIME, kind);
              event.dataTransfer.effectAllowed = "copy";
            }}
            onClick={() => add(kind)}
            className="flex items-center gap-2 rounded-md border bg-card px-2 py-1 text-left hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
            title={`Drag onto the canvas, or click to add: ${DESCRIPTIONS[kind]}`}
          >
            <Icon className="size-4 shrink-0 text-muted-foreground" aria-hidden />
            <span>
              <span className="block text-sm font-medium">{KIND_LABELS[kind]}</span>
              <span className="sr-only">: {DESCRIPTIONS[kind]}</span>
            </span>
          </button>
        );
      })}
    </nav>
  );
}
