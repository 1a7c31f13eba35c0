import { z } from "zod";
import { McpToolError } from "./errors";

/**
 * The multi round-trip requests of 2026-07-28 (basic/patterns/mrtr), as both of our clients of
 * that revision answer them: the pool's ModernSession and the inspector's ModernClientTransport. A
 * request answered with `input_required` is sent again with the answers to its input requests and
 * the server's opaque `requestState`, until a complete result or MAX_INPUT_ROUNDS rounds.
 */

export const MAX_INPUT_ROUNDS = 8;
const MAX_INPUT_REQUESTS = 16;

const inputRequiredResult = z.object({
  resultType: z.literal("input_required"),
  inputRequests: z
    .record(
      z.string().max(200),
      z.object({ method: z.string().max(100), params: z.unknown().optional() }),
    )
    .optional(),
  requestState: z
    .string()
    .max(256 * 1024)
    .optional(),
});

export type InputRetry = { inputResponses?: Record<string, unknown>; requestState?: string };

/**
 * The multi round-trip loop (basic/patterns/mrtr) for any request that may answer
 * `input_required`: `send` the request (with the last round's answers), have `ask` fulfil each
 * input request, repeat until a complete result, at most MAX_INPUT_ROUNDS times. The result is
 * returned without `resultType`, the shape a 2025 server's result has.
 */
export async function runInputRounds(
  send: (retry: InputRetry) => Promise<Record<string, unknown>>,
  ask: (key: string, request: { method: string; params?: unknown }) => Promise<unknown>,
  context: { server: string; tool: string },
): Promise<Record<string, unknown>> {
  const where = `${context.server}/${context.tool}`;
  let retry: InputRetry = {};
  for (let round = 0; ; round++) {
    const result = await send(retry);
    if (result.resultType !== "input_required") {
      const { resultType: _complete, ...rest } = result;
      return rest;
    }
    const parsed = inputRequiredResult.safeParse(result);
    if (!parsed.success)
      throw new McpToolError(
        "PROTOCOL_ERROR",
        `${where}: the server asked for input in a shape that is not valid MCP`,
        context,
      );
    if (round + 1 >= MAX_INPUT_ROUNDS)
      throw new McpToolError(
        "PROTOCOL_ERROR",
        `${where}: the server still asked for input after ${MAX_INPUT_ROUNDS} rounds`,
        context,
      );
    const requests = Object.entries(parsed.data.inputRequests ?? {});
    if (requests.length > MAX_INPUT_REQUESTS)
      throw new McpToolError(
        "PROTOCOL_ERROR",
        `${where}: the server asked for more than ${MAX_INPUT_REQUESTS} inputs at once`,
        context,
      );
    const inputResponses: Record<string, unknown> = {};
    for (const [key, request] of requests) inputResponses[key] = await ask(key, request);
    retry = {
      ...(requests.length ? { inputResponses } : {}),
      ...(parsed.data.requestState === undefined ? {} : { requestState: parsed.data.requestState }),
    };
  }
}

/** 2026-07-28 URL-mode requests carry no elicitationId: the input request's key names it. */
export function withElicitationId(key: string, params: unknown): unknown {
  const p = params as Record<string, unknown> | undefined;
  return p?.mode === "url" && p.elicitationId === undefined ? { ...p, elicitationId: key } : p;
}
