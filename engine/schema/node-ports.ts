import type { WorkflowNode } from "./workflow-document";

/** What flows along an edge, coarsely: enough to catch a text output wired into tool arguments. */
export type ValueType = "any" | "text" | "object" | "list";
export type PortSpec = { name: string; type: ValueType };
export type NodePorts = { inputs: PortSpec[]; outputs: PortSpec[] };

export const DEFAULT_BRANCH = "default";

const anyIn: PortSpec[] = [{ name: "in", type: "any" }];
const out = (type: ValueType): PortSpec[] => [{ name: "out", type }];

/**
 * The ports a node shows on the canvas and accepts edges on. Routers get one output per branch plus
 * `default`; conditions `true`/`false`; human approvals `approved`/`rejected`; every other node
 * `out`. Every node but `input` takes edges on `in`; several edges into `in` are allowed (after a
 * router only one is live), and a `join` aggregates all live ones.
 * @example listNodePorts(makeNode("condition")).outputs.map((p) => p.name) // → ["true", "false"]
 */
export function listNodePorts(node: WorkflowNode): NodePorts {
  switch (node.kind) {
    case "input":
      return { inputs: [], outputs: out("object") };
    case "agent":
      return { inputs: anyIn, outputs: out("text") };
    case "tool":
      // Without an args template the incoming value itself becomes the arguments, so it must be an object.
      return {
        inputs: [{ name: "in", type: node.config.args ? "any" : "object" }],
        outputs: out("any"),
      };
    case "llm":
      return { inputs: anyIn, outputs: out(node.config.outputSchema ? "object" : "text") };
    case "router": {
      const names = new Set(
        (node.config.branches ?? []).map((b) => b.name).filter((n) => n.length > 0),
      );
      names.add(DEFAULT_BRANCH);
      return { inputs: anyIn, outputs: [...names].map((name) => ({ name, type: "any" })) };
    }
    case "join": {
      const aggregator = node.config.aggregator ?? "concat";
      const type: ValueType =
        aggregator === "merge" ? "object" : aggregator === "llm-summary" ? "text" : "any";
      return { inputs: anyIn, outputs: out(type) };
    }
    case "orchestrator":
    case "evaluator-optimizer":
    case "swarm":
      return { inputs: anyIn, outputs: out("object") };
    case "condition":
      return {
        inputs: anyIn,
        outputs: [
          { name: "true", type: "any" },
          { name: "false", type: "any" },
        ],
      };
    case "human-approval":
      return {
        inputs: anyIn,
        outputs: [
          { name: "approved", type: "object" },
          { name: "rejected", type: "object" },
        ],
      };
    case "output":
      return { inputs: anyIn, outputs: [] };
    case "parallel":
    case "transform":
      return { inputs: anyIn, outputs: out("any") };
  }
}

/**
 * Whether a value of type `from` may flow into a port expecting `to`.
 * @example canConnect("text", "object") // → false
 */
export function canConnect(from: ValueType, to: ValueType): boolean {
  return from === "any" || to === "any" || from === to;
}
