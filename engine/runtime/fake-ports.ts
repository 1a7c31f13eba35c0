import { raceAbort } from "./race-abort";
import type {
  LlmPort,
  LlmRequest,
  LlmResponse,
  McpToolInfo,
  ToolCall,
  ToolPort,
  ToolProgress,
} from "./ports";

/**
 * Scriptable stand-ins for the LLM and MCP tools, for tests, benchmarks and demos: no network.
 * Each records its calls and tracks how many run at once.
 */
export type FakeLlm = LlmPort & { calls: LlmRequest[]; maxInFlight: number };
export type FakeLlmReply = Partial<LlmResponse> | string;

/**
 * An LLM that answers with `reply(request, callNumber)`; a string is the text. Honours the abort
 * signal, and streams the text as one delta when asked to.
 * @example createFakeLlm(() => ({ object: { branch: "billing" } }))
 */
export function createFakeLlm(
  reply: (request: LlmRequest, call: number) => FakeLlmReply | Promise<FakeLlmReply>,
): FakeLlm {
  let inFlight = 0;
  const fake: FakeLlm = {
    calls: [],
    maxInFlight: 0,
    async generate(request) {
      fake.calls.push(request);
      inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
      try {
        request.signal.throwIfAborted();
        const answer = await raceAbort(
          Promise.resolve(reply(request, fake.calls.length)),
          request.signal,
        );
        const response: LlmResponse =
          typeof answer === "string"
            ? { text: answer, usage: { inputTokens: 0, outputTokens: 0 } }
            : {
                text: answer.text ?? "",
                usage: answer.usage ?? { inputTokens: 0, outputTokens: 0 },
                ...(answer.object === undefined ? {} : { object: answer.object }),
                ...(answer.toolCalls ? { toolCalls: answer.toolCalls } : {}),
                ...(answer.costUsd === undefined ? {} : { costUsd: answer.costUsd }),
              };
        if (response.text) request.onDelta?.(response.text);
        return response;
      } finally {
        inFlight--;
      }
    },
  };
  return fake;
}

export type FakeTools = ToolPort & { calls: ToolCall[]; maxInFlight: number };
export type FakeToolHandler = (
  args: Record<string, unknown>,
  context: { signal: AbortSignal; onProgress?: (p: ToolProgress) => void },
) => unknown;

/**
 * MCP tools from a table `{ server: { tool: handler } }`; an unknown tool rejects like MCP would.
 * @example createFakeTools({ search: { web: ({ q }) => ({ items: [`about ${q}`] }) } })
 */
export function createFakeTools(
  servers: Record<string, Record<string, FakeToolHandler>>,
): FakeTools {
  let inFlight = 0;
  const fake: FakeTools = {
    calls: [],
    maxInFlight: 0,
    async listTools(server): Promise<McpToolInfo[]> {
      return Object.keys(servers[server] ?? {}).map((name) => ({
        name,
        description: `${server} ${name}`,
      }));
    },
    async callTool(call, options) {
      fake.calls.push(call);
      inFlight++;
      fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
      try {
        const handler = servers[call.server]?.[call.tool];
        if (!handler) throw new Error(`Unknown tool ${call.server}/${call.tool}`);
        const result = handler(call.args, options);
        // Only a pending result can be cut short; reading the signal of a finished call would only cost time.
        return result instanceof Promise ? await raceAbort(result, options.signal) : result;
      } finally {
        inFlight--;
      }
    },
  };
  return fake;
}

/** Rejects as soon as the signal aborts, the way a well-behaved port does. */
export { raceAbort } from "./race-abort";

/** A promise that never settles on its own: a port call that hangs until aborted. */
export const hang = (): Promise<never> => new Promise<never>(() => undefined);
