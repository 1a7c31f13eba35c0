import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";

/**
 * The one error type of the MCP layer. Servers report failures in two shapes (a result with
 * `isError: true`, or a thrown McpError), transports add their own (closed pipes, refused
 * connections, timeouts); callers see only this, with a code that says what to do about it.
 */
export const MCP_ERROR_CODES = [
  /** The tool ran and reported a failure (`isError: true`, or an McpError from an old server). */
  "TOOL_ERROR",
  /** The arguments do not match the tool's input schema (checked before sending, or refused by the server). */
  "INVALID_ARGUMENTS",
  "TOOL_NOT_FOUND",
  /** The server listed the tool with a schema that cannot be used; the reason says why. */
  "TOOL_UNUSABLE",
  "TIMEOUT",
  "CANCELLED",
  /** The server could not be started or reached (missing binary, exited at start, refused, bad URL). */
  "CONNECT_FAILED",
  /** The server went away while the call was in flight; it is restarted for the next call. */
  "SERVER_CRASHED",
  /** The server answered something that is not MCP. */
  "PROTOCOL_ERROR",
  /** The server needs an OAuth sign-in (Connect) or a new one (Reconnect); the message says which. */
  "AUTH_REQUIRED",
] as const;
export type McpErrorCode = (typeof MCP_ERROR_CODES)[number];

const RETRYABLE: ReadonlySet<McpErrorCode> = new Set([
  "TIMEOUT",
  "CONNECT_FAILED",
  "SERVER_CRASHED",
]);

/**
 * Marks McpToolErrors so that `instanceof` holds across copies of this module: a built app has one
 * copy per bundle (the worker's opens the process's pool, the tRPC route's catches its errors).
 */
const MCP_TOOL_ERROR = Symbol.for("maestro.McpToolError");

export class McpToolError extends Error {
  readonly [MCP_TOOL_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as { [MCP_TOOL_ERROR]?: unknown })[MCP_TOOL_ERROR] === true
    );
  }

  constructor(
    public readonly code: McpErrorCode,
    message: string,
    public readonly details: {
      server?: string;
      tool?: string;
      /** The JSON-RPC code when the server or SDK gave one. */
      rpcCode?: number;
      /** The last lines the server wrote to stderr: often the only reason a server died. */
      stderr?: string;
      /** The tool's own content, for TOOL_ERROR results. */
      content?: unknown;
    } = {},
  ) {
    super(message);
    this.name = "McpToolError";
  }

  get isRetryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isMcpToolError(error: unknown): error is McpToolError {
  return error instanceof McpToolError;
}

function withStderr(message: string, stderr: string | undefined): string {
  const tail = stderr?.trim().split("\n").slice(-3).join(" | ");
  return tail ? `${message}. Server said: ${tail}` : message;
}

/** Text of an `isError` result, as the tool wrote it. */
export function textOfContent(content: unknown, maxChars = 2000): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) =>
      part && typeof part === "object" && "text" in part && typeof part.text === "string"
        ? part.text
        : "",
    )
    .filter(Boolean)
    .join("\n")
    .slice(0, maxChars);
}

/** Turns an `isError: true` result into the error type. */
export function toolResultError(server: string, tool: string, content: unknown): McpToolError {
  const text = textOfContent(content) || "The tool reported an error without a message";
  // Servers on the current SDK answer bad arguments this way, with the validation message as text.
  const code: McpErrorCode =
    /invalid (arguments|input|params)|validation error|expected .* received/i.test(text)
      ? "INVALID_ARGUMENTS"
      : "TOOL_ERROR";
  return new McpToolError(code, `${server}/${tool}: ${text}`, { server, tool, content });
}

/**
 * Classifies anything thrown below the pool (SDK, transport, spawn) into one McpToolError.
 * `phase` says whether we were connecting or calling; `isClosed` whether the connection died.
 */
export function toMcpToolError(
  error: unknown,
  context: {
    server: string;
    tool?: string;
    phase: "connect" | "call";
    stderr?: string;
    signal?: AbortSignal;
    isClosed?: boolean;
  },
): McpToolError {
  if (error instanceof McpToolError) return error;
  const { server, tool, phase, stderr } = context;
  const where = tool ? `${server}/${tool}` : server;
  const base = { server, ...(tool ? { tool } : {}), ...(stderr ? { stderr } : {}) };
  if (context.signal?.aborted) {
    return new McpToolError("CANCELLED", `${where}: cancelled`, base);
  }
  if (error instanceof McpError) {
    const rpc = { ...base, rpcCode: error.code };
    const message = error.message.replace(/^MCP error -?\d+: /, "");
    switch (error.code) {
      case ErrorCode.RequestTimeout:
        return phase === "connect"
          ? new McpToolError(
              "CONNECT_FAILED",
              withStderr(`${server}: did not finish starting in time`, stderr),
              rpc,
            )
          : new McpToolError("TIMEOUT", `${where}: no answer in time (${message})`, rpc);
      case ErrorCode.ConnectionClosed:
        return phase === "connect"
          ? new McpToolError(
              "CONNECT_FAILED",
              withStderr(`${server}: the server exited before it was ready`, stderr),
              rpc,
            )
          : new McpToolError(
              "SERVER_CRASHED",
              withStderr(`${where}: the server stopped during the call`, stderr),
              rpc,
            );
      case ErrorCode.InvalidParams:
        return new McpToolError(
          /unknown tool|not found/i.test(message) ? "TOOL_NOT_FOUND" : "INVALID_ARGUMENTS",
          `${where}: ${message}`,
          rpc,
        );
      case ErrorCode.MethodNotFound:
        return new McpToolError(
          "PROTOCOL_ERROR",
          `${where}: the server does not support this (${message})`,
          rpc,
        );
      default:
        return new McpToolError(
          phase === "connect" ? "CONNECT_FAILED" : "TOOL_ERROR",
          `${where}: ${message}`,
          rpc,
        );
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  if (context.isClosed || /not connected|connection closed|EPIPE|ECONNRESET/i.test(message)) {
    return phase === "connect"
      ? new McpToolError(
          "CONNECT_FAILED",
          withStderr(`${server}: could not start (${message})`, stderr),
          base,
        )
      : new McpToolError(
          "SERVER_CRASHED",
          withStderr(`${where}: the server stopped during the call`, stderr),
          base,
        );
  }
  if (phase === "connect") {
    const missing = /spawn (\S+) ENOENT/.exec(message)?.[1];
    const hint = missing
      ? missingCommandHint(missing)
      : /ENOENT/.test(message)
        ? "the command was not found"
        : /ECONNREFUSED|fetch failed|ENOTFOUND|EAI_AGAIN/i.test(message)
          ? "the server could not be reached"
          : message;
    return new McpToolError(
      "CONNECT_FAILED",
      withStderr(`${server}: could not connect (${hint})`, stderr),
      base,
    );
  }
  if (error && typeof error === "object" && "issues" in error) {
    return new McpToolError(
      "PROTOCOL_ERROR",
      `${where}: the server's answer is not valid MCP (${message.slice(0, 300)})`,
      base,
    );
  }
  return new McpToolError("TOOL_ERROR", `${where}: ${message}`, base);
}

/** Why a server's command is missing, naming what it means for the package kinds that need it. */
function missingCommandHint(command: string): string {
  const name = command.split("/").at(-1) ?? command;
  if (name === "uvx" || name === "uv")
    return `${name} is not installed on this host, so PyPI packages cannot be fetched or started here; install uv on the server to use them`;
  if (name === "docker")
    return "docker is not installed on this host, so OCI images cannot be started here";
  return `the command was not found: ${name}`;
}
