import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { countMcpRestart } from "@/server/observability/metrics";
import { McpConnection } from "./connection";
import { McpToolError } from "./errors";
import type { LaunchSpec } from "./launch";
import { canAskInCallContext, routeElicitation, type CallSlot } from "./pool-questions";

/**
 * One key's connection in the pool and its lifecycle: opening (after the backoff of earlier
 * failures), the bookkeeping of crashes and failed starts, and what the diagnostics show.
 */

export type PoolOptions = {
  connectTimeoutMs?: number;
  idleMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * How a connection reaches its server (default: a process for stdio, HTTP otherwise). The pool's
   * own logic (restart, backoff, timeouts, cancel) is tested over the SDK's in-memory transport.
   */
  createTransport?: (spec: LaunchSpec) => Transport;
};

export type ResolvedPoolOptions = Required<Omit<PoolOptions, "createTransport">> &
  Pick<PoolOptions, "createTransport">;

export type ConnectionDiagnostics = {
  state: "idle" | "connecting" | "ready" | "backoff";
  pid: number | null;
  connectMs: number | null;
  failures: number;
  lastError: string | null;
  stderr: string;
};

export type Entry = {
  key: string;
  inFlight: Set<CallSlot>;
  name: string;
  spec: LaunchSpec;
  fingerprint: string;
  connection: McpConnection | null;
  /** Whether calls on `connection` run in their own async context (pool-questions.ts). */
  asksInCallContext: boolean;
  connecting: Promise<McpConnection> | null;
  failures: number;
  retryAt: number;
  lastError: McpToolError | null;
  lastStderr: string;
  lastUsed: number;
};

export function newEntry(key: string, name: string, spec: LaunchSpec, fingerprint: string): Entry {
  return {
    key,
    name,
    spec,
    fingerprint,
    inFlight: new Set(),
    connection: null,
    asksInCallContext: true,
    connecting: null,
    failures: 0,
    retryAt: 0,
    lastError: null,
    lastStderr: "",
    lastUsed: Date.now(),
  };
}

/** The entry's connection while it is open. */
export function liveConnection(entry: Entry): McpConnection | null {
  const connection = entry.connection;
  return connection && !connection.isClosed ? connection : null;
}

function backoffMs(options: ResolvedPoolOptions, failures: number): number {
  return Math.min(options.backoffBaseMs * 2 ** Math.max(0, failures - 1), options.backoffMaxMs);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Opens the entry's connection, first waiting out the backoff of earlier failures. A failure
 * counts towards the next backoff; `isCurrent` says whether the entry is still the pool's (a
 * close or an evict while connecting wins, and the fresh connection is closed again).
 */
export async function openConnection(
  entry: Entry,
  options: ResolvedPoolOptions,
  isCurrent: () => boolean,
): Promise<McpConnection> {
  const wait = entry.retryAt - Date.now();
  if (wait > 0) await sleep(wait);
  if (entry.failures > 0) countMcpRestart(entry.name);
  const connection = new McpConnection(entry.name, entry.spec, {
    connectTimeoutMs: options.connectTimeoutMs,
    elicit: (request, signal) => routeElicitation(entry, request, signal),
    ...(options.createTransport ? { createTransport: options.createTransport } : {}),
    onClosed: (closed, unexpected) => {
      entry.lastStderr = closed.stderr.value;
      if (entry.connection !== closed) return;
      entry.connection = null;
      if (unexpected) {
        entry.failures += 1;
        entry.retryAt = Date.now() + backoffMs(options, entry.failures);
        entry.lastError = new McpToolError("SERVER_CRASHED", `${entry.name}: the server stopped`, {
          server: entry.name,
          stderr: closed.stderr.value,
        });
      }
    },
  });
  try {
    await connection.connect();
  } catch (error) {
    entry.failures += 1;
    entry.retryAt = Date.now() + backoffMs(options, entry.failures);
    entry.lastStderr = connection.stderr.value;
    entry.lastError =
      error instanceof McpToolError
        ? error
        : new McpToolError("CONNECT_FAILED", String(error), { server: entry.name });
    throw entry.lastError;
  }
  if (!isCurrent()) {
    await connection.close();
    throw new McpToolError("CANCELLED", `${entry.name}: the server was removed while connecting`, {
      server: entry.name,
    });
  }
  entry.connection = connection;
  entry.asksInCallContext = canAskInCallContext(connection, !options.createTransport);
  return connection;
}

export function diagnose(entry: Entry): ConnectionDiagnostics {
  const live = liveConnection(entry);
  return {
    state: live
      ? "ready"
      : entry.connecting
        ? "connecting"
        : entry.retryAt > Date.now()
          ? "backoff"
          : "idle",
    pid: live?.pid ?? null,
    connectMs: live?.connectMs ?? null,
    failures: entry.failures,
    lastError: entry.lastError?.message ?? null,
    stderr: live?.stderr.value ?? entry.lastStderr,
  };
}
