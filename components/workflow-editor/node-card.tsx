"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import { nodeKindInfo, summarizeNode } from "@/components/shared/node-kinds";
import { cn } from "@/components/ui/cn";
import { listNodePorts } from "@/engine/schema/node-ports";
import type { WorkflowNode } from "@/engine/schema/workflow-document";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout";

/** How a step of the last run stands, drawn over its node. */
export interface StepOverlay {
  status: "pending" | "queued" | "running" | "completed" | "failed" | "skipped" | "waiting";
  tokens: number;
  durationMs: number | null;
}

export type CanvasNodeData = {
  node: WorkflowNode;
  errors: string[];
  warnings: string[];
  overlay?: StepOverlay;
};
export type CanvasNode = Node<CanvasNodeData, "workflow">;

const STATUS_STYLES: Record<StepOverlay["status"], string> = {
  pending: "",
  queued: "ring-2 ring-muted-foreground/40",
  running: "ring-2 ring-sky-500 animate-pulse",
  completed: "ring-2 ring-emerald-500",
  failed: "ring-2 ring-danger",
  skipped: "opacity-60",
  waiting: "ring-2 ring-amber-500",
};

/** A node's height: tall enough for its output ports (a router with many branches grows). */
export function nodeHeight(node: WorkflowNode): number {
  return Math.max(NODE_HEIGHT, 28 + listNodePorts(node).outputs.length * 22);
}

function NodeCardView({ data, selected }: NodeProps<CanvasNode>) {
  const { node, errors, warnings, overlay } = data;
  const info = nodeKindInfo(node.kind);
  const Icon = info.icon;
  const ports = listNodePorts(node);
  const height = nodeHeight(node);
  const named = ports.outputs.length > 1;
  return (
    <div
      data-testid={`node-${node.id}`}
      data-status={overlay?.status}
      data-problems={errors.length ? "error" : warnings.length ? "warning" : undefined}
      style={{ width: NODE_WIDTH, height }}
      className={cn(
        "relative flex flex-col gap-1 rounded-lg border bg-card px-3 py-2 text-left shadow-sm",
        selected && "outline-2 outline-primary",
        errors.length ? "border-danger" : warnings.length ? "border-amber-500" : "",
        overlay && STATUS_STYLES[overlay.status],
      )}
      title={[...errors, ...warnings].join("\n") || undefined}
    >
      {ports.inputs.map((port) => (
        <Handle
          key={port.name}
          id={port.name}
          type="target"
          position={Position.Left}
          className="!size-3 !bg-muted-foreground"
        />
      ))}
      <div className="node-detail flex items-center gap-2 text-xs text-muted-foreground">
        <Icon className={cn("size-3.5", info.colour)} aria-hidden />
        <span>{info.label}</span>
        <span className="ml-auto font-mono">{node.id}</span>
      </div>
      <div className="truncate text-sm font-medium">{node.label || info.label}</div>
      <div
        className={cn("node-detail line-clamp-2 text-xs text-muted-foreground", named && "pr-16")}
      >
        {summarizeNode(node)}
      </div>
      {errors.length || warnings.length ? (
        <div
          className={cn(
            "absolute -top-2.5 right-2 rounded-full px-1.5 text-[10px] font-medium text-white",
            errors.length ? "bg-danger" : "bg-amber-500",
          )}
        >
          {errors.length
            ? `${errors.length} error${errors.length > 1 ? "s" : ""}`
            : `${warnings.length} warning${warnings.length > 1 ? "s" : ""}`}
        </div>
      ) : null}
      {overlay && overlay.status !== "pending" ? (
        <div className="absolute -bottom-2.5 left-2 flex gap-1 text-[10px]">
          <span className="rounded-full bg-muted px-1.5">{overlay.status}</span>
          {overlay.durationMs !== null ? (
            <span className="rounded-full bg-muted px-1.5">
              {(overlay.durationMs / 1000).toFixed(1)} s
            </span>
          ) : null}
          {overlay.tokens ? (
            <span className="rounded-full bg-muted px-1.5">{overlay.tokens} tok</span>
          ) : null}
        </div>
      ) : null}
      {ports.outputs.map((port, index) => {
        const top = named ? 28 + index * 22 : height / 2;
        return (
          <div key={port.name}>
            {named ? (
              <span
                className="node-detail absolute right-3 -translate-y-1/2 text-[10px] text-muted-foreground"
                style={{ top }}
              >
                {port.name}
              </span>
            ) : null}
            <Handle
              id={port.name}
              type="source"
              position={Position.Right}
              style={{ top }}
              className="!size-3 !bg-primary"
            />
          </div>
        );
      })}
    </div>
  );
}

export const NodeCard = memo(NodeCardView);
