"use client";

import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import {
  ArrowDownToLine,
  ArrowUpFromLine,
  Bot,
  Combine,
  GitBranch,
  GitFork,
  Network,
  RefreshCcw,
  Shuffle,
  Sparkles,
  Split,
  UserCheck,
  Users,
  Wrench,
  type LucideIcon,
} from "lucide-react";
import { memo } from "react";
import { cn } from "@/components/ui/cn";
import type { NodeKind } from "@/engine/schema/node-config";
import { listNodePorts } from "@/engine/schema/node-ports";
import type { WorkflowNode } from "@/engine/schema/workflow-document";
import { KIND_LABELS } from "./document-commands";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout";

export const KIND_ICONS: Record<NodeKind, LucideIcon> = {
  input: ArrowDownToLine,
  agent: Bot,
  tool: Wrench,
  llm: Sparkles,
  router: Split,
  parallel: GitFork,
  join: Combine,
  orchestrator: Network,
  "evaluator-optimizer": RefreshCcw,
  swarm: Users,
  condition: GitBranch,
  transform: Shuffle,
  "human-approval": UserCheck,
  output: ArrowUpFromLine,
};

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

const clip = (text: string | undefined, length = 60) =>
  text && text.length > length ? `${text.slice(0, length - 1)}…` : (text ?? "");

/** The one or two settings that say what a node does, shown on its card. */
export function summarizeNode(node: WorkflowNode): string {
  switch (node.kind) {
    case "input":
      return Object.keys(node.config.schema?.properties ?? {}).join(", ") || "No fields";
    case "agent":
      return (
        clip(
          [node.config.mcpServers?.join(", "), node.config.instructions]
            .filter(Boolean)
            .join(" · "),
        ) || "Not configured"
      );
    case "tool":
      return node.config.server || node.config.tool
        ? `${node.config.server ?? "?"} › ${node.config.tool ?? "?"}`
        : "No tool chosen";
    case "llm":
      return clip(node.config.prompt) || "No prompt";
    case "router":
      return (node.config.branches ?? []).map((b) => b.name).join(" | ") || "No branches";
    case "join":
      return node.config.aggregator ?? "concat";
    case "orchestrator":
    case "evaluator-optimizer":
    case "swarm":
      return clip(node.config.task) || "No task";
    case "condition":
      return clip(node.config.when) || "No rule";
    case "transform":
      return node.config.template === undefined
        ? "No template"
        : clip(JSON.stringify(node.config.template));
    case "human-approval":
      return clip(node.config.message) || "Approval";
    case "output":
      return node.config.name ?? "result";
    case "parallel":
      return "Fans out to every branch";
  }
}

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
  const Icon = KIND_ICONS[node.kind];
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
        <Icon className="size-3.5" aria-hidden />
        <span>{KIND_LABELS[node.kind]}</span>
        <span className="ml-auto font-mono">{node.id}</span>
      </div>
      <div className="truncate text-sm font-medium">{node.label || KIND_LABELS[node.kind]}</div>
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
