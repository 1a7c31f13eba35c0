import { raceAbort } from "@/engine/runtime/race-abort";
import type { McpConnection, CallOptions, ToolResult } from "./connection";
import { observeMcpCall, reportMcpState } from "@/server/observability/metrics";
import type { ElicitHandler } from "./elicitation";
import { McpToolError } from "./errors";
import { fingerprintOf, type LaunchSpec } from "./launch";
import {
  diagnose,
  liveConnection,
  newEntry,
  openConnection,
  type ConnectionDiagnostics,
  type Entry,
  type PoolOptions,
  type ResolvedPoolOptions,
} from "./pool-entry";
import { callInContext, type CallSlot } from "./pool-questions";
import { describeTool, type ToolDescription } from "./tool-schemas";

export type { ConnectionDiagnostics, PoolOptions };

/**
 * The MCP client pool: one connection per key (a tenant's installation), opened on first use and
 * reused by every later call. A connection that dies is restarted on the next use, after a backoff
 * that grows with consecutive failures (250 ms, 500 ms, … up to 30 s), so a server that crashes at
 * start is not spawned in a tight loop. A changed launch spec (new configuration) replaces the
 * connection. Idle connections are closed after `idleMs`. A connection's lifecycle is in
 * pool-entry.ts; how a server's question finds the call that asked it, in pool-questions.ts.
 */

/** A pool call's options: a call that can ask a person says who answers (`onElicit`). */
export type PoolCallOptions = CallOptions & { onElicit?: ElicitHandler };

/** Waits for `promise` unless `signal` aborts first, which rejects with CANCELLED. */
function abandonable<T>(promise: Promise<T>, signal: AbortSignal, name: string): Promise<T> {
  return raceAbort(
    promise,
    signal,
    () => new McpToolError("CANCELLED", `${name}: cancelled while connecting`, { server: name }),
  );
}

export class McpPool {
  private readonly entries = new Map<string, Entry>();
  private readonly options: ResolvedPoolOptions;
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
      entry = newEntry(key, name, spec, fingerprint);
      this.entries.set(key, entry);
      this.startSweeper();
    }
    entry.lastUsed = Date.now();
    return entry;
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
    const live = liveConnection(entry);
    if (live) return Promise.resolve(live);
    entry.connecting ??= openConnection(
      entry,
      this.options,
      () => this.entries.get(entry.key) === entry,
    ).finally(() => {
      entry.connecting = null;
    });
    return signal ? abandonable(entry.connecting, signal, name) : entry.connecting;
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
    const slot: CallSlot = { onElicit: options.onElicit };
    let entry: Entry | null = null;
    try {
      entry = this.entryFor(key, name, spec);
      // The common case, a live connection, without an extra await.
      const live = liveConnection(entry) ?? (await this.acquire(key, name, spec, options.signal));
      entry.inFlight.add(slot);
      // `onElicit` rides along in `options`: the connection reads only its own call options.
      const result = await (entry.asksInCallContext
        ? callInContext(slot, live, call, options)
        : live.callTool(call.tool, call.args, options));
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
    for (const entry of this.entries.values()) if (liveConnection(entry)) open += 1;
    return open;
  }

  /** The open connection for `key`, without opening one. */
  liveConnection(key: string): McpConnection | null {
    const entry = this.entries.get(key);
    return entry ? liveConnection(entry) : null;
  }

  diagnostics(key: string): ConnectionDiagnostics | null {
    const entry = this.entries.get(key);
    return entry ? diagnose(entry) : null;
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
