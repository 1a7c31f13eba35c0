import { chain, connect, makeNode, makeWorkflow } from "@/engine/examples";
import { EXAMPLE_WORKFLOWS } from "@/engine/examples";
import type { DemoWorkflow } from "@/db/seed";

/** Runs with nothing configured: no LLM, no MCP server. The first thing to try. */
const welcome = makeWorkflow({
  name: "Welcome a new teammate",
  description: "Builds a welcome note from a name; runs without any LLM or MCP server.",
  layout: true,
  nodes: [
    makeNode("input", "person", {
      schema: { type: "object", properties: { name: { type: "string", description: "Who is joining" } }, required: ["name"] },
    }),
    makeNode("transform", "note", {
      template: { subject: "Welcome, {{input.name}}!", body: "Glad to have you, {{input.name}}. Your first workflow is one click away." },
    }),
    makeNode("output", "welcome", { name: "welcome" }),
  ],
  edges: chain("person", "note", "welcome"),
});

/** Waits for a person, then goes down the branch they chose; also runs without any LLM or MCP server. */
const expense = makeWorkflow({
  name: "Approve an expense",
  description: "Asks a manager to approve an expense, then books it or explains the refusal; runs offline.",
  layout: true,
  nodes: [
    makeNode("input", "claim", {
      schema: {
        type: "object",
        properties: { item: { type: "string", description: "What was bought" }, amount: { type: "number", description: "In euros" } },
        required: ["item", "amount"],
      },
    }),
    makeNode("human-approval", "manager", { message: "Approve {{input.amount}} EUR for {{input.item}}?", approvers: ["admin"] }),
    makeNode("transform", "book", { template: { booked: "{{input.item}}", amount: "{{input.amount}}" } }),
    makeNode("output", "booked", { name: "booked" }),
    makeNode("transform", "explain", { template: { refused: "{{input.item}}", reason: "{{value.comment}}" } }),
    makeNode("output", "refused", { name: "refused" }),
  ],
  edges: [
    ...chain("claim", "manager"),
    connect("manager", "book", "approved"),
    connect("book", "booked"),
    connect("manager", "explain", "rejected"),
    connect("explain", "refused"),
  ],
});

/** The demo tenants' workflows: two that run offline, and pattern examples that need an LLM. */
export function demoWorkflows(): { demo: DemoWorkflow[]; acme: DemoWorkflow[] } {
  const toDemo = (doc: ReturnType<typeof makeWorkflow>): DemoWorkflow => ({
    name: doc.name ?? "Untitled",
    description: doc.description ?? "",
    document: doc,
  });
  return {
    demo: [
      toDemo(welcome),
      toDemo(expense),
      toDemo(EXAMPLE_WORKFLOWS["research-brief"]),
      toDemo(EXAMPLE_WORKFLOWS["support-triage"]),
    ],
    acme: [toDemo(EXAMPLE_WORKFLOWS["code-review"])],
  };
}
