import { z } from "zod";
import { toInvalidInput } from "./invalid-input";
import { JsonSchemaSchema } from "./json-schema";

/**
 * The plan: what the compiler emits and the runtime executes. Unlike the document, every field is
 * present (null when unset), so a plan is complete, deterministic JSON that golden tests can pin.
 * Bump PLAN_VERSION when a change would make an older runtime misread a newer plan.
 */
export const PLAN_VERSION = 1;

const text = z.string().min(1);
const nullableText = z.string().nullable();

export const RetryPolicySchema = z.object({
  /** Attempts in total, the first included: 1 means no retry. */
  maxAttempts: z.int().min(1),
  initialDelayMs: z.int().min(0),
  factor: z.number().min(1),
  maxDelayMs: z.int().min(0),
});

const agentSettings = {
  instructions: text,
  model: nullableText,
  mcpServers: z.array(z.string()),
  allowedTools: z.array(z.string()).nullable(),
  maxSteps: z.int().min(1),
};
export const AgentSettingsPlanSchema = z.object(agentSettings);
const modelPrompt = z.object({ instructions: text, model: nullableText });

export const StepConfigSchemas = {
  input: z.object({ schema: JsonSchemaSchema.nullable() }),
  agent: z.object({ ...agentSettings, prompt: nullableText }),
  tool: z.object({ server: text, tool: text, args: z.record(z.string(), z.json()).nullable() }),
  llm: z.object({
    prompt: text,
    system: nullableText,
    model: nullableText,
    outputSchema: JsonSchemaSchema.nullable(),
    temperature: z.number().nullable(),
  }),
  router: z.object({
    mode: z.enum(["llm", "rule"]),
    branches: z
      .array(z.object({ name: text, description: nullableText, when: nullableText }))
      .min(1),
    prompt: nullableText,
    model: nullableText,
  }),
  parallel: z.object({}),
  join: z.object({
    aggregator: z.enum(["concat", "merge", "vote", "llm-summary"]),
    separator: z.string(),
    prompt: nullableText,
    model: nullableText,
  }),
  orchestrator: z.object({
    instructions: text,
    model: nullableText,
    task: nullableText,
    maxWorkers: z.int().min(1),
    worker: AgentSettingsPlanSchema,
    synthesisInstructions: text,
  }),
  "evaluator-optimizer": z.object({
    task: nullableText,
    generator: modelPrompt,
    evaluator: modelPrompt,
    threshold: z.number(),
    maxIterations: z.int().min(1),
  }),
  swarm: z.object({
    task: nullableText,
    agents: z
      .array(z.object({ name: text, ...agentSettings, handoffs: z.array(z.string()) }))
      .min(1),
    entryAgent: text,
    maxHandoffs: z.int().min(0),
  }),
  condition: z.object({ when: text }),
  transform: z.object({ template: z.json() }),
  "human-approval": z.object({ message: text, approvers: z.array(z.string()) }),
  output: z.object({ name: text, value: z.json().nullable() }),
} as const;

const stepBase = {
  id: z.string(),
  label: nullableText,
  /** Steps that must settle (complete or be skipped) before this one may start. */
  dependsOn: z.array(z.string()),
  /**
   * Incoming edges in document order. The step runs when at least one is live (its source completed
   * and chose that port); its `value` is the first live one's output. None live: the step is skipped.
   */
  inputs: z.array(z.object({ step: z.string(), port: z.string() })),
  timeoutMs: z.int().min(1).nullable(),
  retry: RetryPolicySchema,
  fallback: nullableText,
  /** Fallback-only steps never run on their own; they run when the step naming them fails. */
  isFallback: z.boolean(),
  /** Set (true) when an interrupted run of this step must wait for a person instead of repeating it. */
  notSafeToRepeat: z.literal(true).optional(),
};

function defineStep<K extends keyof typeof StepConfigSchemas, C extends z.ZodObject>(
  kind: K,
  config: C,
) {
  return z.object({ ...stepBase, kind: z.literal(kind), config });
}

export const PlanStepSchema = z.discriminatedUnion("kind", [
  defineStep("input", StepConfigSchemas.input),
  defineStep("agent", StepConfigSchemas.agent),
  defineStep("tool", StepConfigSchemas.tool),
  defineStep("llm", StepConfigSchemas.llm),
  defineStep("router", StepConfigSchemas.router),
  defineStep("parallel", StepConfigSchemas.parallel),
  defineStep("join", StepConfigSchemas.join),
  defineStep("orchestrator", StepConfigSchemas.orchestrator),
  defineStep("evaluator-optimizer", StepConfigSchemas["evaluator-optimizer"]),
  defineStep("swarm", StepConfigSchemas.swarm),
  defineStep("condition", StepConfigSchemas.condition),
  defineStep("transform", StepConfigSchemas.transform),
  defineStep("human-approval", StepConfigSchemas["human-approval"]),
  defineStep("output", StepConfigSchemas.output),
]);

export const PlanSchema = z.object({
  planVersion: z.literal(PLAN_VERSION),
  documentVersion: z.int(),
  name: nullableText,
  concurrency: z.int().min(1),
  /** The input node's schema: run input is checked against it before anything runs. */
  inputSchema: JsonSchemaSchema.nullable(),
  /** Output nodes; the run's output is an object keyed by their names. */
  outputs: z.array(z.object({ step: z.string(), name: z.string() })),
  /** In a topological order: every step comes after the steps it depends on. */
  steps: z.array(PlanStepSchema),
});

export type Plan = z.output<typeof PlanSchema>;
export type PlanStep = z.output<typeof PlanStepSchema>;
export type StepKind = PlanStep["kind"];
export type StepOfKind<K extends StepKind> = Extract<PlanStep, { kind: K }>;
export type StepConfig<K extends StepKind> = StepOfKind<K>["config"];
export type RetryPolicy = z.output<typeof RetryPolicySchema>;
export type AgentSettings = z.output<typeof AgentSettingsPlanSchema>;

/**
 * Validates a stored plan before running it (plans are data, possibly from an older release).
 * Throws AppError INVALID_INPUT naming the first problem.
 * @example const plan = parsePlan(row.plan)
 */
export function parsePlan(value: unknown): Plan {
  const parsed = PlanSchema.safeParse(value);
  if (!parsed.success) throw toInvalidInput("plan", parsed.error);
  return parsed.data;
}

/**
 * Whether a step reaches outside the engine (an LLM or an MCP tool). Only these get a default
 * timeout and retries, need ports, and are what a dry run must have pinned.
 * @example isCallingStep("join", { aggregator: "llm-summary", … }) // → true
 */
export function isCallingStep(kind: StepKind, config: PlanStep["config"]): boolean {
  switch (kind) {
    case "agent":
    case "tool":
    case "llm":
    case "orchestrator":
    case "evaluator-optimizer":
    case "swarm":
      return true;
    case "router":
      return (config as StepConfig<"router">).mode === "llm";
    case "join":
      return (config as StepConfig<"join">).aggregator === "llm-summary";
    default:
      return false;
  }
}
