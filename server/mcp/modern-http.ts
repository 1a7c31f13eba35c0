import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { readTextCapped } from "@/server/http";
import { longLivedInit } from "./long-lived-fetch";

/**
 * The wire of MCP revision 2026-07-28 over Streamable HTTP, which our SDK (1.x, 2025-11-25) does
 * not speak: every request is one POST carrying its protocol version and client capabilities in
 * `params._meta` (and the version, method and tool name again as headers), answered by JSON or by
 * an SSE stream of progress notifications ending in the response. There is no session and no
 * handshake; closing the stream is the cancel. See the specification's basic/transports/
 * streamable-http and basic/versioning pages.
 */

export const MODERN_PROTOCOL_VERSION = "2026-07-28";
/** The legacy revisions our SDK's `initialize` speaks, newest first. */
export const LEGACY_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];
/** JSON-RPC errors only a modern server sends: header mismatch, missing capability, unsupported version. */
export const MODERN_ERROR_CODES: ReadonlySet<number> = new Set([-32020, -32021, -32022]);
const MAX_BODY_CHARS = 10 * 1024 * 1024;
const CLIENT_INFO = { name: "maestro", version: "0.1.0" };

export type ModernEndpoint = {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  /** What we tell the server we can do (`elicitation` when someone can answer). */
  capabilities: Record<string, unknown>;
  /** Set for a stdio server (modern-stdio.ts): requests go over its pipes instead of `fetch`. */
  channel?: ModernChannel;
};

/** A non-HTTP way to the server: sends one JSON-RPC request and resolves with its answer. */
export type ModernChannel = {
  request(
    body: { id: number } & Record<string, unknown>,
    onNotification: (notification: Notification) => void,
    signal: AbortSignal,
  ): Promise<{ status: number; message: unknown }>;
  /** True once the way to the server is gone for good (a stdio process that ended). */
  readonly isClosed?: boolean;
};

export type Progress = { progress?: number; total?: number; message?: string };

export type PostOptions = {
  signal?: AbortSignal;
  /** Silence allowed between progress notifications. */
  timeoutMs: number;
  maxTotalTimeoutMs?: number;
  onProgress?: (progress: Progress) => void;
  /** Mcp-Param-* headers mirrored from a tool's arguments. */
  extraHeaders?: Record<string, string>;
  /** Every notification the answer's event stream carries (progress, log messages), as sent. */
  onNotification?: (notification: Notification) => void;
  /** The JSON-RPC id to send (newRequestId()), for a caller that must know it: a listen stream. */
  requestId?: number;
};

export type Notification = { method: string; params?: Record<string, unknown> };

const rpcError = z.object({
  code: z.number().int(),
  message: z.string().max(10_000),
  data: z.unknown().optional(),
});
const rpcResponse = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: rpcError.optional(),
});
type RpcResponse = z.infer<typeof rpcResponse>;

const SAFE_HEADER = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

/** A header value as the spec asks: plain when it is visible ASCII, else the base64 sentinel. */
export function encodeHeaderValue(value: string): string {
  const isSentinel = value.startsWith("=?base64?") && value.endsWith("?=");
  if (SAFE_HEADER.test(value) && !isSentinel) return value;
  return `=?base64?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/** `Mcp-Param-*` headers for the top-level arguments a tool marks with `x-mcp-header` (the spec's tools page). */
export function mirroredHeaders(
  inputSchema: Record<string, unknown>,
  args: Record<string, unknown>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const properties = inputSchema.properties;
  if (!properties || typeof properties !== "object") return headers;
  for (const [key, schema] of Object.entries(properties as Record<string, unknown>)) {
    const name = (schema as { "x-mcp-header"?: unknown } | null)?.["x-mcp-header"];
    const value = args[key];
    if (typeof name !== "string" || !/^[A-Za-z0-9-]{1,64}$/.test(name)) continue;
    if (typeof value === "string") headers[`mcp-param-${name}`] = encodeHeaderValue(value);
    else if (typeof value === "number" || typeof value === "boolean")
      headers[`mcp-param-${name}`] = String(value);
  }
  return headers;
}

let nextId = 1;

/** A fresh JSON-RPC id for a request of ours (ids are unique in the process). */
export function newRequestId(): number {
  return nextId++;
}

function envelope(endpoint: ModernEndpoint, version: string): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": version,
    "io.modelcontextprotocol/clientCapabilities": endpoint.capabilities,
    "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
  };
}

function nameOf(method: string, params: Record<string, unknown>): string | null {
  if (method === "tools/call" || method === "prompts/get")
    return typeof params.name === "string" ? params.name : null;
  if (method === "resources/read") return typeof params.uri === "string" ? params.uri : null;
  return null;
}

function parseMessage(text: string): RpcResponse | null {
  try {
    const parsed = rpcResponse.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Reads an SSE body until the response to `id`, handing progress notifications on. */
async function readEventStream(
  body: ReadableStream<Uint8Array>,
  id: number,
  onNotification: (notification: Notification) => void,
): Promise<RpcResponse | null> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return null;
      buffer += decoder.decode(value, { stream: true });
      if (buffer.length > MAX_BODY_CHARS) throw new Error("the server's event stream is too large");
      let end: number;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, "");
        const data = event
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""))
          .join("\n");
        if (!data) continue;
        let json: { method?: unknown; id?: unknown; params?: unknown };
        try {
          json = JSON.parse(data) as typeof json;
        } catch {
          throw new Error("the server's event stream held an event that is not JSON");
        }
        if (typeof json.method === "string" && json.id === undefined)
          onNotification({
            method: json.method,
            ...(json.params && typeof json.params === "object"
              ? { params: json.params as Record<string, unknown> }
              : {}),
          });
        else if (json.id === id) return parseMessage(data);
      }
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
}

/**
 * One request and its answer: `status` is the HTTP status, `message` the JSON-RPC response when
 * the body held one. Timeouts and cancels throw McpError -32001, as the SDK's requests do, so
 * callers map every failure the same way (errors.ts#toMcpToolError).
 */
export async function exchange(
  endpoint: ModernEndpoint,
  method: string,
  params: Record<string, unknown>,
  options: PostOptions & { version?: string },
): Promise<{ status: number; message: RpcResponse | null }> {
  const id = options.requestId ?? nextId++;
  const version = options.version ?? MODERN_PROTOCOL_VERSION;
  const given = params._meta && typeof params._meta === "object" ? params._meta : {};
  const meta: Record<string, unknown> = { ...given, ...envelope(endpoint, version) };
  if (options.onProgress) meta.progressToken = id;
  const body = { jsonrpc: "2.0", id, method, params: { ...params, _meta: meta } };
  const name = nameOf(method, params);
  const headers: Record<string, string> = {
    ...endpoint.headers,
    ...options.extraHeaders,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": version,
    "mcp-method": method,
    ...(name === null ? {} : { "mcp-name": encodeHeaderValue(name) }),
  };

  const local = new AbortController();
  let why: "timeout" | "total" | "cancel" | null = null;
  const stop = (reason: typeof why) => {
    why ??= reason;
    local.abort();
  };
  // An endless timeout (a listen stream) arms no timer: setTimeout would fire at once.
  const arm = () =>
    Number.isFinite(options.timeoutMs)
      ? setTimeout(() => stop("timeout"), options.timeoutMs)
      : undefined;
  let idle = arm();
  const total = options.maxTotalTimeoutMs
    ? setTimeout(() => stop("total"), options.maxTotalTimeoutMs)
    : null;
  const onAbort = () => stop("cancel");
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const notified = (notification: Notification) => {
    options.onNotification?.(notification);
    if (notification.method === "notifications/progress" && notification.params)
      progress(notification.params);
  };
  const progress = (p: Record<string, unknown>) => {
    if (p.progressToken !== id) return;
    clearTimeout(idle);
    idle = arm();
    options.onProgress?.({
      ...(typeof p.progress === "number" ? { progress: p.progress } : {}),
      ...(typeof p.total === "number" ? { total: p.total } : {}),
      ...(typeof p.message === "string" ? { message: p.message } : {}),
    });
  };
  try {
    if (endpoint.channel) {
      const { status, message } = await endpoint.channel.request(body, notified, local.signal);
      const parsed = rpcResponse.safeParse(message);
      return { status, message: parsed.success ? parsed.data : null };
    }
    const init: RequestInit = {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: local.signal,
    };
    // A listen stream (no timeout of ours) may be silent for long: no body timeout of fetch's either.
    const response = await endpoint.fetch(
      endpoint.url,
      Number.isFinite(options.timeoutMs) ? init : longLivedInit(init),
    );
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream") && response.body) {
      return {
        status: response.status,
        message: await readEventStream(response.body, id, notified),
      };
    }
    // Read no further than the limit: a server that answers without end must not fill our memory.
    const text = await readTextCapped(response, MAX_BODY_CHARS);
    if (text === undefined) throw new Error("the server's answer is too large");
    return { status: response.status, message: text ? parseMessage(text) : null };
  } catch (error) {
    if (why === "cancel") throw new McpError(ErrorCode.RequestTimeout, "Request cancelled");
    if (why)
      throw new McpError(ErrorCode.RequestTimeout, "Request timed out", {
        timeout: why === "total" ? options.maxTotalTimeoutMs : options.timeoutMs,
      });
    if (error instanceof TypeError && error.message === "fetch failed") {
      const cause = (error.cause as { code?: unknown } | undefined)?.code;
      throw new Error(
        `the server could not be reached${typeof cause === "string" ? ` (${cause})` : ""}`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    clearTimeout(idle);
    if (total) clearTimeout(total);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** A request whose result is returned, and whose error (or missing answer) is thrown as McpError. */
export async function post(
  endpoint: ModernEndpoint,
  method: string,
  params: Record<string, unknown>,
  options: PostOptions & { version?: string },
): Promise<Record<string, unknown>> {
  const { status, message } = await exchange(endpoint, method, params, options);
  if (message?.error)
    throw new McpError(message.error.code, message.error.message, message.error.data);
  if (message?.result) return message.result;
  throw new McpError(
    ErrorCode.InternalError,
    `the server answered ${method} with HTTP ${status} and no JSON-RPC response`,
  );
}
