"use client";

import { useReactFlow } from "@xyflow/react";
import { NODE_KIND_LIST } from "@/components/shared/node-kinds";
import { cn } from "@/components/ui/cn";
import type { NodeKind } from "@/engine/schema/node-config";
import { PALETTE_MIME } from "./canvas";
import { addNode, freeNodeId } from "./document-commands";
import { useEditorStore } from "./editor-context";
import { NODE_WIDTH } from "./layout";

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
      {NODE_KIND_LIST.map(({ kind, label, description, icon: Icon, colour }) => {
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
            title={`Drag onto the canvas, or click to add: ${description}`}
          >
            <Icon className={cn("size-4 shrink-0", colour)} aria-hidden />
            <span>
              <span className="block text-sm font-medium">{label}</span>
              <span className="sr-only">: {description}</span>
            </span>
          </button>
        );
      })}
    </nav>
  );
}
