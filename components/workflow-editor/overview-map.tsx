"use client";

import { Panel, useReactFlow, useStore as useFlowStore } from "@xyflow/react";
import { useMemo, useRef, type PointerEvent, type WheelEvent } from "react";
import type { WorkflowNode } from "@/engine/schema/workflow-document";
import { useEditor } from "./editor-context";
import { NODE_WIDTH } from "./layout";
import { nodeHeight } from "./node-card";

const MAP = { width: 200, height: 140 };
const PAD = 40;

/** The workflow's bounding box, in flow coordinates. */
function boundsOf(nodes: readonly WorkflowNode[]) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const node of nodes) {
    const { x, y } = node.position ?? { x: 0, y: 0 };
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + NODE_WIDTH);
    maxY = Math.max(maxY, y + nodeHeight(node));
  }
  return nodes.length
    ? { x: minX, y: minY, width: maxX - minX, height: maxY - minY }
    : { x: 0, y: 0, width: 1, height: 1 };
}

/**
 * The overview map: every node as one SVG path drawn from the editor store (React Flow's MiniMap
 * draws and subscribes one element per node, which costs a 1,000-node canvas most of each frame
 * during a drag), the visible area as a frame, click or drag to pan, wheel to zoom.
 */
export function OverviewMap() {
  const flow = useReactFlow();
  const nodes = useEditor((s) => s.document.nodes);
  const [tx, ty, zoom] = useFlowStore((s) => s.transform);
  const paneWidth = useFlowStore((s) => s.width);
  const paneHeight = useFlowStore((s) => s.height);
  const dragging = useRef(false);

  const nodeBounds = useMemo(() => boundsOf(nodes), [nodes]);
  const path = useMemo(
    () =>
      nodes
        .map((node) => {
          const { x, y } = node.position ?? { x: 0, y: 0 };
          return `M${Math.round(x)} ${Math.round(y)}h${NODE_WIDTH}v${nodeHeight(node)}h${-NODE_WIDTH}z`;
        })
        .join(""),
    [nodes],
  );

  const visible = {
    x: -tx / zoom,
    y: -ty / zoom,
    width: paneWidth / zoom,
    height: paneHeight / zoom,
  };
  // The map shows the nodes and the visible area together, keeping the map's aspect ratio.
  const left = Math.min(nodeBounds.x, visible.x) - PAD;
  const top = Math.min(nodeBounds.y, visible.y) - PAD;
  const right = Math.max(nodeBounds.x + nodeBounds.width, visible.x + visible.width) + PAD;
  const bottom = Math.max(nodeBounds.y + nodeBounds.height, visible.y + visible.height) + PAD;
  const scale = Math.max((right - left) / MAP.width, (bottom - top) / MAP.height);
  const view = {
    x: (left + right) / 2 - (MAP.width * scale) / 2,
    y: (top + bottom) / 2 - (MAP.height * scale) / 2,
    width: MAP.width * scale,
    height: MAP.height * scale,
  };

  const centreAt = (event: PointerEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = view.x + ((event.clientX - rect.left) / rect.width) * view.width;
    const y = view.y + ((event.clientY - rect.top) / rect.height) * view.height;
    void flow.setCenter(x, y, { zoom });
  };
  const onWheel = (event: WheelEvent<SVGSVGElement>) => {
    const next = Math.min(2, Math.max(0.2, zoom * 2 ** (-event.deltaY * 0.002)));
    void flow.setCenter(visible.x + visible.width / 2, visible.y + visible.height / 2, {
      zoom: next,
    });
  };

  return (
    <Panel position="bottom-right" className="rounded-md border border-border bg-card shadow-sm">
      <svg
        role="img"
        aria-label="Mini map"
        width={MAP.width}
        height={MAP.height}
        viewBox={`${view.x} ${view.y} ${view.width} ${view.height}`}
        className="block cursor-grab touch-none"
        onPointerDown={(event) => {
          dragging.current = true;
          event.currentTarget.setPointerCapture(event.pointerId);
          centreAt(event);
        }}
        onPointerMove={(event) => dragging.current && centreAt(event)}
        onPointerUp={() => (dragging.current = false)}
        onWheel={onWheel}
      >
        <path d={path} fill="var(--muted-foreground)" fillOpacity={0.5} />
        <rect
          x={visible.x}
          y={visible.y}
          width={visible.width}
          height={visible.height}
          fill="var(--primary)"
          fillOpacity={0.08}
          stroke="var(--primary)"
          strokeWidth={2 * scale}
        />
      </svg>
    </Panel>
  );
}
