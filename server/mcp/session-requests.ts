import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  CallToolResultSchema,
  ErrorCode,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  McpError,
  type Progress,
} from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { CallSignal } from "./call-signal";
import type { ModernSession } from "./modern-session";
import type { ToolListing } from "./tool-list-cache";
import { checkTools, LooseToolsListSchema, type CheckedTool } from "./tool-schemas";

/**
 * A connection's requests as each era sends them: a 2026-07-28 session (modern-session.ts, our
 * own wire) or the SDK's Client after `initialize`. connection.ts decides what to send and what
 * the answer means; this only says how it goes out.
 */

export type ToolProgress = { progress?: number; total?: number; message?: string };

export type CallOptions = {
  signal?: AbortSignal;
  onProgress?: (progress: ToolProgress) => void;
  /** Silence allowed between progress notifications (default 60 s); each notification restarts it. */
  timeoutMs?: number;
  /** The cap however much progress arrives (default 10 minutes). */
  maxTotalTimeoutMs?: number;
};

export type ToolResult = {
  content: unknown[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_TOTAL_TIMEOUT_MS = 10 * 60_000;
const MAX_LIST_PAGES = 50;

export type Session = { modern: ModernSession } | { client: Client };

/** Every page of tools/list (following cursors), each tool checked on its own, with the listing's freshness. */
export async function listToolPages(session: Session): Promise<ToolListing> {
  const raw: unknown[] = [];
  let ttlMs: number | null = null;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const params = cursor ? { cursor } : {};
    let result;
    if ("modern" in session) {
      const answer = await session.modern.request("tools/list", params, {
        timeoutMs: DEFAULT_CALL_TIMEOUT_MS,
      });
      // Each page's freshness counts from when it came; the listing is as fresh as its stalest.
      const ttl = typeof answer.ttlMs === "number" ? answer.ttlMs : 0;
      ttlMs = ttlMs === null ? ttl : Math.min(ttlMs, ttl);
      result = LooseToolsListSchema.parse(answer);
    } else
      result = await session.client.request(
        { method: "tools/list", params },
        LooseToolsListSchema,
        { timeout: DEFAULT_CALL_TIMEOUT_MS },
      );
    raw.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  const tools = new Map(checkTools(raw).map((tool) => [tool.name, tool]));
  return { tools, ttlMs: "modern" in session ? (ttlMs ?? 0) : "never" };
}

/**
 * The SDK's progress callback when the caller has none. Progress is asked for all the same: each
 * notification restarts the call's timeout, so a long call that reports progress is not cut.
 */
const ignoreProgress = () => {};

/** The caller's progress callback in the SDK's form (one allocation per call with a listener). */
function sdkProgress(onProgress: (progress: ToolProgress) => void) {
  return (p: Progress) =>
    onProgress({
      progress: p.progress,
      ...(p.total === undefined ? {} : { total: p.total }),
      ...(p.message ? { message: p.message } : {}),
    });
}

/**
 * tools/call with progress, timeouts that restart on progress and a total cap. The request listens
 * to `signal`, not `options.signal`: the connection passes the caller's AbortSignal to a
 * 2026-07-28 session and a call-local CallSignal to the SDK's Client (call-signal.ts: what the SDK
 * reads of a request's signal, without an AbortSignal's cost).
 *
 * The request carries `jsonrpc` and `id`, and its params an empty `_meta`, from the start. The SDK
 * copies the request to add its own (`{ ...request, jsonrpc, id }`) and the params to add the
 * progress token (`{ ...params, _meta: { ...params._meta, progressToken } }`), and on Node 20's
 * V8 an object spread followed by a property its source lacks takes a slow path that makes a new
 * hidden class on every call. Replacing a property the source already has is fast. Over stdio,
 * on the same connection: the `_meta` about 1 µs of this process's CPU per call, `jsonrpc` and
 * `id` about 4 µs (the bare SDK's `callTool` pays that one too). What goes on the wire is the
 * same: the SDK's `jsonrpc`, `id` and `_meta` with the token replace ours.
 */
export function sendToolCall(
  session: Session,
  tool: CheckedTool,
  args: Record<string, unknown>,
  options: CallOptions,
  signal: AbortSignal | CallSignal | undefined,
): Promise<ToolResult> {
  const { onProgress } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const maxTotalTimeoutMs = options.maxTotalTimeoutMs ?? DEFAULT_MAX_TOTAL_TIMEOUT_MS;
  if ("modern" in session)
    return session.modern.callTool(tool, args, {
      signal: signal as AbortSignal | undefined,
      onProgress,
      timeoutMs,
      maxTotalTimeoutMs,
    }) as Promise<ToolResult>;
  const request = {
    method: "tools/call" as const,
    params: { name: tool.name, arguments: args, _meta: {} },
    jsonrpc: "2.0" as const,
    id: 0, // replaced by the SDK's own
  };
  return session.client.request(request, CallToolResultSchema, {
    signal: signal as AbortSignal | undefined,
    onprogress: onProgress ? sdkProgress(onProgress) : ignoreProgress,
    timeout: timeoutMs,
    resetTimeoutOnProgress: true,
    maxTotalTimeout: maxTotalTimeoutMs,
  }) as Promise<ToolResult>;
}

/** A request without params, its result checked against `schema`. */
async function sendRequest<T extends z.ZodType>(
  session: Session,
  method: string,
  schema: T,
  timeoutMs: number,
): Promise<z.infer<T>> {
  if ("modern" in session)
    return schema.parse(await session.modern.request(method, {}, { timeoutMs }));
  return session.client.request({ method, params: {} }, schema as never, {
    timeout: timeoutMs,
  }) as Promise<z.infer<T>>;
}

/** A round trip that does nothing (2026-07-28 has no ping: server/discover). */
export async function sendPing(session: Session, timeoutMs: number): Promise<void> {
  if ("modern" in session) await session.modern.request("server/discover", {}, { timeoutMs });
  else await session.client.ping({ timeout: timeoutMs });
}

/** A listing the server may not really offer: "method not found" is none. */
async function optional<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return null;
    throw error;
  }
}

const LIST_TIMEOUT_MS = 15_000;

export async function listResourcesOf(
  session: Session,
): Promise<{ uri: string; name: string; description?: string }[]> {
  const result = await optional(
    sendRequest(session, "resources/list", ListResourcesResultSchema, LIST_TIMEOUT_MS),
  );
  return (result?.resources ?? []).map((r) => ({
    uri: r.uri,
    name: r.name,
    ...(r.description ? { description: r.description } : {}),
  }));
}

export async function listPromptsOf(
  session: Session,
): Promise<{ name: string; description?: string }[]> {
  const result = await optional(
    sendRequest(session, "prompts/list", ListPromptsResultSchema, LIST_TIMEOUT_MS),
  );
  return (result?.prompts ?? []).map((p) => ({
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
  }));
}
