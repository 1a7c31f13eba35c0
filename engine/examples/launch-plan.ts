import { chain, makeNode, makeWorkflow } from "./build-workflow";

/** Orchestrator-workers: a planner splits the launch into workstreams; one worker agent per workstream. */
export const launchPlan = makeWorkflow({
  name: "Plan a product launch",
  description:
    "A planner breaks the launch into workstreams, worker agents plan each one, and the results merge.",
  layout: true,
  nodes: [
    makeNode("input", "launch", {
      schema: {
        type: "object",
        properties: { product: { type: "string" }, launchDate: { type: "string" } },
        required: ["product", "launchDate"],
      },
    }),
    makeNode("orchestrator", "plan-launch", {
      instructions:
        "Split the launch into independent workstreams (for example messaging, press, documentation, support readiness). " +
        "Give each a title and precise instructions a specialist can follow alone.",
      task: "Launch {{input.product}} on {{input.launchDate}}",
      maxWorkers: 4,
      worker: {
        instructions:
          "You own one launch workstream. Produce a checklist with owners and dates that all fall before {{input.launchDate}}.",
        mcpServers: ["web-search"],
        maxSteps: 6,
      },
      synthesisInstructions:
        "Merge the workstream checklists into one launch plan ordered by date, flagging conflicts.",
    }),
    makeNode("output", "launch-plan", { name: "plan", value: "{{value.summary}}" }),
  ],
  edges: chain("launch", "plan-launch", "launch-plan"),
});
