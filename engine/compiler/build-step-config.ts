import type { NodeConfig } from "../schema/node-config";
import { DEFAULT_BRANCH } from "../schema/node-ports";
import type { AgentSettings, PlanStep, StepConfig } from "../schema/plan";
import type { WorkflowNode } from "../schema/workflow-document";
import type { DiagnosticList } from "./diagnostics";

/** `{ [serverId]: toolNames }`, as the MCP catalog knows them. */
export type ToolCatalog = Readonly<Record<string, readonly string[]>>;

export const DEFAULT_MAX_STEPS = 10;
export const DEFAULT_SYNTHESIS =
  "Combine the workers' results into one complete answer to the original task. Keep what matters, drop repetition.";

type Checker = {
  node: WorkflowNode;
  diagnostics: DiagnosticList;
  catalog: ToolCatalog | undefined;
};

function readRequired(c: Checker, value: string | undefined, field: string, what: string): string {
  if (value === undefined || value.trim() === "") {
    c.diagnostics.error("COMPILE_MISSING_CONFIG", `${what} is required`, {
      nodeId: c.node.id,
      field: `config.${field}`,
    });
    return "";
  }
  return value;
}

function checkServers(
  c: Checker,
  servers: readonly string[],
  allowedTools: readonly string[] | undefined,
  prefix: string,
) {
  const catalog = c.catalog;
  if (!catalog) return;
  const known = new Set<string>();
  servers.forEach((server, i) => {
    const tools = catalog[server];
    if (!tools) {
      c.diagnostics.error("SERVER_NOT_FOUND", `The MCP server "${server}" is not installed`, {
        nodeId: c.node.id,
        field: `config.${prefix}mcpServers[${i}]`,
      });
    } else for (const tool of tools) known.add(tool);
  });
  allowedTools?.forEach((tool, i) => {
    if (!known.has(tool)) {
      c.diagnostics.error(
        "TOOL_NOT_FOUND",
        `No tool "${tool}" on ${servers.length ? servers.map((s) => `"${s}"`).join(", ") : "this node's servers (none chosen)"}`,
        { nodeId: c.node.id, field: `config.${prefix}allowedTools[${i}]` },
      );
    }
  });
}

function buildAgentSettings(
  c: Checker,
  input: Partial<NodeConfig<"agent">>,
  prefix: string,
  what: string,
): AgentSettings {
  const mcpServers = input.mcpServers ?? [];
  checkServers(c, mcpServers, input.allowedTools, prefix);
  return {
    instructions: readRequired(c, input.instructions, `${prefix}instructions`, what),
    model: input.model || null,
    mcpServers,
    allowedTools: input.allowedTools ?? null,
    maxSteps: input.maxSteps ?? DEFAULT_MAX_STEPS,
  };
}

function buildTool(c: Checker, config: NodeConfig<"tool">): StepConfig<"tool"> {
  const server = readRequired(c, config.server, "server", "The MCP server");
  const tool = readRequired(c, config.tool, "tool", "The tool");
  const tools = server && c.catalog ? c.catalog[server] : undefined;
  if (server && c.catalog && !tools) {
    c.diagnostics.error("SERVER_NOT_FOUND", `The MCP server "${server}" is not installed`, {
      nodeId: c.node.id,
      field: "config.server",
    });
  } else if (tool && tools && !tools.includes(tool)) {
    c.diagnostics.error("TOOL_NOT_FOUND", `The MCP server "${server}" has no tool "${tool}"`, {
      nodeId: c.node.id,
      field: "config.tool",
    });
  }
  return { server, tool, args: config.args ?? null };
}

function buildRouter(c: Checker, config: NodeConfig<"router">): StepConfig<"router"> {
  const mode = config.mode ?? "llm";
  const branches = config.branches ?? [];
  if (branches.length === 0) {
    c.diagnostics.error("COMPILE_MISSING_CONFIG", "A router needs at least one branch", {
      nodeId: c.node.id,
      field: "config.branches",
    });
  }
  const seen = new Set<string>();
  const built = branches.map((branch, i) => {
    const field = `config.branches[${i}]`;
    if (branch.name.trim() === "" || branch.name === DEFAULT_BRANCH || seen.has(branch.name)) {
      const why =
        branch.name === DEFAULT_BRANCH
          ? `"${DEFAULT_BRANCH}" is reserved`
          : "names must be unique and not empty";
      c.diagnostics.error("COMPILE_INVALID_CONFIG", `Branch ${i + 1} needs another name: ${why}`, {
        nodeId: c.node.id,
        field: `${field}.name`,
      });
    }
    seen.add(branch.name);
    const when =
      mode === "rule"
        ? readRequired(c, branch.when, `branches[${i}].when`, `The rule of branch "${branch.name}"`)
        : null;
    return { name: branch.name, description: branch.description ?? null, when };
  });
  return { mode, branches: built, prompt: config.prompt || null, model: config.model || null };
}

function buildSwarm(c: Checker, config: NodeConfig<"swarm">): StepConfig<"swarm"> {
  const agents = config.agents ?? [];
  if (agents.length === 0) {
    c.diagnostics.error("COMPILE_MISSING_CONFIG", "A swarm needs at least one agent", {
      nodeId: c.node.id,
      field: "config.agents",
    });
  }
  const names = new Set(agents.map((a) => a.name ?? ""));
  const built = agents.map((agent, i) => {
    const prefix = `agents[${i}].`;
    const name = readRequired(c, agent.name, `${prefix}name`, `The name of agent ${i + 1}`);
    const handoffs = agent.handoffs ?? [];
    handoffs.forEach((target, j) => {
      if (!names.has(target) || target === name) {
        c.diagnostics.error(
          "COMPILE_INVALID_CONFIG",
          `Agent "${name}" hands off to "${target}", which is not another agent of this swarm`,
          {
            nodeId: c.node.id,
            field: `config.${prefix}handoffs[${j}]`,
          },
        );
      }
    });
    return {
      name,
      ...buildAgentSettings(c, agent, prefix, `The instructions of agent "${name}"`),
      handoffs,
    };
  });
  const entryAgent = config.entryAgent || built[0]?.name || "";
  if (config.entryAgent && !names.has(config.entryAgent)) {
    c.diagnostics.error(
      "COMPILE_INVALID_CONFIG",
      `The entry agent "${config.entryAgent}" is not in this swarm`,
      {
        nodeId: c.node.id,
        field: "config.entryAgent",
      },
    );
  }
  return {
    task: config.task || null,
    agents: built,
    entryAgent,
    maxHandoffs: config.maxHandoffs ?? 5,
  };
}

/**
 * Turns a node's saved config into its complete plan config, filling defaults and reporting every
 * missing or inconsistent field (and, given a catalog, unknown servers and tools) against the node.
 * @example buildStepConfig(makeNode("llm", "ask", {}), diagnostics) // reports COMPILE_MISSING_CONFIG on config.prompt
 */
export function buildStepConfig(
  node: WorkflowNode,
  diagnostics: DiagnosticList,
  catalog?: ToolCatalog,
): PlanStep["config"] {
  const c: Checker = { node, diagnostics, catalog };
  switch (node.kind) {
    case "input":
      return { schema: node.config.schema ?? null };
    case "agent":
      return {
        ...buildAgentSettings(c, node.config, "", "The agent's instructions"),
        prompt: node.config.prompt || null,
      };
    case "tool":
      return buildTool(c, node.config);
    case "llm":
      return {
        prompt: readRequired(c, node.config.prompt, "prompt", "The prompt"),
        system: node.config.system || null,
        model: node.config.model || null,
        outputSchema: node.config.outputSchema ?? null,
        temperature: node.config.temperature ?? null,
      };
    case "router":
      return buildRouter(c, node.config);
    case "parallel":
      return {};
    case "join":
      return {
        aggregator: node.config.aggregator ?? "concat",
        separator: node.config.separator ?? "\n\n",
        prompt: node.config.prompt || null,
        model: node.config.model || null,
      };
    case "orchestrator":
      return {
        instructions: readRequired(
          c,
          node.config.instructions,
          "instructions",
          "The planner's instructions",
        ),
        model: node.config.model || null,
        task: node.config.task || null,
        maxWorkers: node.config.maxWorkers ?? 5,
        worker: buildAgentSettings(
          c,
          node.config.worker ?? {},
          "worker.",
          "The workers' instructions",
        ),
        synthesisInstructions: node.config.synthesisInstructions || DEFAULT_SYNTHESIS,
      };
    case "evaluator-optimizer": {
      const { generator = {}, evaluator = {} } = node.config;
      return {
        task: node.config.task || null,
        generator: {
          instructions: readRequired(
            c,
            generator.instructions,
            "generator.instructions",
            "The generator's instructions",
          ),
          model: generator.model || null,
        },
        evaluator: {
          instructions: readRequired(
            c,
            evaluator.instructions,
            "evaluator.instructions",
            "The evaluator's instructions",
          ),
          model: evaluator.model || null,
        },
        threshold: node.config.threshold ?? 8,
        maxIterations: node.config.maxIterations ?? 3,
      };
    }
    case "swarm":
      return buildSwarm(c, node.config);
    case "condition":
      return { when: readRequired(c, node.config.when, "when", "The condition") };
    case "transform":
      if (node.config.template === undefined) {
        diagnostics.error("COMPILE_MISSING_CONFIG", "The template is required", {
          nodeId: node.id,
          field: "config.template",
        });
      }
      return { template: node.config.template ?? null };
    case "human-approval":
      return {
        message: node.config.message || "Approve to continue?",
        approvers: node.config.approvers ?? [],
      };
    case "output":
      return { name: node.config.name || node.id, value: node.config.value ?? null };
  }
}
