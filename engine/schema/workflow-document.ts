import { z } from "zod";
import { NodeConfigSchemas, RetryPolicyInputSchema, type NodeKind } from "./node-config";

export const CURRENT_DOCUMENT_VERSION = 2;

/** Ids double as step ids in bindings (`{{steps.<id>.output}}`), so they must read as a path segment. */
export const NodeIdSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    "Node ids start with a letter and use only letters, digits, - and _",
  );

export const NodePolicySchema = z.object({
  timeoutMs: z.int().min(1).max(3_600_000).optional(),
  retry: RetryPolicyInputSchema.optional(),
  /** A node with no edges that runs instead of this one when it fails after its retries. */
  fallback: NodeIdSchema.optional(),
  /**
   * The node's call must not be sent twice (a payment, an e-mail): if its worker stops while it
   * runs, the resumed run waits for a person to retry, skip or fail it instead of repeating it.
   */
  notSafeToRepeat: z.boolean().optional(),
});

const nodeBase = {
  id: NodeIdSchema,
  label: z.string().optional(),
  position: z.object({ x: z.number(), y: z.number() }).optional(),
  policy: NodePolicySchema.optional(),
};

function defineNode<K extends NodeKind, C extends z.ZodObject>(kind: K, config: C) {
  return z.object({
    ...nodeBase,
    kind: z.literal(kind),
    config: config.prefault(() => ({}) as z.input<C>),
  });
}

// Object keys (not view state such as `selected`, `dragging` or the viewport) are an allowlist:
// z.object strips anything it does not name, so view state never reaches the saved document.
export const WorkflowNodeSchema = z.discriminatedUnion("kind", [
  defineNode("input", NodeConfigSchemas["input"]),
  defineNode("agent", NodeConfigSchemas["agent"]),
  defineNode("tool", NodeConfigSchemas["tool"]),
  defineNode("llm", NodeConfigSchemas["llm"]),
  defineNode("router", NodeConfigSchemas["router"]),
  defineNode("parallel", NodeConfigSchemas["parallel"]),
  defineNode("join", NodeConfigSchemas["join"]),
  defineNode("orchestrator", NodeConfigSchemas["orchestrator"]),
  defineNode("evaluator-optimizer", NodeConfigSchemas["evaluator-optimizer"]),
  defineNode("swarm", NodeConfigSchemas["swarm"]),
  defineNode("condition", NodeConfigSchemas["condition"]),
  defineNode("transform", NodeConfigSchemas["transform"]),
  defineNode("human-approval", NodeConfigSchemas["human-approval"]),
  defineNode("output", NodeConfigSchemas["output"]),
]);

export const WorkflowEdgeSchema = z.object({
  id: z.string().min(1),
  source: z.string(),
  sourcePort: z.string().default("out"),
  target: z.string(),
  targetPort: z.string().default("in"),
});

export const WorkflowSettingsSchema = z.object({
  /** Most steps (and orchestrator workers) running at once in one run. */
  concurrency: z.int().min(1).max(64).optional(),
  /** Timeout for steps that call an LLM or a tool, unless the node sets its own. */
  defaultTimeoutMs: z.int().min(1).max(3_600_000).optional(),
  retry: RetryPolicyInputSchema.optional(),
});

export const WorkflowDocumentSchema = z.object({
  version: z.literal(CURRENT_DOCUMENT_VERSION),
  name: z.string().optional(),
  description: z.string().optional(),
  settings: WorkflowSettingsSchema.optional(),
  nodes: z.array(WorkflowNodeSchema).default([]),
  edges: z.array(WorkflowEdgeSchema).default([]),
});

export type WorkflowDocument = z.output<typeof WorkflowDocumentSchema>;
/** What a caller may write: ports and config may be left out and take their defaults. */
export type WorkflowDocumentInput = z.input<typeof WorkflowDocumentSchema>;
export type WorkflowNode = z.output<typeof WorkflowNodeSchema>;
export type WorkflowEdge = z.output<typeof WorkflowEdgeSchema>;
export type NodeOfKind<K extends NodeKind> = Extract<WorkflowNode, { kind: K }>;
