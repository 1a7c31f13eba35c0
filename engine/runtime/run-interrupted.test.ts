import { describe, expect, it } from "vitest";
import { chain, makeNode, makeWorkflow } from "../examples/build-workflow";
import { createFakeTools } from "./fake-ports";
import { compilePlan, makeTestPorts, runToEnd } from "./test-kit";

/**
 * A run resumed after its worker stopped mid-step: `interruptedSteps` names the steps that had
 * started and not finished. A step marked not safe to repeat waits for a person instead of
 * sending its call again; the others run again.
 */
const workflow = (notSafeToRepeat: boolean) =>
  makeWorkflow({
    name: "Charge and notify",
    nodes: [
      makeNode("input", "in"),
      makeNode(
        "tool",
        "charge",
        { server: "bank", tool: "charge", args: { amount: 10 } },
        notSafeToRepeat ? { label: "Charge card", policy: { notSafeToRepeat: true } } : {},
      ),
      makeNode("tool", "notify", { server: "mail", tool: "send", args: {} }),
      makeNode("output", "out", { name: "done", value: null }),
    ],
    edges: chain("in", "charge", "notify", "out"),
  });

const setup = () => {
  const tools = createFakeTools({
    bank: { charge: () => ({ charged: true }) },
    mail: { send: () => ({ sent: true }) },
  });
  return { tools, ports: makeTestPorts({ tools }) };
};
const callsTo = (tools: ReturnType<typeof setup>["tools"], tool: string) =>
  tools.calls.filter((call) => call.tool === tool).length;

describe("interrupted steps", () => {
  it("runs an interrupted step again when it is safe to repeat", async () => {
    const { tools, ports } = setup();
    const run = await runToEnd(compilePlan(workflow(false)), {}, ports, {
      interruptedSteps: ["charge"],
    });
    expect(run.last.type).toBe("run.completed");
    expect(callsTo(tools, "charge")).toBe(1);
  });

  it("waits for a person at an interrupted step that is not safe to repeat, sending nothing", async () => {
    const { tools, ports } = setup();
    const run = await runToEnd(compilePlan(workflow(true)), {}, ports, {
      interruptedSteps: ["charge"],
    });
    expect(run.last).toMatchObject({
      type: "run.waiting",
      waitingFor: [
        {
          stepId: "charge",
          reason: "interrupted",
          approvers: [],
          message: expect.stringContaining('"Charge card" was interrupted'),
        },
      ],
    });
    expect(tools.calls).toEqual([]);
  });

  it("is not held back by the setting when the step was not interrupted", async () => {
    const { tools, ports } = setup();
    const run = await runToEnd(compilePlan(workflow(true)), {}, ports);
    expect(run.last.type).toBe("run.completed");
    expect(callsTo(tools, "charge")).toBe(1);
  });

  it("on retry sends the call again and goes on", async () => {
    const { tools, ports } = setup();
    const run = await runToEnd(compilePlan(workflow(true)), {}, ports, {
      interruptedSteps: ["charge"],
      interruptionDecisions: { charge: "retry" },
    });
    expect(run.last.type).toBe("run.completed");
    expect(callsTo(tools, "charge")).toBe(1);
    expect(callsTo(tools, "send")).toBe(1);
  });

  it("on skip goes on without sending the call, the step done with no output", async () => {
    const { tools, ports } = setup();
    const run = await runToEnd(compilePlan(workflow(true)), {}, ports, {
      interruptedSteps: ["charge"],
      interruptionDecisions: { charge: "skip" },
    });
    expect(run.last.type).toBe("run.completed");
    expect(callsTo(tools, "charge")).toBe(0);
    expect(callsTo(tools, "send")).toBe(1);
    expect(run.of("step.completed").find((e) => e.stepId === "charge")).toMatchObject({
      output: null,
      attempts: 0,
    });
  });

  it("on fail ends the run at that step without sending anything", async () => {
    const { tools, ports } = setup();
    const run = await runToEnd(compilePlan(workflow(true)), {}, ports, {
      interruptedSteps: ["charge"],
      interruptionDecisions: { charge: "fail" },
    });
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: { code: "STEP_INTERRUPTED", stepId: "charge" },
    });
    expect(tools.calls).toEqual([]);
  });
});
