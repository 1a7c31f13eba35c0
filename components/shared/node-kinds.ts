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
import type { z } from "zod";
import { NODE_KINDS, NodeConfigSchemas, type NodeKind } from "@/engine/schema/node-config";
import type { WorkflowNode } from "@/engine/schema/workflow-document";

/** A family of kinds shares a colour, so a canvas reads at a glance. */
const COLOURS = {
  io: "text-sky-600 dark:text-sky-400",
  model: "text-violet-600 dark:text-violet-400",
  tool: "text-amber-600 dark:text-amber-400",
  flow: "text-emerald-600 dark:text-emerald-400",
  team: "text-fuchsia-600 dark:text-fuchsia-400",
  data: "text-teal-600 dark:text-teal-400",
  person: "text-rose-600 dark:text-rose-400",
} as const;

type NodeOf<K extends NodeKind> = Extract<WorkflowNode, { kind: K }>;

/** What the UI knows about one node kind. */
export interface NodeKindInfo<K extends NodeKind = NodeKind> {
  kind: K;
  /** Its name in the palette, on cards, in the inspector and in proposals ("Human approval"). */
  label: string;
  /** One line: what it does, in the palette and for screen readers. */
  description: string;
  icon: LucideIcon;
  /** A Tailwind text colour for its icon. */
  colour: string;
  /** The engine's zod schema of its settings: the inspector's form is generated from it. */
  configSchema: (typeof NodeConfigSchemas)[K];
  /** The one or two settings that say what a node of this kind does, shown on its card. */
  summarize: (node: NodeOf<K>) => string;
}

const clip = (text: string | undefined, length = 60) =>
  text && text.length > length ? `${text.slice(0, length - 1)}…` : (text ?? "");

const taskOf = (node: { config: { task?: string } }) => clip(node.config.task) || "No task";

/**
 * Every node kind's label, description, icon, colour, config schema and card summary: the one
 * place the palette, node cards, inspector and the planner's proposal view read. The engine owns
 * the kinds (`NODE_KINDS`, `NodeConfigSchemas`); a record over every kind makes TypeScript ask
 * for an entry when one is added.
 * @example NODE_KIND_REGISTRY["human-approval"].label // → "Human approval"
 */
export const NODE_KIND_REGISTRY: { [K in NodeKind]: NodeKindInfo<K> } = {
  input: {
    kind: "input",
    label: "Input",
    description: "What a run starts with",
    icon: ArrowDownToLine,
    colour: COLOURS.io,
    configSchema: NodeConfigSchemas.input,
    summarize: (node) =>
      Object.keys(node.config.schema?.properties ?? {}).join(", ") || "No fields",
  },
  agent: {
    kind: "agent",
    label: "Agent",
    description: "An LLM that uses MCP tools",
    icon: Bot,
    colour: COLOURS.model,
    configSchema: NodeConfigSchemas.agent,
    summarize: (node) =>
      clip(
        [node.config.mcpServers?.join(", "), node.config.instructions].filter(Boolean).join(" · "),
      ) || "Not configured",
  },
  tool: {
    kind: "tool",
    label: "Tool",
    description: "One MCP tool call",
    icon: Wrench,
    colour: COLOURS.tool,
    configSchema: NodeConfigSchemas.tool,
    summarize: (node) =>
      node.config.server || node.config.tool
        ? `${node.config.server ?? "?"} › ${node.config.tool ?? "?"}`
        : "No tool chosen",
  },
  llm: {
    kind: "llm",
    label: "LLM",
    description: "One prompt to a model",
    icon: Sparkles,
    colour: COLOURS.model,
    configSchema: NodeConfigSchemas.llm,
    summarize: (node) => clip(node.config.prompt) || "No prompt",
  },
  router: {
    kind: "router",
    label: "Router",
    description: "Picks one branch",
    icon: Split,
    colour: COLOURS.flow,
    configSchema: NodeConfigSchemas.router,
    summarize: (node) =>
      (node.config.branches ?? []).map((b) => b.name).join(" | ") || "No branches",
  },
  parallel: {
    kind: "parallel",
    label: "Parallel",
    description: "Runs branches at once",
    icon: GitFork,
    colour: COLOURS.flow,
    configSchema: NodeConfigSchemas.parallel,
    summarize: () => "Fans out to every branch",
  },
  join: {
    kind: "join",
    label: "Join",
    description: "Gathers branches",
    icon: Combine,
    colour: COLOURS.flow,
    configSchema: NodeConfigSchemas.join,
    summarize: (node) => node.config.aggregator ?? "concat",
  },
  orchestrator: {
    kind: "orchestrator",
    label: "Orchestrator",
    description: "Plans work for worker agents",
    icon: Network,
    colour: COLOURS.team,
    configSchema: NodeConfigSchemas.orchestrator,
    summarize: taskOf,
  },
  "evaluator-optimizer": {
    kind: "evaluator-optimizer",
    label: "Evaluator–optimizer",
    description: "Drafts and refines until good",
    icon: RefreshCcw,
    colour: COLOURS.team,
    configSchema: NodeConfigSchemas["evaluator-optimizer"],
    summarize: taskOf,
  },
  swarm: {
    kind: "swarm",
    label: "Swarm",
    description: "Agents that hand off",
    icon: Users,
    colour: COLOURS.team,
    configSchema: NodeConfigSchemas.swarm,
    summarize: taskOf,
  },
  condition: {
    kind: "condition",
    label: "Condition",
    description: "If / else",
    icon: GitBranch,
    colour: COLOURS.flow,
    configSchema: NodeConfigSchemas.condition,
    summarize: (node) => clip(node.config.when) || "No rule",
  },
  transform: {
    kind: "transform",
    label: "Transform",
    description: "Reshapes data",
    icon: Shuffle,
    colour: COLOURS.data,
    configSchema: NodeConfigSchemas.transform,
    summarize: (node) =>
      node.config.template === undefined
        ? "No template"
        : clip(JSON.stringify(node.config.template)),
  },
  "human-approval": {
    kind: "human-approval",
    label: "Human approval",
    description: "Waits for a person",
    icon: UserCheck,
    colour: COLOURS.person,
    configSchema: NodeConfigSchemas["human-approval"],
    summarize: (node) => clip(node.config.message) || "Approval",
  },
  output: {
    kind: "output",
    label: "Output",
    description: "What a run returns",
    icon: ArrowUpFromLine,
    colour: COLOURS.io,
    configSchema: NodeConfigSchemas.output,
    summarize: (node) => node.config.name ?? "result",
  },
};

/** Every kind's entry, in the engine's order (the palette's). */
export const NODE_KIND_LIST: readonly NodeKindInfo[] = NODE_KINDS.map(
  (kind) => NODE_KIND_REGISTRY[kind] as NodeKindInfo,
);

/** A kind's entry, for code that holds a kind of any sort. */
export function nodeKindInfo(kind: NodeKind): NodeKindInfo {
  return NODE_KIND_REGISTRY[kind] as NodeKindInfo;
}

/** The card summary of a node of any kind. */
export function summarizeNode(node: WorkflowNode): string {
  return (NODE_KIND_REGISTRY[node.kind].summarize as (node: WorkflowNode) => string)(node);
}

/** The inspector's form schema for a kind. */
export function configSchemaOf(kind: NodeKind): z.ZodObject {
  return NODE_KIND_REGISTRY[kind].configSchema as unknown as z.ZodObject;
}
