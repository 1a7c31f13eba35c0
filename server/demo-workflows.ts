import { chain, makeNode, makeWorkflow } from "@/engine/examples";
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

/** The demo tenants' workflows: one that runs offline, and two from the pattern examples. */
export function demoWorkflows(): { demo: DemoWorkflow[]; acme: DemoWorkflow[] } {
  const toDemo = (doc: ReturnType<typeof makeWorkflow>): DemoWorkflow => ({
    name: doc.name ?? "Untitled",
    description: doc.description ?? "",
    document: doc,
  });
  return {
    demo: [toDemo(welcome), toDemo(EXAMPLE_WORKFLOWS["research-brief"]), toDemo(EXAMPLE_WORKFLOWS["support-triage"])],
    acme: [toDemo(EXAMPLE_WORKFLOWS["code-review"])],
  };
}
