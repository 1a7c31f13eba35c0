import { describe, expect, it } from "vitest";
import { connect, makeNode, makeWorkflow } from "../../examples/build-workflow";
import { createFakeLlm, type FakeLlmReply } from "../fake-ports";
import type { LlmRequest } from "../ports";
import { StepError } from "../step-error";
import { compilePlan, makeTestPorts, runToEnd } from "../test-kit";

/** A router in LLM mode with two branches and the default one, each ending in its own transform. */
function triage(policy?: { fallback: string }) {
  return makeWorkflow({
    nodes: [
      makeNode("input", "in"),
      makeNode(
        "router",
        "route",
        { mode: "llm", prompt: "{{input.text}}", branches: [{ name: "billing" }, { name: "bug" }] },
        policy ? { policy: { ...policy, retry: { maxAttempts: 1 } } } : {},
      ),
      makeNode("transform", "to-billing", { template: "billing" }),
      makeNode("transform", "to-bugs", { template: "bug" }),
      makeNode("transform", "to-queue", { template: "queue" }),
      makeNode("transform", "by-hand", { template: "by hand" }),
      makeNode("output", "out"),
    ],
    edges: [
      connect("in", "route"),
      connect("route", "to-billing", "billing"),
      connect("route", "to-bugs", "bug"),
      connect("route", "to-queue", "default"),
      connect("to-billing", "out"),
      connect("to-bugs", "out"),
      connect("to-queue", "out"),
    ],
  });
}

const unreadable = () => {
  throw new StepError(
    "LLM_OUTPUT_INVALID",
    "openai/gpt-4o-mini answered in a shape other than the one asked for: could not parse the response",
    true,
  );
};

async function route(reply: (request: LlmRequest) => FakeLlmReply, policy?: { fallback: string }) {
  const llm = createFakeLlm(reply);
  return runToEnd(
    compilePlan(triage(policy)),
    { text: "my card was charged twice" },
    makeTestPorts({ llm }),
  );
}

describe("an LLM router (fake LLM port)", () => {
  it("takes the branch the model names", async () => {
    const run = await route(() => ({ object: { branch: "billing" } }));
    expect(run.of("step.completed").find((e) => e.stepId === "route")).toMatchObject({
      port: "billing",
    });
    expect(run.last).toMatchObject({ type: "run.completed", output: { out: "billing" } });
    expect(run.of("step.progress").filter((e) => e.stepId === "route")).toEqual([]);
  });

  it("takes the default branch when the answer cannot be read, and says why, instead of failing the run", async () => {
    const run = await route(unreadable);
    expect(run.last).toMatchObject({ type: "run.completed", output: { out: "queue" } });
    expect(run.of("step.completed").find((e) => e.stepId === "route")).toMatchObject({
      port: "default",
    });
    expect(run.of("step.progress").find((e) => e.stepId === "route")?.message).toMatch(
      /^Took the default branch: the model's answer could not be read as a branch \(.*could not parse the response\)$/,
    );
  });

  it("takes the default branch when the answer names no branch, and says which answer it was", async () => {
    const run = await route(() => ({ object: { branch: "lottery" } }));
    expect(run.last).toMatchObject({ type: "run.completed", output: { out: "queue" } });
    expect(run.of("step.progress").find((e) => e.stepId === "route")?.message).toBe(
      'Took the default branch: the model answered "lottery", which is not one of "billing", "bug"',
    );
  });

  it("runs the configured fallback when the answer cannot be read, saying why the router failed", async () => {
    const run = await route(unreadable, { fallback: "by-hand" });
    expect(run.of("step.failed")).toEqual([
      expect.objectContaining({
        stepId: "route",
        fallbackStepId: "by-hand",
        error: expect.objectContaining({ code: "LLM_OUTPUT_INVALID" }),
      }),
    ]);
    expect(run.of("step.completed").find((e) => e.stepId === "route")).toMatchObject({
      port: "default",
      fallbackStepId: "by-hand",
    });
    expect(run.last).toMatchObject({ type: "run.completed", output: { out: "queue" } });
  });

  it("still fails on a provider error that is not about the answer", async () => {
    const run = await route(() => {
      throw new StepError("LLM_AUTH_FAILED", "The provider refused the API key", false);
    });
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: { code: "LLM_AUTH_FAILED", stepId: "route" },
    });
  });
});
