import type { DiscoveredServer } from "./server-discovery";
import type { TaskParts } from "./task-parts";
import { toNodeId } from "./task-parts";
import type { Capability, Intent, Pattern, TaskFeatures } from "./vocabulary";

/** What an agent is for in its pattern; the planner turns each role into the matching node. */
export type AgentRole =
  | "worker"
  | "step"
  | "branch"
  | "fallback"
  | "part"
  | "discover"
  | "planner"
  | "generator"
  | "evaluator"
  | "context"
  | "entry"
  | "specialist";

export type AgentSpec = {
  /** Node id, or the agent's name inside a swarm. */
  id: string;
  role: AgentRole;
  label: string;
  instructions: string;
  /** "default" means the workspace's default model; a placeholder the user or a refiner may change. */
  model: string;
  /** Installation names of the MCP servers the agent may use. */
  servers: string[];
  /** Only these tools, when the agent needs fewer than all its servers' tools (least privilege). */
  allowedTools?: string[];
  handoffs?: string[];
  reason: string;
};

export type AgentFactoryInput = {
  pattern: Pattern;
  features: TaskFeatures;
  servers: readonly DiscoveredServer[];
  parts: TaskParts;
  model?: string;
  /** Short catalog name → the tenant's installation name, when they differ. */
  serverNames?: Readonly<Record<string, string>>;
};

const WHAT_IT_DOES: Record<Capability, string> = {
  "web-fetch": "fetch the web pages it needs",
  "web-search": "search the web for what it needs",
  files: "read and write the files involved",
  "code-hosting": "work with the repositories, issues and pull requests on the code host",
  sqlite: "query or change the SQLite database",
  "relational-db": "query the relational database",
  "browser-automation": "drive a browser through the pages involved",
  documents: "find and read the documents in the drive",
  memory: "read and update the long-term memory",
  reasoning: "reason step by step with the thinking scratchpad",
  "mcp-testing": "exercise the MCP test server",
};
const CHANGING_INTENTS: Intent[] = ["write", "create", "delete", "update", "remember"];
const CHANGING_TOOL =
  /(write|create|edit|move|delete|update|insert|push|merge|append|add_|remove|fork|upload|set_|rename)/i;

/** Keeps `{{` out of instructions: task text is prose, never a binding. */
export function quoteTask(text: string): string {
  return text.replace(/\{\{/g, "{ {").replace(/\}\}/g, "} }").trim();
}

function readOnlyTools(server: DiscoveredServer): string[] | undefined {
  const tools = server.tools.filter((tool) => !CHANGING_TOOL.test(tool));
  return tools.length > 0 && tools.length < server.tools.length ? tools : undefined;
}

function isReadOnlyTask(features: TaskFeatures): boolean {
  return !features.intents.some((intent) => CHANGING_INTENTS.includes(intent));
}

type Access = { servers: string[]; allowedTools?: string[] };

/** The servers an agent gets, and for a read-only job only their reading tools. */
function accessTo(
  servers: readonly DiscoveredServer[],
  readOnly: boolean,
  names: Readonly<Record<string, string>>,
): Access {
  const installed = servers.map((s) => names[s.shortName] ?? s.shortName);
  if (!readOnly || servers.length === 0) return { servers: installed };
  const allowed: string[] = [];
  for (const server of servers) {
    const tools = readOnlyTools(server);
    if (!tools) return { servers: installed }; // allowedTools spans all servers: one unrestricted server means no list
    allowed.push(...tools);
  }
  return { servers: installed, allowedTools: allowed };
}

const partOf = (server: DiscoveredServer) =>
  server.capability ? WHAT_IT_DOES[server.capability] : `use ${server.title}`;
const using = (servers: readonly DiscoveredServer[]) =>
  servers.length
    ? ` Use ${servers.map((s) => s.title).join(" and ")} to ${servers.map(partOf).join(", and ")}.`
    : "";

/**
 * Writes the agents a pattern needs for a task: names, instructions, servers and allowed tools.
 * @example buildAgentSpecs({ pattern: "single", features, servers, parts }).map((a) => a.id) // → ["worker"]
 */
export function buildAgentSpecs(input: AgentFactoryInput): AgentSpec[] {
  const { pattern, features, servers, parts } = input;
  const names = input.serverNames ?? {};
  const model = input.model ?? "default";
  const task = quoteTask(features.text);
  const readOnly = isReadOnlyTask(features);
  const all = accessTo(servers, readOnly, names);
  const taken = new Set(["request", "result"]);
  const spec = (
    id: string,
    role: AgentRole,
    label: string,
    instructions: string,
    access: Access,
    reason: string,
    extra: Partial<AgentSpec> = {},
  ): AgentSpec => ({
    id: toNodeId(id, taken),
    role,
    label,
    instructions,
    model,
    ...access,
    reason,
    ...extra,
  });

  switch (pattern) {
    case "single":
      return [
        spec(
          "worker",
          "worker",
          "Do the task",
          `You carry out this task: "${task}".${using(servers)} Check your result before you answer.`,
          all,
          servers.length
            ? `one agent with ${servers.map((s) => s.shortName).join(", ")} can do it`
            : "one model call can do it",
        ),
      ];
    case "chain": {
      if (servers.length >= 2) {
        return servers.map((server, i) =>
          spec(
            server.capability ?? server.shortName,
            "step",
            `Step ${i + 1}: ${server.title}`,
            `Step ${i + 1} of ${servers.length} in: "${task}". Your part: ${partOf(server)} with ${server.title}. Pass on everything the next step needs.`,
            accessTo([server], readOnly && i < servers.length - 1, names),
            `step ${i + 1}: ${server.reason}`,
          ),
        );
      }
      if (servers.length === 1) {
        const server = servers[0] as DiscoveredServer;
        return [
          spec(
            "gather",
            "step",
            "Gather",
            `First step of: "${task}". Collect what the task needs with ${server.title}; change nothing yet.`,
            accessTo([server], true, names),
            "read before changing anything: the first step only reads",
          ),
          spec(
            "act",
            "step",
            "Act",
            `Last step of: "${task}". Using what the previous step gathered, do the rest of the task with ${server.title} and report what you did.`,
            accessTo([server], readOnly, names),
            "then act on what was gathered",
          ),
        ];
      }
      return [
        spec(
          "draft",
          "step",
          "Draft",
          `First step of: "${task}". Produce a complete first result.`,
          { servers: [] },
          "compose first",
        ),
        spec(
          "finish",
          "step",
          "Finish",
          `Last step of: "${task}". Turn the previous step's result into the final answer.`,
          { servers: [] },
          "then finish",
        ),
      ];
    }
    case "router": {
      const branches = parts.items.length >= 2 ? parts.items : ["first kind", "second kind"];
      return [
        ...branches.map((branch) =>
          spec(
            branch,
            "branch",
            `Handle: ${branch}`,
            `You handle the items of the "${branch}" kind in: "${task}".${using(servers)}`,
            all,
            `the "${branch}" category named in the task`,
          ),
        ),
        spec(
          "other",
          "fallback",
          "Anything else",
          `Handle an item that fits none of the named kinds in: "${task}". Say why it did not fit.`,
          { servers: [] },
          "catches items of no named category",
        ),
      ];
    }
    case "parallel": {
      const specs: AgentSpec[] = [];
      const searches = servers.filter((s) => s.capability === "web-search");
      const named = parts.items.length >= 2;
      // Items the task does not name ("the top five databases") are found first, then handled in parallel.
      const workerServers =
        !named && searches.length && servers.length > searches.length
          ? servers.filter((s) => s.capability !== "web-search")
          : servers;
      if (!named && workerServers !== servers) {
        specs.push(
          spec(
            "discover",
            "discover",
            "Find the items",
            `Find the items this task is about and list them, one per line: "${task}".`,
            accessTo(searches, true, names),
            "the task's items are not named: find them first",
          ),
        );
      }
      const count = named ? parts.items.length : Math.min(5, Math.max(2, features.itemCount || 3));
      const labels = named
        ? parts.items
        : Array.from({ length: count }, (_, i) => `${parts.partNoun} ${i + 1}`);
      labels.forEach((label, i) => {
        const focus = named
          ? `only "${label}"`
          : `${parts.partNoun} ${i + 1} of ${count}: make it distinct from the others`;
        specs.push(
          spec(
            label,
            "part",
            label,
            `Part of: "${task}". Handle ${focus}.${using(workerServers)}`,
            accessTo(workerServers, readOnly, names),
            named
              ? `"${label}" is one of the independent parts`
              : `one of ${count} independent ${parts.partNoun}s`,
          ),
        );
      });
      return specs;
    }
    case "orchestrator":
      return [
        spec(
          "planner",
          "planner",
          "Plan the work",
          `Break this task into independent subtasks a specialist can do alone, each with a title and precise instructions: "${task}".`,
          { servers: [] },
          "open-ended work: a planner decomposes it",
        ),
        spec(
          "worker",
          "worker",
          "Worker",
          `You own one subtask of: "${task}". Do it thoroughly and report your findings with sources.${using(servers)}`,
          all,
          "each subtask runs as a worker with the task's servers",
        ),
      ];
    case "evaluator-optimizer": {
      const specs: AgentSpec[] = [];
      if (servers.length) {
        specs.push(
          spec(
            "context",
            "context",
            "Gather context",
            `Collect the material needed for: "${task}".${using(servers)} Change nothing.`,
            accessTo(servers, true, names),
            "the loop needs material from outside: gather it once, before iterating",
          ),
        );
      }
      specs.push(
        spec(
          "generator",
          "generator",
          "Write",
          `You produce the result for: "${task}". When given feedback, revise to address every point.`,
          { servers: [] },
          "writes each version",
        ),
        spec(
          "evaluator",
          "evaluator",
          "Rate",
          `Rate the result from 0 to 10 against the task's bar: "${task}". Explain exactly what would raise the score.`,
          { servers: [] },
          "rates each version against the bar",
        ),
      );
      return specs;
    }
    case "swarm": {
      const specialists =
        parts.specialists.length >= 2
          ? parts.specialists
          : ["first specialist", "second specialist"];
      const entryId = toNodeId(parts.entryAgent, taken);
      const ids = specialists.map((s) => toNodeId(s, taken));
      const entry: AgentSpec = {
        id: entryId,
        role: "entry",
        label: parts.entryAgent,
        model,
        servers: [],
        handoffs: ids,
        instructions: `You are the first contact in: "${task}". Understand the request and hand off to ${ids.join(" or ")}; answer when it is settled.`,
        reason: "the conversation starts here",
      };
      return [
        entry,
        ...ids.map((id, i) => ({
          id,
          role: "specialist" as const,
          label: specialists[i] as string,
          model,
          ...all,
          handoffs: [entryId, ...ids.filter((other) => other !== id)],
          instructions: `You are the ${specialists[i]} specialist in: "${task}".${using(servers)} Hand back to ${entryId} when your part is done.`,
          reason: `"${specialists[i]}" is a specialist named in the task`,
        })),
      ];
    }
  }
}
