import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { EXAMPLE_WORKFLOWS } from "../examples";
import { chain, connect, makeNode, makeWorkflow } from "../examples/build-workflow";
import type { RunEvent } from "../schema/run-events";
import { createFakeLlm, createFakeTools, hang } from "./fake-ports";
import { collectRunEvents, runPlan } from "./run-plan";
import { compilePlan, makeTestPorts, runToEnd } from "./test-kit";

const toolNode = (id: string, extras: Parameters<typeof makeNode>[3] = {}) =>
  makeNode("tool", id, { server: "svc", tool: "work", args: { step: id } }, extras);

/** input → s1 → … → sN → output, each a tool call. */
function toolChain(n: number) {
  const ids = Array.from({ length: n }, (_, i) => `s${i + 1}`);
  return makeWorkflow({
    nodes: [makeNode("input", "in"), ...ids.map((id) => toolNode(id)), makeNode("output", "out")],
    edges: chain("in", ...ids, "out"),
  });
}

describe("retries and timeouts (fake tool and LLM ports, fake clock)", () => {
  it("retries a failing step with exponential backoff, then succeeds", async () => {
    let calls = 0;
    const tools = createFakeTools({
      svc: {
        work: () => {
          calls++;
          if (calls < 3) throw new Error(`flaky ${calls}`);
          return "ok";
        },
      },
    });
    const doc = makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        toolNode("s1", { policy: { retry: { maxAttempts: 4, initialDelayMs: 1_000, factor: 2 } } }),
        makeNode("output", "out"),
      ],
      edges: chain("in", "s1", "out"),
    });
    const ports = makeTestPorts({ tools });
    const started = ports.clock.now();
    const run = await runToEnd(compilePlan(doc), {}, ports);

    expect(run.of("step.retrying")).toEqual([
      expect.objectContaining({
        stepId: "s1",
        attempt: 1,
        delayMs: 1_000,
        error: { code: "STEP_FAILED", message: "flaky 1" },
      }),
      expect.objectContaining({
        stepId: "s1",
        attempt: 2,
        delayMs: 2_000,
        error: { code: "STEP_FAILED", message: "flaky 2" },
      }),
    ]);
    expect(
      run
        .of("step.started")
        .filter((e) => e.stepId === "s1")
        .map((e) => e.attempt),
    ).toEqual([1, 2, 3]);
    expect(run.of("step.completed").find((e) => e.stepId === "s1")).toMatchObject({
      attempts: 3,
      output: "ok",
    });
    expect(ports.clock.now() - started).toBe(3_000);
    expect(run.last).toMatchObject({ type: "run.completed", output: { out: "ok" } });
  });

  it("gives up after the last attempt and fails the run, naming the step", async () => {
    const tools = createFakeTools({ svc: { work: () => Promise.reject(new Error("down")) } });
    const run = await runToEnd(compilePlan(toolChain(2)), {}, makeTestPorts({ tools }));
    expect(tools.calls).toHaveLength(3);
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: { code: "STEP_FAILED", message: "down", stepId: "s1" },
    });
    expect(run.of("step.started").map((e) => e.stepId)).not.toContain("s2");
  });

  it("times out a hanging call on the clock, aborts it, and runs the fallback in its place", async () => {
    const signals: AbortSignal[] = [];
    const llm = createFakeLlm((request) => {
      if (request.messages.some((m) => m.role === "user" && m.content === "Use the big model")) {
        signals.push(request.signal);
        return hang();
      }
      return { text: "short answer", usage: { inputTokens: 3, outputTokens: 2 }, costUsd: 0.001 };
    });
    const doc = makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode(
          "llm",
          "answer",
          { prompt: "Use the big model" },
          {
            policy: {
              timeoutMs: 30_000,
              retry: { maxAttempts: 2, initialDelayMs: 500 },
              fallback: "quick",
            },
          },
        ),
        makeNode("llm", "quick", { prompt: "Answer briefly" }),
        makeNode("output", "out"),
      ],
      edges: chain("in", "answer", "out"),
    });
    const ports = makeTestPorts({ llm });
    const started = ports.clock.now();
    const run = await runToEnd(compilePlan(doc), {}, ports);

    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(run.of("step.retrying")[0]).toMatchObject({
      stepId: "answer",
      error: { code: "STEP_TIMEOUT", message: "Timed out after 30000 ms" },
    });
    expect(run.of("step.failed")).toEqual([
      expect.objectContaining({
        stepId: "answer",
        fallbackStepId: "quick",
        error: expect.objectContaining({ code: "STEP_TIMEOUT" }),
      }),
    ]);
    expect(run.of("step.completed").map((e) => [e.stepId, e.fallbackStepId])).toEqual([
      ["in", undefined],
      ["quick", undefined],
      ["answer", "quick"],
      ["out", undefined],
    ]);
    expect(ports.clock.now() - started).toBe(60_500);
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { out: "short answer" },
      usage: { inputTokens: 3, outputTokens: 2 },
      costUsd: 0.001,
    });
  });
});

describe("cancellation (fake tool port)", () => {
  it("aborts in-flight steps, starts nothing new, and ends run.cancelled", async () => {
    const controller = new AbortController();
    const signals: AbortSignal[] = [];
    const tools = createFakeTools({
      svc: {
        work: (_args, { signal }) => {
          signals.push(signal);
          if (signals.length === 2) controller.abort("Stopped by Ada");
          return hang();
        },
      },
    });
    const doc = makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode("parallel", "fan"),
        toolNode("a"),
        toolNode("b"),
        makeNode("join", "join"),
        toolNode("after"),
      ],
      edges: [
        ...chain("in", "fan"),
        connect("fan", "a"),
        connect("fan", "b"),
        connect("a", "join"),
        connect("b", "join"),
        connect("join", "after"),
      ],
    });
    const run = await runToEnd(compilePlan(doc), {}, makeTestPorts({ tools }), {
      signal: controller.signal,
    });

    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(run.last).toMatchObject({ type: "run.cancelled", reason: "Stopped by Ada" });
    expect(
      run
        .of("step.failed")
        .map((e) => [e.stepId, e.error.code])
        .sort(),
    ).toEqual([
      ["a", "CANCELLED"],
      ["b", "CANCELLED"],
    ]);
    expect(run.of("step.started").map((e) => e.stepId)).not.toContain("after");
  });

  it("cancels the run when the consumer stops reading events", async () => {
    const tools = createFakeTools({ svc: { work: () => hang() } });
    const ports = makeTestPorts({ tools });
    for await (const event of runPlan(compilePlan(toolChain(3)), {}, ports, { runId: "r" })) {
      if (event.type === "step.started" && event.stepId === "s1") break;
    }
    expect(ports.events.events.at(-1)).toMatchObject({ type: "run.cancelled" });
  });
});

describe("durability: resume from the RunStore (fake tool port)", () => {
  it("after a crash at step 4, resumes without re-running steps 1–3", async () => {
    const callsPerStep = new Map<string, number>();
    const tools = createFakeTools({
      svc: {
        work: ({ step }) =>
          callsPerStep.set(String(step), (callsPerStep.get(String(step)) ?? 0) + 1).size,
      },
    });
    const ports = makeTestPorts({ tools });
    const plan = compilePlan(toolChain(5));

    ports.store.failAfter(4); // the input step and s1..s3 are stored; storing s4 fails like a dying worker
    const crashed = await runToEnd(plan, {}, ports, { runId: "run-7" });
    expect(crashed.last).toMatchObject({
      type: "run.failed",
      error: { code: "STORE_FAILED", stepId: "s4" },
    });

    ports.store.failAfter(Number.POSITIVE_INFINITY);
    const resumed = await runToEnd(plan, {}, ports, { runId: "run-7" });
    expect(resumed.events[0]).toMatchObject({
      type: "run.started",
      resumed: true,
      restoredSteps: 4,
    });
    expect(resumed.completed).toEqual(["s4", "s5", "out"]);
    expect(Object.fromEntries(callsPerStep)).toEqual({ s1: 1, s2: 1, s3: 1, s4: 2, s5: 1 });
    expect(resumed.last).toMatchObject({ type: "run.completed", output: { out: 5 } });
  });

  it("stores every finished step before any step that depends on it starts", async () => {
    const tools = createFakeTools({ svc: { work: ({ step }) => step } });
    const ports = makeTestPorts({ tools });
    const order: string[] = [];
    const save = ports.store.saveStepRecord.bind(ports.store);
    ports.store.saveStepRecord = async (runId, record) => {
      order.push(`saved ${record.stepId}`);
      await save(runId, record);
    };
    const callTool = tools.callTool.bind(tools);
    tools.callTool = (call, options) => {
      order.push(`called ${String(call.args.step)}`);
      return callTool(call, options);
    };
    await runToEnd(compilePlan(toolChain(2)), {}, ports);
    expect(order).toEqual([
      "saved in",
      "called s1",
      "saved s1",
      "called s2",
      "saved s2",
      "saved out",
    ]);
  });
});

describe("scheduling (fake tool port, fake clock)", () => {
  it("never runs more steps at once than the plan's concurrency limit", async () => {
    const ports = makeTestPorts();
    ports.tools = createFakeTools({
      svc: { work: () => ports.clock.sleep(100).then(() => "done") },
    });
    const ids = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const doc = makeWorkflow({
      settings: { concurrency: 3 },
      nodes: [
        makeNode("input", "in"),
        makeNode("parallel", "fan"),
        ...ids.map((id) => toolNode(id)),
        makeNode("join", "join"),
        makeNode("output", "out"),
      ],
      edges: [
        connect("in", "fan"),
        ...ids.flatMap((id) => [connect("fan", id), connect(id, "join")]),
        connect("join", "out"),
      ],
    });
    const run = await runToEnd(compilePlan(doc), {}, ports);
    expect((ports.tools as ReturnType<typeof createFakeTools>).maxInFlight).toBe(3);
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { out: Array(12).fill("done").join("\n\n") },
    });
  });

  it("sums tokens and cost per step and per run, failed attempts included (fake LLM port)", async () => {
    let call = 0;
    const llm = createFakeLlm(() => {
      call++;
      // The first answer breaks the schema and is retried; its tokens were still spent.
      const object = call === 1 ? { wrong: true } : { title: `T${call}` };
      return { object, usage: { inputTokens: 100, outputTokens: 10 * call }, costUsd: 0.01 };
    });
    const schema = {
      type: "object" as const,
      properties: { title: { type: "string" as const } },
      required: ["title"],
    };
    const doc = makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode(
          "llm",
          "first",
          { prompt: "x", outputSchema: schema },
          { policy: { retry: { initialDelayMs: 1 } } },
        ),
        makeNode("llm", "second", { prompt: "y", outputSchema: schema }),
        makeNode("output", "out", { value: "{{steps.second.output.title}}" }),
      ],
      edges: chain("in", "first", "second", "out"),
    });
    const run = await runToEnd(compilePlan(doc), {}, makeTestPorts({ llm }));
    const byStep = Object.fromEntries(
      run.of("step.completed").map((e) => [e.stepId, [e.usage, e.costUsd]]),
    );
    expect(byStep.first).toEqual([{ inputTokens: 200, outputTokens: 30 }, 0.02]);
    expect(byStep.second).toEqual([{ inputTokens: 100, outputTokens: 30 }, 0.01]);
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { out: "T3" },
      usage: { inputTokens: 300, outputTokens: 60 },
    });
    expect((run.last as Extract<RunEvent, { type: "run.completed" }>).costUsd).toBeCloseTo(0.03);
  });

  it("sends every event to the EventSink in the order it yields them", async () => {
    const tools = createFakeTools({ svc: { work: () => "ok" } });
    const ports = makeTestPorts({ tools });
    const run = await runToEnd(compilePlan(toolChain(3)), {}, ports);
    expect(ports.events.events).toEqual(run.events);
  });
});

describe("run input", () => {
  it("rejects input that does not match the input node's schema before anything runs (fake LLM port)", async () => {
    const llm = createFakeLlm(() => "never");
    const ports = makeTestPorts({ llm });
    const running = collectRunEvents(
      runPlan(compilePlan(EXAMPLE_WORKFLOWS["research-brief"]), { topic: 7 }, ports, {
        runId: "r",
      }),
    );
    await expect(running).rejects.toBeInstanceOf(AppError);
    await expect(running).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message:
        "The run input is invalid: input.audience: is required; input.topic: expected string, got number",
    });
    expect(ports.events.events).toEqual([]);
    expect(llm.calls).toEqual([]);
  });
});
