import { chain, connect, makeNode, makeWorkflow } from "../examples/build-workflow";
import type { WorkflowDocument, WorkflowDocumentInput } from "../schema/workflow-document";
import type { AgentSpec } from "./agent-factory";
import { quoteTask } from "./agent-factory";
import { layoutLayered } from "./layout-layers";
import type { Pattern, TaskFeatures } from "./vocabulary";

type Nodes = NonNullable<WorkflowDocumentInput["nodes"]>;
type Edges = NonNullable<WorkflowDocumentInput["edges"]>;

export type BuiltDocument = { document: WorkflowDocument; reasons: Record<string, string> };

const INPUT = "request";
const OUTPUT = "result";
const FOLLOW_UP = "Request: {{input.task}}\n\nFrom the previous step:\n{{value}}";

const modelOf = (spec: AgentSpec) =>
  spec.model && spec.model !== "default" ? { model: spec.model } : {};

/** An agent node when the spec has servers; a single LLM call when it needs none (cheaper, same result). */
function stepNode(spec: AgentSpec, prompt: string): Nodes[number] {
  if (spec.servers.length === 0)
    return makeNode(
      "llm",
      spec.id,
      { system: spec.instructions, prompt, ...modelOf(spec) },
      { label: spec.label },
    );
  return makeNode(
    "agent",
    spec.id,
    {
      instructions: spec.instructions,
      prompt,
      mcpServers: spec.servers,
      ...(spec.allowedTools ? { allowedTools: spec.allowedTools } : {}),
      ...modelOf(spec),
    },
    { label: spec.label },
  );
}

function agentSettings(spec: AgentSpec) {
  return {
    instructions: spec.instructions,
    ...(spec.servers.length ? { mcpServers: spec.servers } : {}),
    ...(spec.allowedTools ? { allowedTools: spec.allowedTools } : {}),
    ...modelOf(spec),
  };
}

const byRole = (agents: readonly AgentSpec[], role: AgentSpec["role"]) =>
  agents.filter((a) => a.role === role);

/**
 * Lays out the nodes and edges of one pattern around the agents the factory wrote, then parses the
 * document (defaults filled) and places it left to right.
 * @example buildDocument("single", features, [worker]).document.nodes.map((n) => n.id) // → ["request", "worker", "result"]
 */
export function buildDocument(
  pattern: Pattern,
  features: TaskFeatures,
  agents: readonly AgentSpec[],
): BuiltDocument {
  const task = quoteTask(features.text);
  const reasons: Record<string, string> = {
    [INPUT]: "the run's input: the request to carry out",
    [OUTPUT]: "the workflow's answer",
  };
  for (const agent of agents) reasons[agent.id] = agent.reason;
  const nodes: Nodes = [
    makeNode(
      "input",
      INPUT,
      {
        schema: {
          type: "object",
          properties: {
            task: {
              type: "string",
              minLength: 1,
              description: `What to do. Planned for: ${task.slice(0, 200)}`,
            },
          },
          required: ["task"],
        },
      },
      { label: "Request" },
    ),
  ];
  const edges: Edges = [];
  let outputValue: string | undefined;

  switch (pattern) {
    case "single":
    case "chain": {
      const steps = byRole(agents, pattern === "single" ? "worker" : "step");
      steps.forEach((spec, i) =>
        nodes.push(stepNode(spec, i === 0 ? "{{input.task}}" : FOLLOW_UP)),
      );
      edges.push(...chain(INPUT, ...steps.map((s) => s.id), OUTPUT));
      break;
    }
    case "router": {
      const branches = byRole(agents, "branch");
      const fallback = byRole(agents, "fallback")[0];
      nodes.push(
        makeNode(
          "router",
          "classify",
          {
            mode: "llm",
            prompt: "{{input.task}}",
            branches: branches.map((b) => ({
              name: b.id,
              description: b.label.replace(/^Handle: /, ""),
            })),
          },
          { label: "Classify" },
        ),
      );
      reasons["classify"] =
        `sorts each item into ${branches.map((b) => b.id).join(", ")}, or the default branch`;
      edges.push(connect(INPUT, "classify"));
      for (const branch of branches) {
        nodes.push(stepNode(branch, "{{input.task}}"));
        edges.push(connect("classify", branch.id, branch.id), connect(branch.id, OUTPUT));
      }
      if (fallback) {
        nodes.push(stepNode(fallback, "{{input.task}}"));
        edges.push(connect("classify", fallback.id, "default"), connect(fallback.id, OUTPUT));
      }
      break;
    }
    case "parallel": {
      const discover = byRole(agents, "discover")[0];
      const parts = byRole(agents, "part");
      let previous = INPUT;
      if (discover) {
        nodes.push(stepNode(discover, "{{input.task}}"));
        edges.push(connect(INPUT, discover.id));
        previous = discover.id;
      }
      nodes.push(makeNode("parallel", "fan-out", {}, { label: "Fan out" }));
      reasons["fan-out"] = `runs the ${parts.length} independent parts at the same time`;
      edges.push(connect(previous, "fan-out"));
      for (const part of parts) {
        nodes.push(stepNode(part, discover ? FOLLOW_UP : "{{input.task}}"));
        edges.push(connect("fan-out", part.id), connect(part.id, "combine"));
      }
      nodes.push(
        makeNode(
          "join",
          "combine",
          {
            aggregator: "llm-summary",
            prompt: `Combine these results into one answer to: "${task}". Keep what differs between them; drop repetition.`,
          },
          { label: "Combine" },
        ),
      );
      reasons["combine"] = "merges the parts into one answer";
      edges.push(connect("combine", OUTPUT));
      break;
    }
    case "orchestrator": {
      const planner = byRole(agents, "planner")[0] as AgentSpec;
      const worker = byRole(agents, "worker")[0] as AgentSpec;
      nodes.push(
        makeNode(
          "orchestrator",
          planner.id,
          {
            instructions: planner.instructions,
            task: "{{input.task}}",
            maxWorkers: Math.min(8, Math.max(3, features.itemCount || 4)),
            worker: { ...agentSettings(worker), maxSteps: 8 },
            synthesisInstructions: `Merge the workers' results into one complete answer to: "${task}". Keep what matters, drop repetition.`,
            ...modelOf(planner),
          },
          { label: planner.label },
        ),
      );
      reasons[planner.id] = `${planner.reason}; ${worker.reason}`;
      delete reasons[worker.id];
      edges.push(...chain(INPUT, planner.id, OUTPUT));
      outputValue = "{{value.summary}}";
      break;
    }
    case "evaluator-optimizer": {
      const context = byRole(agents, "context")[0];
      const generator = byRole(agents, "generator")[0] as AgentSpec;
      const evaluator = byRole(agents, "evaluator")[0] as AgentSpec;
      if (context) nodes.push(stepNode(context, "{{input.task}}"));
      nodes.push(
        makeNode(
          "evaluator-optimizer",
          "refine",
          {
            task: context ? "{{input.task}}\n\nMaterial:\n{{value}}" : "{{input.task}}",
            generator: { instructions: generator.instructions, ...modelOf(generator) },
            evaluator: { instructions: evaluator.instructions, ...modelOf(evaluator) },
            threshold: 8,
            maxIterations: 4,
          },
          { label: "Write and refine" },
        ),
      );
      reasons["refine"] =
        `${generator.reason}; ${evaluator.reason}; stops at 8/10 or after 4 rounds`;
      delete reasons[generator.id];
      delete reasons[evaluator.id];
      edges.push(...chain(INPUT, ...(context ? [context.id] : []), "refine", OUTPUT));
      outputValue = "{{value.output}}";
      break;
    }
    case "swarm": {
      const entry = byRole(agents, "entry")[0] as AgentSpec;
      const members = [entry, ...byRole(agents, "specialist")];
      nodes.push(
        makeNode(
          "swarm",
          "desk",
          {
            task: "{{input.task}}",
            entryAgent: entry.id,
            maxHandoffs: 8,
            agents: members.map((m) => ({
              name: m.id,
              ...agentSettings(m),
              handoffs: m.handoffs ?? [],
            })),
          },
          { label: "Specialists" },
        ),
      );
      reasons["desk"] =
        `a conversation between ${members.map((m) => m.id).join(", ")}, starting at ${entry.id}`;
      for (const member of members) delete reasons[member.id];
      edges.push(...chain(INPUT, "desk", OUTPUT));
      outputValue = "{{value.output}}";
      break;
    }
  }
  nodes.push(
    makeNode(
      "output",
      OUTPUT,
      { name: "result", ...(outputValue ? { value: outputValue } : {}) },
      { label: "Result" },
    ),
  );
  const name = features.text.trim().replace(/\s+/g, " ");
  const document = makeWorkflow({
    name: name.length > 80 ? `${name.slice(0, 77)}…` : name,
    description: `Planned automatically as ${pattern === "evaluator-optimizer" ? "an" : "a"} ${pattern} workflow for: ${task}`,
    nodes,
    edges,
  });
  return { document: layoutLayered(document), reasons };
}
