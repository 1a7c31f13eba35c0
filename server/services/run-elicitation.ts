import { randomUUID } from "node:crypto";
import { AppError, conflict, notFound } from "@/engine/errors";
import type { ToolPort } from "@/engine/runtime/ports";
import { StepError } from "@/engine/runtime/step-error";
import type { RunEvent } from "@/engine/schema/run-events";
import type { EventBus } from "@/server/events/bus";
import {
  checkElicitationAnswer,
  parseElicitationRequest,
  type ElicitationAnswer,
  type ElicitHandler,
} from "@/server/mcp/elicitation";
import { findOpenQuestion, listOpenQuestions } from "@/server/repositories/run-questions";
import * as repo from "@/server/repositories/runs";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { runControlChannel } from "./run-executor";

/**
 * A tool's server asking a person during a run's step (MCP elicitation). The call to the server is
 * open while the person answers, so unlike a human-approval step (where the run stops and is
 * queued again on the decision) the step waits live in its worker: the question is a run event
 * (step.elicitation, so the run page and the approvals inbox show it), the answer comes through
 * run.answerElicitation on the run's control channel (the one cancel uses), and a decline, a
 * cancel or no answer in time fails the step with a clear error.
 */

export const DEFAULT_ELICITATION_TIMEOUT_MS = 10 * 60_000;

type AnswerMessage = {
  action: "elicitation";
  key: string;
  answer: ElicitationAnswer;
  by: string;
};

/** Why a call's question ended without an answer the call can use: the step's error. */
type Refusal = { code: string; message: string };

/**
 * Wraps a run's ToolPort so each call can be asked questions: they are recorded as events, wait
 * for an answer on the bus up to `timeoutMs`, and a refusal becomes the step's error.
 */
export function askingToolPort(
  port: ToolPort | undefined,
  run: { id: string; bus: EventBus; record: (event: RunEvent) => void; now: () => number },
  timeoutMs = DEFAULT_ELICITATION_TIMEOUT_MS,
): ToolPort | undefined {
  if (!port) return undefined;
  return {
    listTools: (server, signal) => port.listTools(server, signal),
    async callTool(call, options) {
      const stepId = options.stepId;
      if (!stepId) return port.callTool(call, options);
      let refusal: Refusal | null = null;
      const onElicit: ElicitHandler = async (request, signal) => {
        const ended = await waitForAnswer(run, timeoutMs, {
          stepId,
          server: call.server,
          tool: call.tool,
          request,
          signal,
        });
        if (ended.answer?.action === "accept") return ended.answer;
        // Cut off by the step itself (its timeout, the run's cancel): that error stands.
        if (ended.outcome === "ended") return { action: "cancel" };
        refusal ??=
          ended.outcome === "timeout"
            ? {
                code: "ELICITATION_TIMEOUT",
                message: `${call.server}/${call.tool} asked "${request.message}" and nobody answered within ${Math.round(timeoutMs / 1000)} s`,
              }
            : {
                code: "ELICITATION_DECLINED",
                message: `${call.server}/${call.tool} asked "${request.message}" and ${ended.by ?? "the person"} ${ended.outcome === "decline" ? "declined" : "cancelled"}`,
              };
        return { action: ended.outcome === "decline" ? "decline" : "cancel" };
      };
      const options2 = new AskingCallOptions(options, onElicit);
      try {
        const result = await port.callTool(call, options2);
        if (refusal) throw refusalError(refusal);
        return result;
      } catch (error) {
        // The server's own answer to a refusal (often an error result) says less than ours.
        if (refusal) throw refusalError(refusal);
        throw error;
      }
    },
  };
}

type CallOptions = Parameters<ToolPort["callTool"]>[1];

/**
 * A call's options with its question handler. The signal is read from the engine's options only
 * when the port asks for it, as the engine's own options do (ARCHITECTURE.md, "Runtime costs").
 */
class AskingCallOptions {
  readonly onProgress: CallOptions["onProgress"];
  readonly stepId: string | undefined;

  constructor(
    private readonly inner: CallOptions,
    readonly onElicit: ElicitHandler,
  ) {
    this.onProgress = inner.onProgress;
    this.stepId = inner.stepId;
  }

  get signal(): AbortSignal {
    return this.inner.signal;
  }
}

const refusalError = (r: Refusal) => new StepError(r.code, r.message, false);

async function waitForAnswer(
  run: { id: string; bus: EventBus; record: (event: RunEvent) => void; now: () => number },
  timeoutMs: number,
  ask: {
    stepId: string;
    server: string;
    tool: string;
    request: Parameters<ElicitHandler>[0];
    signal: AbortSignal;
  },
): Promise<{
  outcome: "accept" | "decline" | "cancel" | "timeout" | "ended";
  answer?: ElicitationAnswer;
  by?: string;
}> {
  const key = randomUUID();
  let settle!: (value: Awaited<ReturnType<typeof waitForAnswer>>) => void;
  const done = new Promise<Awaited<ReturnType<typeof waitForAnswer>>>((r) => (settle = r));
  // Listen before the question is out, so an answer cannot pass unheard.
  const unsubscribe = await run.bus.subscribe(runControlChannel(run.id), (message) => {
    const m = message as Partial<AnswerMessage>;
    if (m.action === "elicitation" && m.key === key && m.answer)
      settle({ outcome: m.answer.action, answer: m.answer, ...(m.by ? { by: m.by } : {}) });
  });
  const timer = setTimeout(() => settle({ outcome: "timeout" }), timeoutMs);
  const onAbort = () => settle({ outcome: "ended" });
  ask.signal.addEventListener("abort", onAbort, { once: true });
  if (ask.signal.aborted) onAbort();
  const base = { runId: run.id, stepId: ask.stepId, key };
  run.record({
    type: "step.elicitation",
    ...base,
    at: run.now(),
    server: ask.server,
    tool: ask.tool,
    request: ask.request as unknown as Record<string, unknown>,
    expiresAt: run.now() + timeoutMs,
  });
  try {
    const ended = await done;
    run.record({
      type: "step.elicitation.ended",
      ...base,
      at: run.now(),
      outcome: ended.outcome,
      ...(ended.by ? { by: ended.by } : {}),
    });
    return ended;
  } finally {
    clearTimeout(timer);
    ask.signal.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}

/** The questions open in the tenant's running runs: the approvals inbox lists them. */
export function listRunQuestions(ctx: TenantContext) {
  return listOpenQuestions(ctx.db, ctx.tenant.id);
}

/**
 * A person answers a step's open question. The answer is checked against what was asked (a form
 * answer must fit its requestedSchema), audited without its content, and sent to the worker that
 * holds the call; its content is not stored (SECURITY.md, "Elicited answers").
 */
export async function answerElicitation(
  ctx: TenantContext,
  deps: { bus: EventBus },
  input: { runId: string; key: string; answer: unknown },
) {
  const run = await repo.findRun(ctx.db, ctx.tenant.id, input.runId);
  if (!run) throw notFound("run", input.runId);
  const question = await findOpenQuestion(ctx.db, ctx.tenant.id, run.id, input.key);
  if (!question || run.status !== "running")
    throw conflict(
      "This question is no longer open (it was answered, timed out or its step ended).",
    );
  const request = parseElicitationRequest(question.request);
  const checked = checkElicitationAnswer(request, input.answer);
  if (!checked.ok)
    throw new AppError("INVALID_INPUT", `The answer does not fit: ${checked.problems.join("; ")}`, {
      problems: checked.problems,
    });
  await withAudit(ctx, async () => ({
    value: null,
    audit: {
      action: "run.answer_elicitation",
      targetType: "run",
      targetId: run.id,
      metadata: { step: question.stepId, action: checked.answer.action },
    },
  }));
  const message: AnswerMessage = {
    action: "elicitation",
    key: input.key,
    answer: checked.answer,
    by: ctx.actor.email,
  };
  await deps.bus.publish(runControlChannel(run.id), message);
  return { runId: run.id, key: input.key, action: checked.answer.action };
}
