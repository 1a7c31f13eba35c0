import { describe, expect, it } from "vitest";
import { EXAMPLE_WORKFLOWS } from "../examples";
import { chain, makeNode, makeWorkflow } from "../examples/build-workflow";
import type { LlmRequest } from "./ports";
import { createFakeLlm } from "./fake-ports";
import { compilePlan, makeTestPorts, runToEnd } from "./test-kit";

function userOf(request: LlmRequest): string {
  const user = request.messages.find((m) => m.role === "user");
  return user?.role === "user" ? user.content : "";
}

const greeting = makeWorkflow({
  nodes: [
    makeNode("input", "in", {
      schema: {
        type: "object",
        properties: {
          name: { type: "string" },
          title: { type: "string" },
          address: { type: "object", properties: { city: { type: "string" } } },
        },
        required: ["name"],
      },
    }),
    makeNode("transform", "greet", {
      template: {
        text: "Dear {{input.title}} {{input.name}}",
        title: "{{input.title}}",
        city: "{{input.address.city}}",
      },
    }),
    makeNode("output", "out"),
  ],
  edges: chain("in", "greet", "out"),
});

describe("optional inputs left out (fake ports)", () => {
  it("render as empty text, and as absent where a binding is the whole value", async () => {
    const run = await runToEnd(compilePlan(greeting), { name: "Ada" }, makeTestPorts());
    expect(run.last).toMatchObject({ type: "run.completed" });
    expect(run.of("step.completed").find((e) => e.stepId === "greet")?.output).toEqual({
      text: "Dear  Ada",
    });
  });

  it("are used when given", async () => {
    const run = await runToEnd(
      compilePlan(greeting),
      { name: "Ada", title: "Dr", address: { city: "Paris" } },
      makeTestPorts(),
    );
    expect(run.of("step.completed").find((e) => e.stepId === "greet")?.output).toEqual({
      text: "Dear Dr Ada",
      title: "Dr",
      city: "Paris",
    });
  });

  it("still fail the step when the path is not declared by the input schema (a typo)", async () => {
    const typo = makeWorkflow({
      nodes: [
        greeting.nodes[0]!,
        makeNode("transform", "greet", { template: "Dear {{input.nmae}}" }),
        makeNode("output", "out"),
      ],
      edges: chain("in", "greet", "out"),
    });
    const run = await runToEnd(compilePlan(typo), { name: "Ada" }, makeTestPorts());
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: { code: "BINDING_MISSING", stepId: "greet" },
    });
  });

  it("let the template 'Draft a customer reply until it passes review' run with only the complaint", async () => {
    const llm = createFakeLlm((request) =>
      request.outputSchema ? { object: { rating: 9, feedback: "good" } } : "We are sorry.",
    );
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["customer-reply"]),
      { complaint: "Late delivery" },
      makeTestPorts({ llm }),
    );
    expect(run.last).toMatchObject({ type: "run.completed", output: { reply: "We are sorry." } });
    const draft = userOf(llm.calls[0] as LlmRequest);
    expect(draft).toContain("Late delivery");
    expect(draft).not.toMatch(/undefined|null/);
  });
});
