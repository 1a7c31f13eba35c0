import { describe, expect, it } from "vitest";
import type { RunEvent } from "@/engine/schema/run-events";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import { supportTriage } from "@/engine/examples/support-triage";
import { orderSteps } from "./ordered-steps";
import { describeInterruption, initialRunState, replayRunEvents } from "./run-state";

const runId = "r1";
const totals = { durationMs: 5, usage: { inputTokens: 3, outputTokens: 4 }, costUsd: 0.01 };

describe("replayRunEvents", () => {
  it("follows steps from start to completion, with streamed text and totals", () => {
    const events: RunEvent[] = [
      { type: "run.queued", runId, at: 0 },
      { type: "run.started", runId, at: 1, stepCount: 2, resumed: false, restoredSteps: 0 },
      { type: "step.started", runId, at: 2, stepId: "a", kind: "llm", attempt: 1 },
      { type: "step.output.delta", runId, at: 3, stepId: "a", delta: "Hel" },
      { type: "step.output.delta", runId, at: 4, stepId: "a", delta: "lo" },
    ];
    const running = replayRunEvents(events);
    expect(running.status).toBe("running");
    expect(running.steps.get("a")).toMatchObject({
      status: "running",
      streamed: "Hello",
      startedAt: 2,
      kind: "llm",
    });

    const done = replayRunEvents([
      ...events,
      {
        type: "step.completed",
        runId,
        at: 7,
        stepId: "a",
        ...totals,
        output: "Hello",
        port: "out",
        attempts: 1,
        pinned: false,
      },
      { type: "run.completed", runId, at: 8, ...totals, output: { a: "Hello" } },
    ]);
    expect(done.status).toBe("completed");
    expect(done.finishedAt).toBe(8);
    expect(done.steps.get("a")).toMatchObject({
      status: "completed",
      output: "Hello",
      hasOutput: true,
      inputTokens: 3,
      outputTokens: 4,
      finishedAt: 7,
    });
  });

  it("shows on a step that it was interrupted and where the run went on, and a wait for a person's decision", () => {
    const state = replayRunEvents([
      { type: "step.started", runId, at: 1, stepId: "charge", kind: "tool", attempt: 1 },
      {
        type: "step.interrupted",
        runId,
        at: 9,
        stepId: "charge",
        interruptedOn: "vm:12",
        resumedOn: "vm:34",
        next: "wait",
      },
      { type: "run.started", runId, at: 9, stepCount: 2, resumed: true, restoredSteps: 0 },
      {
        type: "run.waiting",
        runId,
        at: 10,
        ...totals,
        waitingFor: [
          { stepId: "charge", message: "Interrupted", approvers: [], reason: "interrupted" },
        ],
      },
    ]);
    expect(state.status).toBe("waiting");
    expect(state.waitingFor).toEqual([
      expect.objectContaining({ stepId: "charge", reason: "interrupted" }),
    ]);
    expect(state.steps.get("charge")).toMatchObject({
      status: "waiting",
      interruptions: [{ interruptedOn: "vm:12", resumedOn: "vm:34", next: "wait", at: 9 }],
    });
    expect(describeInterruption(state.steps.get("charge")!.interruptions[0]!)).toBe(
      "Interrupted on worker vm:12; not safe to repeat, so the run on worker vm:34 waits for a person to retry, skip or fail it.",
    );
    expect(
      describeInterruption({ interruptedOn: "vm:12", resumedOn: "vm:34", next: "retry", at: 9 }),
    ).toBe("Interrupted on worker vm:12, retried on worker vm:34.");
  });

  it("records failures, retries and waits for approval", () => {
    const error = { code: "LLM_NOT_CONFIGURED", message: "No LLM" };
    const state = replayRunEvents([
      { type: "step.started", runId, at: 1, stepId: "a", kind: "llm", attempt: 1 },
      { type: "step.retrying", runId, at: 2, stepId: "a", attempt: 2, delayMs: 10, error },
      { type: "step.failed", runId, at: 3, stepId: "a", ...totals, attempt: 2, error },
      {
        type: "run.waiting",
        runId,
        at: 4,
        ...totals,
        waitingFor: [{ stepId: "ok", message: "Ship it?", approvers: [] }],
      },
    ]);
    expect(state.steps.get("a")).toMatchObject({ status: "failed", attempts: 2, error });
    expect(state.steps.get("ok")?.status).toBe("waiting");
    expect(state.waitingFor).toEqual([{ stepId: "ok", message: "Ship it?", approvers: [] }]);
    expect(
      replayRunEvents([{ type: "run.failed", runId, at: 5, ...totals, error }], state),
    ).toMatchObject({ status: "failed", waitingFor: [], error });
  });

  it("starts from stored step rows, so a retry shows the steps it reused", () => {
    const base = initialRunState([
      {
        stepId: "copied",
        kind: "transform",
        parentStepId: null,
        status: "completed",
        attempts: 1,
        output: { x: 1 },
        port: "out",
        error: null,
        startedAt: new Date(10),
        finishedAt: new Date(20),
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        unpricedTokens: 0,
      },
    ]);
    const state = replayRunEvents(
      [{ type: "step.started", runId, at: 30, stepId: "next", kind: "llm", attempt: 1 }],
      base,
    );
    const steps = orderSteps(null, state);
    expect(steps.map((s) => [s.stepId, s.status])).toEqual([
      ["copied", "completed"],
      ["next", "running"],
    ]);
  });

  it("names a skipped step's kind from the plan (a branch not taken never starts, so its events carry none)", () => {
    const compiled = compileWorkflow(supportTriage);
    if (!compiled.ok) throw new Error("the example compiles");
    const skipped = compiled.plan.steps.find((s) => s.kind !== "input" && s.kind !== "router")!;
    const state = replayRunEvents(
      [{ type: "step.skipped", runId, at: 30, stepId: skipped.id, reason: "branch not taken" }],
      initialRunState(),
    );
    const view = orderSteps(compiled.plan, state).find((s) => s.stepId === skipped.id)!;
    expect(view.status).toBe("skipped");
    expect(view.kind).toBe(skipped.kind);
  });
});

describe("a tool's question during a step (elicitation)", () => {
  const asked: RunEvent = {
    type: "step.elicitation",
    runId,
    at: 3,
    stepId: "order",
    key: "k1",
    server: "shop",
    tool: "order",
    request: { mode: "form", message: "Who?", requestedSchema: { type: "object", properties: {} } },
    expiresAt: 99,
  };
  const started: RunEvent = {
    type: "step.started",
    runId,
    at: 2,
    stepId: "order",
    kind: "tool",
    attempt: 1,
  };

  it("makes the step wait with its question until it is answered", () => {
    const waiting = replayRunEvents([started, asked]);
    expect(waiting.steps.get("order")).toMatchObject({
      status: "waiting",
      asking: { key: "k1", server: "shop", tool: "order", expiresAt: 99 },
    });
    const answered = replayRunEvents([
      started,
      asked,
      {
        type: "step.elicitation.ended",
        runId,
        at: 4,
        stepId: "order",
        key: "k1",
        outcome: "accept",
        by: "a@b.c",
      },
    ]);
    expect(answered.steps.get("order")).toMatchObject({ status: "running", asking: null });
  });

  it("an end for another question leaves the open one", () => {
    const state = replayRunEvents([
      started,
      asked,
      {
        type: "step.elicitation.ended",
        runId,
        at: 4,
        stepId: "order",
        key: "old",
        outcome: "timeout",
      },
    ]);
    expect(state.steps.get("order")?.asking?.key).toBe("k1");
  });
});
