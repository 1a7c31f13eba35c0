import { AsyncLocalStorage } from "node:async_hooks";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { raceAbort } from "@/engine/runtime/race-abort";
import { McpConnection, type CallOptions, type ToolResult } from "./connection";
import { countMcpRestart, observeMcpCall, reportMcpState } from "@/server/observability/metrics";
import {
  ElicitationRefusedError,
  type ElicitHandler,
  type ElicitationRequest,
} from "./elicitation";
import { McpToolError } from "./errors";
import { fingerprintOf, type LaunchSpec } from "./launch";
import { describeTool, type ToolDescription } from "./tool-schemas";

/**
 * The MCP client pool: one connection per key (a tenant's installation), opened on first use and
 * reused by every later call. A connection that dies is restarted on the next use, after a backoff
 * that grows with consecutive failures (250 ms, 500 ms, … up to 30 s), so a server that crashes at
 * start is not spawned in a tight loop. A changed launch spec (new configuration) replaces the
 * connection. Idle connections are closed after `idleMs`.
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

export type ConnectionDiagnostics = {
  state: "idle" | "connecting" | "ready" | "backoff";
  pid: number | null;
  connectMs: number | null;
  failures: number;
  lastError: string | null;
  stderr: string;
};

/** A pool call's options: a call that can ask a person says who answers (`onElicit`). */
export type PoolCallOptions = CallOptions & { onElicit?: ElicitHandler };

/** One call in flight on an entry's connection, for routing the server's questions to it. */
type CallSlot = { onElicit: ElicitHandler | undefined };

type Entry = {
  key: string;
  inFlight: Set<CallSlot>;
  name: string;
  spec: LaunchSpec;
  fingerprint: string;
  connection: McpConnection | null;
  connecting: Promise<McpConnection> | null;
  failures: number;
  retryAt: number;
  lastError: McpToolError | null;
  lastStderr: string;
  lastUsed: number;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `promise` unless `signal` aborts first, which rejects with CANCELLED. */
function abandonable<T>(promise: Promise<T>, signal: AbortSignal, name: string): Promise<T> {
  return raceAbort(
    promise,
    signal,
    () => new McpToolError("CANCELLED", `${name}: cancelled while connecting`, { server: name }),
  );
}

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
async function routeElicitation(
  entry: { name: string; inFlight: Set<CallSlot> },
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

export class McpPool {
  private readonly entries = new Map<string, Entry>();
  private readonly options: Required<Omit<PoolOptions, "createTransport">> &
    Pick<PoolOptions, "createTransport">;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(options: PoolOptions = {}) {
    this.options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 30_000,
      idleMs: options.idleMs ?? 10 * 60_000,
      backoffBaseMs: options.backoffBaseMs ?? 250,
      backoffMaxMs: options.backoffMaxMs ?? 30_000,
      createTransport: options.createTransport,
    };
  }

  private entryFor(key: string, name: string, spec: LaunchSpec): Entry {
    let entry = this.entries.get(key);
    if (entry && entry.spec === spec) {
      entry.lastUsed = Date.now();
      return entry;
    }
    const fingerprint = fingerprintOf(spec);
    if (entry && entry.fingerprint !== fingerprint) {
      void entry.connection?.close();
      this.entries.delete(key);
      entry = undefined;
    }
    if (entry) entry.spec = spec;
    else {
      entry = {
        key,
        name,
        spec,
        fingerprint,
        inFlight: new Set(),
        connection: null,
        connecting: null,
        failures: 0,
        retryAt: 0,
        lastError: null,
        lastStderr: "",
        lastUsed: Date.now(),
      };
      this.entries.set(key, entry);
      this.startSweeper();
    }
    entry.lastUsed = Date.now();
    return entry;
  }

  private backoffMs(failures: number): number {
    return Math.min(
      this.options.backoffBaseMs * 2 ** Math.max(0, failures - 1),
      this.options.backoffMaxMs,
    );
  }

  /**
   * The live connection for `key`, connecting (or restarting after a crash) when needed. Callers
   * share one connect; a caller's signal abandons only its own wait, never the connect itself.
   */
  acquire(
    key: string,
    name: string,
    spec: LaunchSpec,
    signal?: AbortSignal,
  ): Promise<McpConnection> {
    const entry = this.entryFor(key, name, spec);
    if (entry.connection && !entry.connection.isClosed) return Promise.resolve(entry.connection);
    entry.connecting ??= this.open(entry).finally(() => {
      entry.connecting = null;
    });
    return signal ? abandonable(entry.connecting, signal, name) : entry.connecting;
  }

  private async open(entry: Entry): Promise<McpConnection> {
    const wait = entry.retryAt - Date.now();
    if (wait > 0) await sleep(wait);
    if (entry.failures > 0) countMcpRestart(entry.name);
    const connection = new McpConnection(entry.name, entry.spec, {
      connectTimeoutMs: this.options.connectTimeoutMs,
      elicit: (request, signal) => routeElicitation(entry, request, signal),
      ...(this.options.createTransport ? { createTransport: this.options.createTransport } : {}),
      onClosed: (closed, unexpected) => {
        entry.lastStderr = closed.stderr.value;
        if (entry.connection !== closed) return;
        entry.connection = null;
        if (unexpected) {
          entry.failures += 1;
          entry.retryAt = Date.now() + this.backoffMs(entry.failures);
          entry.lastError = new McpToolError(
            "SERVER_CRASHED",
            `${entry.name}: the server stopped`,
            { server: entry.name, stderr: closed.stderr.value },
          );
        }
      },
    });
    try {
      await connection.connect();
    } catch (error) {
      entry.failures += 1;
      entry.retryAt = Date.now() + this.backoffMs(entry.failures);
      entry.lastStderr = connection.stderr.value;
      entry.lastError =
        error instanceof McpToolError
          ? error
          : new McpToolError("CONNECT_FAILED", String(error), { server: entry.name });
      throw entry.lastError;
    }
    // A close() of the pool or an evict() while we were connecting wins.
    if (this.entries.get(entry.key) !== entry) {
      await connection.close();
      throw new McpToolError(
        "CANCELLED",
        `${entry.name}: the server was removed while connecting`,
        { server: entry.name },
      );
    }
    entry.connection = connection;
    return connection;
  }

  async listTools(
    key: string,
    name: string,
    spec: LaunchSpec,
    signal?: AbortSignal,
  ): Promise<ToolDescription[]> {
    const connection = await this.acquire(key, name, spec, signal);
    return [...(await connection.listTools()).values()].map(describeTool);
  }

  async callTool(
    key: string,
    name: string,
    spec: LaunchSpec,
    call: { tool: string; args: Record<string, unknown> },
    options: PoolCallOptions = {},
  ): Promise<ToolResult> {
    const started = performance.now();
    let outcome = "error";
    const { onElicit, ...callOptions } = options;
    const slot: CallSlot = { onElicit };
    let entry: Entry | null = null;
    try {
      // The common case, a live connection, without an extra await.
      entry = this.entryFor(key, name, spec);
      const live =
        entry.connection && !entry.connection.isClosed
          ? entry.connection
          : await this.acquire(key, name, spec, options.signal);
      entry.inFlight.add(slot);
      const result = await currentCall.run(slot, () =>
        live.callTool(call.tool, call.args, callOptions),
      );
      // A full successful round trip: the server is healthy again.
      if (entry.failures > 0) {
        entry.failures = 0;
        entry.lastError = null;
      }
      outcome = result.isError ? "tool_error" : "ok";
      return result;
    } catch (error) {
      if (error instanceof McpToolError) outcome = error.code.toLowerCase();
      throw error;
    } finally {
      entry?.inFlight.delete(slot);
      observeMcpCall(name, call.tool, outcome, (performance.now() - started) / 1000);
    }
  }

  /** Open connections, for the metrics. */
  get openConnections(): number {
    let open = 0;
    for (const entry of this.entries.values())
      if (entry.connection && !entry.connection.isClosed) open += 1;
    return open;
  }

  /** The open connection for `key`, without opening one. */
  liveConnection(key: string): McpConnection | null {
    const connection = this.entries.get(key)?.connection;
    return connection && !connection.isClosed ? connection : null;
  }

  diagnostics(key: string): ConnectionDiagnostics | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    const live = entry.connection && !entry.connection.isClosed ? entry.connection : null;
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

  /** Closes and forgets a key's connection: after uninstall, disable or a configuration change. */
  async evict(key: string): Promise<void> {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    await entry?.connection?.close();
  }

  /** Keys whose connection is open, for the health check and for tests. */
  get size(): number {
    return this.entries.size;
  }

  private startSweeper() {
    if (this.sweeper) return;
    this.sweeper = setInterval(
      () => {
        const cutoff = Date.now() - this.options.idleMs;
        for (const entry of this.entries.values()) {
          if (entry.lastUsed < cutoff && !entry.connecting) void this.evict(entry.key);
        }
      },
      Math.min(this.options.idleMs, 60_000),
    );
    this.sweeper.unref();
  }

  async closeAll(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => entry.connection?.close()));
  }
}

const globalForPool = globalThis as unknown as { mcpPool?: McpPool };

/** The process's pool, on globalThis so that Next's separate bundles and dev reloads share it. */
export function getMcpPool(): McpPool {
  if (!globalForPool.mcpPool) {
    const pool = new McpPool();
    globalForPool.mcpPool = pool;
    reportMcpState({ connections: () => pool.openConnections });
  }
  return globalForPool.mcpPool;
}
