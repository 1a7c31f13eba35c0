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
      schema: {
        type: "object",
        properties: { name: { type: "string", description: "Who is joining" } },
        required: ["name"],
      },
    }),
    makeNode("transform", "note", {
      template: {
        subject: "Welcome, {{input.name}}!",
        body: "Glad to have you, {{input.name}}. Your first workflow is one click away.",
      },
    }),
    makeNode("output", "welcome", { name: "welcome" }),
  ],
  edges: chain("person", "note", "welcome"),
});

/** Waits for a person, then goes down the branch they chose; also runs without any LLM or MCP server. */
const expense = makeWorkflow({
  name: "Approve an expense",
  description:
    "Asks a manager to approve an expense, then books it or explains the refusal; runs offline.",
  layout: true,
  nodes: [
    makeNode("input", "claim", {
      schema: {
        type: "object",
        properties: {
          item: { type: "string", description: "What was bought" },
          amount: { type: "number", description: "In euros" },
        },
        required: ["item", "amount"],
      },
    }),
    makeNode("human-approval", "manager", {
      message: "Approve {{input.amount}} EUR for {{input.item}}?",
      approvers: ["admin"],
    }),
    makeNode("transform", "book", {
      template: { booked: "{{input.item}}", amount: "{{input.amount}}" },
    }),
    makeNode("output", "booked", { name: "booked" }),
    makeNode("transform", "explain", {
      template: { refused: "{{input.item}}", reason: "{{value.comment}}" },
    }),
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

/** A tool step that takes `seconds`, with a progress notification every second. */
function longOperation(id: string, seconds: number) {
  return makeNode("tool", id, {
    server: "everything",
    tool: "trigger-long-running-operation",
    args: { duration: seconds, steps: seconds },
  });
}

/**
 * Takes about 20 seconds with no LLM: three long-running operations on the Everything MCP server
 * (offline, shipped with the app), each reporting progress. For watching a run live, or cancelling one.
 */
const slowBatch = makeWorkflow({
  name: "Process a slow batch",
  description:
    "Three long-running steps (about 20 s) on the Everything MCP server, with progress; runs offline once the server is installed from the marketplace as “everything”.",
  layout: true,
  nodes: [
    makeNode("input", "batch", {
      schema: {
        type: "object",
        properties: { name: { type: "string", description: "What the batch is called" } },
        required: ["name"],
      },
    }),
    longOperation("collect", 8),
    longOperation("crunch", 8),
    longOperation("publish", 4),
    makeNode("transform", "summary", {
      template: { batch: "{{input.name}}", result: "{{value.text}}" },
    }),
    makeNode("output", "report", { name: "report" }),
  ],
  edges: chain("batch", "collect", "crunch", "publish", "summary", "report"),
});

/** The demo tenants' workflows: three that run offline, and pattern examples that need an LLM. */
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
      toDemo(slowBatch),
      toDemo(EXAMPLE_WORKFLOWS["research-brief"]),
      toDemo(EXAMPLE_WORKFLOWS["support-triage"]),
    ],
    acme: [toDemo(EXAMPLE_WORKFLOWS["code-review"])],
  };
}
