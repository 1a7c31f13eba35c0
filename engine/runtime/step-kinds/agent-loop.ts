import type { AgentSettings } from "../../schema/plan";
import type { LlmMessage, LlmToolCall, LlmToolSpec, McpToolInfo } from "../ports";
import type { StepScope } from "../step-scope";
import { StepError } from "../step-error";

export type AgentOutcome = { text: string; handoff?: string };
type ToolRoute = { server: string; tool: string };

/** The agent's MCP tools under the names the model sees: the bare name, or server__name when two servers share it. */
async function resolveTools(scope: StepScope, settings: AgentSettings) {
  const listed: Array<{ server: string; info: McpToolInfo }> = [];
  for (const server of settings.mcpServers) {
    for (const info of await scope.listTools(server)) listed.push({ server, info });
  }
  const allowed = settings.allowedTools ? new Set(settings.allowedTools) : undefined;
  const chosen = allowed ? listed.filter((t) => allowed.has(t.info.name)) : listed;
  if (allowed) {
    const found = new Set(chosen.map((t) => t.info.name));
    const missing = [...allowed].filter((name) => !found.has(name));
    if (missing.length > 0) {
      throw new StepError(
        "TOOL_NOT_FOUND",
        `No tool ${missing.map((m) => `"${m}"`).join(", ")} on ${settings.mcpServers.join(", ") || "no servers"}`,
        false,
      );
    }
  }
  const counts = new Map<string, number>();
  for (const t of chosen) counts.set(t.info.name, (counts.get(t.info.name) ?? 0) + 1);
  const routes = new Map<string, ToolRoute>();
  const specs: LlmToolSpec[] = chosen.map(({ server, info }) => {
    const name = (counts.get(info.name) ?? 0) > 1 ? `${server}__${info.name}` : info.name;
    routes.set(name, { server, tool: info.name });
    return {
      name,
      ...(info.description ? { description: info.description } : {}),
      ...(info.inputSchema ? { inputSchema: info.inputSchema } : {}),
    };
  });
  return { routes, specs };
}

async function runToolCall(
  scope: StepScope,
  routes: Map<string, ToolRoute>,
  call: LlmToolCall,
): Promise<LlmMessage> {
  const answer = (result: unknown): LlmMessage => ({
    role: "tool",
    toolCallId: call.id,
    toolName: call.name,
    result,
  });
  const route = routes.get(call.name);
  if (!route) return answer({ error: `There is no tool named "${call.name}"` });
  const args =
    typeof call.args === "object" && call.args !== null
      ? (call.args as Record<string, unknown>)
      : {};
  scope.progress(`Calling ${route.server}/${route.tool}`);
  try {
    return answer(await scope.callTool({ server: route.server, tool: route.tool, args }));
  } catch (error) {
    // A failing tool is information for the model (it may try another way), unless the step is stopping.
    if (scope.signal.aborted) throw error;
    return answer({ error: error instanceof Error ? error.message : String(error) });
  }
}

export const handoffToolName = (agent: string) => `transfer_to_${agent}`;

/**
 * Runs one agent: the model calls tools (executed through the ToolPort, so each is visible and
 * cancellable) until it answers in text or reaches `maxSteps` model calls; the last call offers no
 * tools, which makes the model answer. A call to a hand-off tool ends the loop with `handoff`.
 * @example const { text } = await runAgentLoop(scope, step.config, scope.renderText(step.config.prompt));
 */
export async function runAgentLoop(
  scope: StepScope,
  settings: AgentSettings,
  prompt: string,
  handoffs: readonly string[] = [],
): Promise<AgentOutcome> {
  const { routes, specs } = await resolveTools(scope, settings);
  const handoffNames = new Map(handoffs.map((agent) => [handoffToolName(agent), agent]));
  const handoffSpecs: LlmToolSpec[] = handoffs.map((agent) => ({
    name: handoffToolName(agent),
    description: `Hand the conversation to ${agent} when they are better placed to continue.`,
  }));
  const messages: LlmMessage[] = [
    { role: "system", content: scope.renderText(settings.instructions) },
    { role: "user", content: prompt },
  ];
  for (let call = 1; ; call++) {
    const isLast = call >= settings.maxSteps;
    const tools = isLast ? handoffSpecs : [...specs, ...handoffSpecs];
    const response = await scope.generate({
      model: settings.model,
      messages,
      ...(tools.length ? { tools } : {}),
    });
    const calls = response.toolCalls ?? [];
    const handoff = calls.find((c) => handoffNames.has(c.name));
    if (handoff) return { text: response.text, handoff: handoffNames.get(handoff.name) as string };
    if (calls.length === 0 || isLast) return { text: response.text };
    messages.push({ role: "assistant", content: response.text, toolCalls: calls });
    messages.push(...(await Promise.all(calls.map((c) => runToolCall(scope, routes, c)))));
  }
}
