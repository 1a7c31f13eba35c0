import { z } from "zod";

/**
 * Everything a run reports, in order. The server persists these (Run, StepRun, RunEvent rows) and
 * streams them to the canvas; a step's status is the type of its last step.* event. `at` is the
 * Clock's epoch milliseconds; tokens and cost appear wherever they are known.
 */
export const TokenUsageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number() });
export type TokenUsage = z.output<typeof TokenUsageSchema>;

export const RunErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  stepId: z.string().optional(),
});
export type RunError = z.output<typeof RunErrorSchema>;

const runBase = { runId: z.string(), at: z.number() };
const stepBase = {
  ...runBase,
  stepId: z.string(),
  /** Set on dynamic steps (orchestrator workers), naming the step that spawned them. */
  parentStepId: z.string().optional(),
};
const totals = {
  durationMs: z.number(),
  usage: TokenUsageSchema,
  costUsd: z.number(),
  /** Tokens spent on models without a known price (absent when none): the cost is then unknown, not `costUsd`. */
  unpricedTokens: z.number().optional(),
};

export const RunEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("run.queued"), ...runBase }),
  z.object({
    type: z.literal("run.started"),
    ...runBase,
    stepCount: z.int(),
    /** True when this call continues a run from steps already in the RunStore. */
    resumed: z.boolean(),
    restoredSteps: z.int(),
  }),
  z.object({ type: z.literal("step.started"), ...stepBase, kind: z.string(), attempt: z.int() }),
  z.object({
    type: z.literal("step.progress"),
    ...stepBase,
    message: z.string().optional(),
    progress: z.number().optional(),
    total: z.number().optional(),
  }),
  z.object({ type: z.literal("step.output.delta"), ...stepBase, delta: z.string() }),
  z.object({
    type: z.literal("step.completed"),
    ...stepBase,
    ...totals,
    output: z.unknown(),
    /** The output port it chose (a router's branch, a condition's true/false); `out` otherwise. */
    port: z.string(),
    attempts: z.int(),
    pinned: z.boolean(),
    /** Set when the output came from the step's fallback after the step itself failed. */
    fallbackStepId: z.string().optional(),
  }),
  z.object({ type: z.literal("step.skipped"), ...stepBase, reason: z.string() }),
  z.object({
    type: z.literal("step.retrying"),
    ...stepBase,
    attempt: z.int(),
    delayMs: z.number(),
    error: RunErrorSchema,
  }),
  z.object({
    type: z.literal("step.failed"),
    ...stepBase,
    ...totals,
    attempt: z.int(),
    error: RunErrorSchema,
    /** Set when the run continues with this fallback step in place of the failed one. */
    fallbackStepId: z.string().optional(),
  }),
  /**
   * A step had started but not finished when its worker stopped (it died or shut down): it is run
   * again (`next: "retry"`), or, when marked not safe to repeat, waits for a person (`"wait"`).
   * Workers are named as the server names them (host:pid); null when not known.
   */
  z.object({
    type: z.literal("step.interrupted"),
    ...stepBase,
    interruptedOn: z.string().nullable(),
    resumedOn: z.string().nullable(),
    next: z.enum(["retry", "wait"]),
  }),
  /**
   * A tool's server asks a person during the step's call (MCP elicitation): the step waits, live,
   * for an answer (run.answerElicitation) until `expiresAt`. `key` names this question in the run.
   * `request` is the normalized ElicitationRequest (server/mcp/elicitation.ts): form mode with a
   * flat requestedSchema, or URL mode with the url the person opens themselves.
   */
  z.object({
    type: z.literal("step.elicitation"),
    ...stepBase,
    key: z.string(),
    server: z.string(),
    tool: z.string(),
    request: z.record(z.string(), z.unknown()),
    expiresAt: z.number(),
  }),
  /** The question was answered (accept, decline, cancel) or its wait ended (timeout, call ended). */
  z.object({
    type: z.literal("step.elicitation.ended"),
    ...stepBase,
    key: z.string(),
    outcome: z.enum(["accept", "decline", "cancel", "timeout", "ended"]),
    by: z.string().optional(),
  }),
  z.object({
    type: z.literal("run.waiting"),
    ...runBase,
    ...totals,
    waitingFor: z.array(
      z.object({
        stepId: z.string(),
        message: z.string(),
        approvers: z.array(z.string()),
        /** What the person decides: an approval (approve/reject), or an interrupted step (retry/skip/fail). */
        reason: z.enum(["approval", "interrupted"]).optional(),
      }),
    ),
  }),
  z.object({
    type: z.literal("run.completed"),
    ...runBase,
    ...totals,
    output: z.record(z.string(), z.unknown()),
  }),
  z.object({ type: z.literal("run.failed"), ...runBase, ...totals, error: RunErrorSchema }),
  z.object({ type: z.literal("run.cancelled"), ...runBase, ...totals, reason: z.string() }),
]);

export type RunEvent = z.output<typeof RunEventSchema>;
export type RunEventType = RunEvent["type"];
export type RunEventOf<T extends RunEventType> = Extract<RunEvent, { type: T }>;
export const RUN_EVENT_TYPES = RunEventSchema.options.map(
  (o) => o.shape.type.value,
) as RunEventType[];
/** The events after which a run call returns. */
export const TERMINAL_RUN_EVENTS = [
  "run.waiting",
  "run.completed",
  "run.failed",
  "run.cancelled",
] as const;
