import { AsyncLocalStorage } from "node:async_hooks";
import { SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import type { CallOptions, McpConnection, ToolResult } from "./connection";
import {
  ElicitationRefusedError,
  type ElicitHandler,
  type ElicitationRequest,
} from "./elicitation";

/** One call in flight on an entry's connection, for routing the server's questions to it. */
export type CallSlot = { onElicit: ElicitHandler | undefined };

/** The call whose async context a question was asked in (a 2026-07-28 retry loop runs in it). */
const currentCall = new AsyncLocalStorage<CallSlot>();

/**
 * Sends a server's question to the call that asked it. A connection is shared by every run of a
 * tenant's installation, so the question goes to the call in flight: the one whose async context
 * it arrived in (2026-07-28, where the call itself carries it), else the only call in flight
 * (2025-11-25's `elicitation/create` names no request). With several calls in flight and no way
 * to tell which one asks, the question is refused (the server hears why) rather than shown to
 * the wrong run.
 */
export async function routeElicitation(
  entry: { inFlight: Set<CallSlot> },
  request: ElicitationRequest,
  signal: AbortSignal,
): Promise<Awaited<ReturnType<ElicitHandler>>> {
  const own = currentCall.getStore();
  const slot =
    own && entry.inFlight.has(own)
      ? own
      : entry.inFlight.size === 1
        ? [...entry.inFlight][0]
        : null;
  if (!slot)
    throw new ElicitationRefusedError(
      entry.inFlight.size === 0
        ? "no tool call is in flight to ask about"
        : `${entry.inFlight.size} tool calls are in flight on this connection and the request does not say which one asks; retry when the others have finished`,
    );
  if (!slot.onElicit)
    throw new ElicitationRefusedError("nobody can answer questions during this call");
  return slot.onElicit(request, signal);
}

/**
 * Whether a question from this connection's server can arrive in the async context of the call
 * that asked it, so that a call must run inside `currentCall`. Not over a process's pipes spoken
 * to by the SDK's Client (a 2025-era stdio server): every message there arrives in the pipe's own
 * context, so only the "only call in flight" rule can route. Running every call inside an
 * AsyncLocalStorage is not free on Node 20: once one is used, every promise in the process pays a
 * hook, so calls that cannot be told apart by context do not enter it.
 */
export function canAskInCallContext(connection: McpConnection, ownPipes: boolean): boolean {
  if (!ownPipes || connection.spec.transport !== "stdio") return true;
  const version = connection.protocolVersion;
  return !(version && SUPPORTED_PROTOCOL_VERSIONS.includes(version));
}

/** Runs a call on `connection` inside `slot`'s context, where the server's questions find it. */
export function callInContext(
  slot: CallSlot,
  connection: McpConnection,
  call: { tool: string; args: Record<string, unknown> },
  options: CallOptions,
): Promise<ToolResult> {
  return currentCall.run(slot, () => connection.callTool(call.tool, call.args, options));
}
