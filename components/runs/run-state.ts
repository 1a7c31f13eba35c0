import type { RunEvent } from "@/engine/schema/run-events";
import type { RunStatus, StepStatus } from "@/components/shared/run-format";

export interface StepState {
  stepId: string;
  kind: string | null;
  parentStepId: string | null;
  status: StepStatus;
  startedAt: number | null;
  finishedAt: number | null;
  attempts: number;
  output: unknown;
  hasOutput: boolean;
  port: string | null;
  error: { code: string; message: string } | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedTokens: number;
  /** Text streamed by step.output.delta while the step runs. */
  streamed: string;
  progress: string | null;
  skipReason: string | null;
  /** Times the step was cut off by its worker stopping, and where the run went on. */
  interruptions: {
    interruptedOn: string | null;
    resumedOn: string | null;
    next: "retry" | "wait";
    at: number;
  }[];
  /** A question the tool's server asks during this step's call, until it is answered (elicitation). */
  asking: StepQuestion | null;
}

/** What a step.elicitation event asks, as the run page and the approvals inbox show it. */
export interface StepQuestion {
  key: string;
  server: string;
  tool: string;
  request: Record<string, unknown>;
  expiresAt: number;
}

export interface RunState {
  status: RunStatus;
  startedAt: number | null;
  finishedAt: number | null;
  steps: Map<string, StepState>;
  waitingFor: {
    stepId: string;
    message: string;
    approvers: string[];
    reason?: "approval" | "interrupted";
  }[];
  output: unknown;
  error: { code: string; message: string; stepId?: string } | null;
}

/** A step row as run.get returns it (dates after superjson). */
export interface StepRowLike {
  stepId: string;
  kind: string | null;
  parentStepId: string | null;
  status: "running" | "completed" | "failed" | "skipped" | "waiting";
  attempts: number;
  output: unknown;
  port: string | null;
  error: { code: string; message: string } | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedTokens: number;
}

/** "Interrupted on worker host:12, retried on worker host:34" (or waiting for a person there). */
export function describeInterruption(interruption: StepState["interruptions"][number]): string {
  const from = interruption.interruptedOn
    ? `on worker ${interruption.interruptedOn}`
    : "when its worker stopped";
  const to = interruption.resumedOn ? ` on worker ${interruption.resumedOn}` : "";
  return interruption.next === "retry"
    ? `Interrupted ${from}, retried${to}.`
    : `Interrupted ${from}; not safe to repeat, so the run${to} waits for a person to retry, skip or fail it.`;
}

export function emptyStep(stepId: string): StepState {
  return {
    stepId,
    kind: null,
    parentStepId: null,
    status: "pending",
    startedAt: null,
    finishedAt: null,
    attempts: 0,
    output: undefined,
    hasOutput: false,
    port: null,
    error: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpricedTokens: 0,
    streamed: "",
    progress: null,
    skipReason: null,
    interruptions: [],
    asking: null,
  };
}

export function initialRunState(rows: StepRowLike[] = []): RunState {
  const steps = new Map<string, StepState>();
  for (const row of rows) {
    steps.set(row.stepId, {
      ...emptyStep(row.stepId),
      kind: row.kind,
      parentStepId: row.parentStepId,
      status: row.status,
      startedAt: row.startedAt?.getTime() ?? null,
      finishedAt: row.finishedAt?.getTime() ?? null,
      attempts: row.attempts,
      output: row.output,
      hasOutput: row.output !== null && row.output !== undefined,
      port: row.port,
      error: row.error,
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      costUsd: row.costUsd,
      unpricedTokens: row.unpricedTokens,
    });
  }
  return {
    status: "queued",
    startedAt: null,
    finishedAt: null,
    steps,
    waitingFor: [],
    output: undefined,
    error: null,
  };
}

function patchStep(
  state: RunState,
  event: Extract<RunEvent, { stepId: string }>,
  patch: (step: StepState) => Partial<StepState>,
) {
  const current = state.steps.get(event.stepId) ?? emptyStep(event.stepId);
  const steps = new Map(state.steps);
  steps.set(event.stepId, {
    ...current,
    parentStepId: event.parentStepId ?? current.parentStepId,
    ...patch(current),
  });
  return { ...state, steps };
}

/** Folds one run event into the state: the live page and the debugger share it. */
export function applyRunEvent(state: RunState, event: RunEvent): RunState {
  switch (event.type) {
    case "run.queued":
      return { ...state, status: "queued" };
    case "run.started":
      return {
        ...state,
        status: "running",
        startedAt: state.startedAt ?? event.at,
        waitingFor: [],
      };
    case "step.started":
      return patchStep(state, event, () => ({
        kind: event.kind,
        status: "running",
        startedAt: event.at,
        finishedAt: null,
        attempts: event.attempt,
        error: null,
        streamed: "",
      }));
    case "step.progress":
      return patchStep(state, event, () => ({
        progress:
          event.message ??
          (event.progress != null
            ? `${event.progress}${event.total ? ` / ${event.total}` : ""}`
            : null),
      }));
    case "step.output.delta":
      return patchStep(state, event, (step) => ({ streamed: step.streamed + event.delta }));
    case "step.retrying":
      return patchStep(state, event, () => ({
        status: "retrying",
        error: event.error,
        attempts: event.attempt,
      }));
    case "step.completed":
      return patchStep(state, event, (step) => ({
        status: "completed",
        asking: null,
        startedAt: step.startedAt ?? event.at - event.durationMs,
        finishedAt: event.at,
        output: event.output,
        hasOutput: true,
        port: event.port,
        attempts: event.attempts,
        inputTokens: event.usage.inputTokens,
        outputTokens: event.usage.outputTokens,
        costUsd: event.costUsd,
        unpricedTokens: event.unpricedTokens ?? 0,
        error: null,
      }));
    case "step.failed":
      return patchStep(state, event, (step) => ({
        status: "failed",
        asking: null,
        startedAt: step.startedAt ?? event.at - event.durationMs,
        finishedAt: event.at,
        attempts: event.attempt,
        error: event.error,
        inputTokens: event.usage.inputTokens,
        outputTokens: event.usage.outputTokens,
        costUsd: event.costUsd,
        unpricedTokens: event.unpricedTokens ?? 0,
      }));
    case "step.skipped":
      return patchStep(state, event, () => ({ status: "skipped", skipReason: event.reason }));
    case "step.elicitation":
      return patchStep(state, event, () => ({
        status: "waiting",
        asking: {
          key: event.key,
          server: event.server,
          tool: event.tool,
          request: event.request,
          expiresAt: event.expiresAt,
        },
      }));
    case "step.elicitation.ended":
      return patchStep(state, event, (step) =>
        step.asking?.key === event.key
          ? { asking: null, status: step.status === "waiting" ? "running" : step.status }
          : {},
      );
    case "step.interrupted":
      return patchStep(state, event, (step) => ({
        status: event.next === "wait" ? "waiting" : "running",
        interruptions: [
          ...step.interruptions,
          {
            interruptedOn: event.interruptedOn,
            resumedOn: event.resumedOn,
            next: event.next,
            at: event.at,
          },
        ],
      }));
    case "run.waiting": {
      const steps = new Map(state.steps);
      for (const wait of event.waitingFor)
        steps.set(wait.stepId, {
          ...(steps.get(wait.stepId) ?? emptyStep(wait.stepId)),
          status: "waiting",
        });
      return { ...state, steps, status: "waiting", waitingFor: event.waitingFor };
    }
    case "run.completed":
      return {
        ...state,
        status: "completed",
        finishedAt: event.at,
        output: event.output,
        waitingFor: [],
      };
    case "run.failed":
      return {
        ...state,
        status: "failed",
        finishedAt: event.at,
        error: event.error,
        waitingFor: [],
      };
    case "run.cancelled":
      return {
        ...state,
        status: "cancelled",
        finishedAt: event.at,
        error: { code: "CANCELLED", message: event.reason },
        waitingFor: [],
      };
  }
}

export function replayRunEvents(events: RunEvent[], base: RunState = initialRunState()): RunState {
  return events.reduce(applyRunEvent, base);
}
