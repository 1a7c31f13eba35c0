import { z } from "zod";
import { JsonSchemaSchema } from "./json-schema";

/**
 * Node configuration as the canvas saves it. Fields are optional on purpose: a half-configured node
 * must still save and reopen, and the compiler (not the loader) reports what is missing, pointing at
 * the node and field, so the canvas can mark it.
 */
const optionalText = z.string().optional();
const templateValue = z.json();

const agentSettings = {
  instructions: optionalText,
  model: optionalText,
  mcpServers: z.array(z.string()).optional(),
  /** Tool names the agent may call; absent means every tool of its MCP servers. */
  allowedTools: z.array(z.string()).optional(),
  maxSteps: z.int().min(1).max(100).optional(),
};

export const AgentSettingsSchema = z.object(agentSettings);

export const RetryPolicyInputSchema = z.object({
  maxAttempts: z.int().min(1).max(10).optional(),
  initialDelayMs: z.int().min(0).max(600_000).optional(),
  factor: z.number().min(1).max(10).optional(),
  maxDelayMs: z.int().min(0).max(3_600_000).optional(),
});

export const NodeConfigSchemas = {
  input: z.object({ schema: JsonSchemaSchema.optional() }),
  agent: z.object({ ...agentSettings, prompt: optionalText }),
  tool: z.object({
    server: optionalText,
    tool: optionalText,
    args: z.record(z.string(), templateValue).optional(),
  }),
  llm: z.object({
    prompt: optionalText,
    system: optionalText,
    model: optionalText,
    outputSchema: JsonSchemaSchema.optional(),
    temperature: z.number().min(0).max(2).optional(),
  }),
  router: z.object({
    mode: z.enum(["llm", "rule"]).optional(),
    branches: z
      .array(z.object({ name: z.string(), description: optionalText, when: optionalText }))
      .optional(),
    prompt: optionalText,
    model: optionalText,
  }),
  parallel: z.object({}),
  join: z.object({
    aggregator: z.enum(["concat", "merge", "vote", "llm-summary"]).optional(),
    separator: optionalText,
    prompt: optionalText,
    model: optionalText,
  }),
  orchestrator: z.object({
    instructions: optionalText,
    model: optionalText,
    task: optionalText,
    maxWorkers: z.int().min(1).max(20).optional(),
    worker: AgentSettingsSchema.optional(),
    synthesisInstructions: optionalText,
  }),
  "evaluator-optimizer": z.object({
    task: optionalText,
    generator: z.object({ instructions: optionalText, model: optionalText }).optional(),
    evaluator: z.object({ instructions: optionalText, model: optionalText }).optional(),
    threshold: z.number().optional(),
    maxIterations: z.int().min(1).max(20).optional(),
  }),
  swarm: z.object({
    task: optionalText,
    agents: z
      .array(
        z.object({
          name: optionalText,
          ...agentSettings,
          handoffs: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    entryAgent: optionalText,
    maxHandoffs: z.int().min(0).max(50).optional(),
  }),
  condition: z.object({ when: optionalText }),
  transform: z.object({ template: templateValue.optional() }),
  "human-approval": z.object({ message: optionalText, approvers: z.array(z.string()).optional() }),
  output: z.object({ name: optionalText, value: templateValue.optional() }),
} as const;

export type NodeKind = keyof typeof NodeConfigSchemas;
export const NODE_KINDS = Object.keys(NodeConfigSchemas) as NodeKind[];
export type NodeConfig<K extends NodeKind> = z.output<(typeof NodeConfigSchemas)[K]>;
