import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { followSignal } from "./call-signal";
import { openSession, type ConnectionOptions } from "./connection-open";
import { McpToolError, toMcpToolError } from "./errors";
import { fingerprintOf, type LaunchSpec } from "./launch";
import type { ModernSession } from "./modern-session";
import { ensureNpxPackage } from "./npx-install";
import { forgetEra } from "./protocol-era";
import {
  listPromptsOf,
  listResourcesOf,
  listToolPages,
  sendPing,
  sendToolCall,
  type CallOptions,
  type Session,
  type ToolResult,
} from "./session-requests";
import { checkedResult, toolToCall } from "./tool-call-checks";
import { StderrTail } from "./stderr-tail";
import { ToolListCache } from "./tool-list-cache";
import type { CheckedTool } from "./tool-schemas";

export {
  DEFAULT_CALL_TIMEOUT_MS,
  DEFAULT_MAX_TOTAL_TIMEOUT_MS,
  type CallOptions,
  type ToolProgress,
  type ToolResult,
} from "./session-requests";

export { StderrTail } from "./stderr-tail";

const NPX_INSTALL_WAIT_MS = 30_000;

/**
 * One live MCP session: a spawned process (stdio) or an HTTP session. Created and owned by the pool;
 * it never reconnects by itself (the pool decides when, with backoff) and reports its own end
 * through `onClosed`. Which protocol revision it speaks, and how it was agreed, is
 * connection-open.ts's; how each request goes out in that revision is session-requests.ts's.
 */
export class McpConnection {
  readonly stderr = new StderrTail();
  connectMs = 0;
  private client: Client | null = null;
  private transport: Transport | null = null;
  /** Set instead of `client` when the server speaks 2026-07-28 (no session to open). */
  private modern: ModernSession | null = null;
  private legacyVersion: string | null = null;
  private session: Session | null = null;
  private readonly toolList = new ToolListCache(
    () => listToolPages(this.requireSession()),
    () => !this.modern || this.modern.watchingTools,
  );
  private isClosing = false;
  isClosed = false;

  constructor(
    readonly name: string,
    readonly spec: LaunchSpec,
    private readonly options: ConnectionOptions & {
      onClosed?: (connection: McpConnection, unexpected: boolean) => void;
    },
  ) {}

  get pid(): number | null {
    return this.spec.transport === "stdio"
      ? ((this.transport as StdioClientTransport | null)?.pid ?? null)
      : null;
  }

  get serverVersion() {
    return this.modern ? this.modern.serverVersion : this.client?.getServerVersion();
  }

  get capabilities() {
    return this.modern ? this.modern.capabilities : this.client?.getServerCapabilities();
  }

  /** The protocol revision this connection speaks (2026-07-28, or what `initialize` agreed). */
  get protocolVersion(): string | null {
    return this.modern?.protocolVersion ?? this.legacyVersion;
  }

  async connect(signal?: AbortSignal): Promise<void> {
    const started = performance.now();
    await ensureNpxPackage(this.name, this.spec, {
      waitMs: this.options.npxInstallWaitMs ?? NPX_INSTALL_WAIT_MS,
    });
    try {
      const opened = await openSession(this.name, this.spec, this.options, {
        signal,
        onTransport: (transport) => (this.transport = transport),
        onStderr: (text) => this.stderr.append(text),
        onLegacyVersion: (version) => (this.legacyVersion = version),
        onClosed: () => this.handleClosed(),
        onToolsChanged: () => this.toolList.invalidate(),
      });
      if (opened.era === "legacy") {
        this.client = opened.client;
        this.session = { client: opened.client };
      } else {
        this.modern = opened.session;
        this.session = { modern: opened.session };
        this.modern.watchTools(() => this.toolList.invalidate());
      }
    } catch (error) {
      if (!this.transport)
        throw toMcpToolError(error, {
          server: this.name,
          phase: "connect",
          ...(signal ? { signal } : {}),
        });
      // Give a dying process a moment to flush its reason to stderr.
      if (this.spec.transport === "stdio") await new Promise((resolve) => setTimeout(resolve, 50));
      forgetEra(fingerprintOf(this.spec)); // the next start asks the server again
      const failure = toMcpToolError(error, {
        server: this.name,
        phase: "connect",
        stderr: this.stderr.value,
        ...(signal ? { signal } : {}),
      });
      await this.close();
      throw failure;
    }
    this.connectMs = performance.now() - started;
  }

  private handleClosed() {
    if (this.isClosed) return;
    this.isClosed = true;
    this.options.onClosed?.(this, !this.isClosing);
  }

  /** The session to send on; a 2025 one that ended is a crash to report (a modern one says so itself). */
  private requireSession(): Session {
    if (!this.session || (this.client && this.isClosed)) {
      throw new McpToolError("SERVER_CRASHED", `${this.name}: the connection is closed`, {
        server: this.name,
        stderr: this.stderr.value,
      });
    }
    return this.session;
  }

  /** An error of a request, in the pool's words. */
  private failed(error: unknown, context: { tool?: string; signal?: AbortSignal } = {}) {
    return toMcpToolError(error, {
      server: this.name,
      ...(context.tool ? { tool: context.tool } : {}),
      phase: "call",
      stderr: this.stderr.value,
      isClosed: this.isClosed,
      ...(context.signal ? { signal: context.signal } : {}),
    });
  }

  /**
   * Lists every tool (following cursors), each checked on its own; kept until the server says the
   * list changed or, for a 2026-07-28 server, until its freshness runs out (tool-list-cache.ts).
   */
  listTools(): Promise<Map<string, CheckedTool>> {
    return this.toolList.get().catch((error: unknown) => {
      throw this.failed(error);
    });
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<ToolResult> {
    const tools = this.toolList.current() ?? (await this.listTools());
    const tool = toolToCall(this.name, tools, name, args);
    const session = this.requireSession();
    const { signal } = options;
    if (signal?.aborted)
      throw new McpToolError("CANCELLED", `${this.name}/${name}: cancelled`, {
        server: this.name,
        tool: name,
      });
    // The SDK's Client never removes the listener it adds to a request's signal, so it gets a
    // call-local CallSignal (call-signal.ts) that follows the caller's. A 2026-07-28 session
    // removes its own listener when a request ends, so it takes the caller's signal as it is.
    const modern = "modern" in session;
    const local = signal && !modern ? followSignal(signal) : null;
    try {
      const result = await sendToolCall(
        session,
        tool,
        args,
        options,
        modern ? signal : (local ?? undefined),
      );
      return checkedResult(this.name, tool, result);
    } catch (error) {
      if (error instanceof McpToolError) throw error;
      if (this.isClosed || /connection closed/i.test(String(error))) {
        // The close event and stderr may trail the failed request by a moment.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw this.failed(error, { tool: name, ...(signal ? { signal } : {}) });
    } finally {
      local?.release();
    }
  }

  /** A round trip that does nothing (2026-07-28 has no ping: server/discover): the cheapest liveness probe. */
  async ping(timeoutMs = 10_000): Promise<number> {
    const started = performance.now();
    try {
      await sendPing(this.requireSession(), timeoutMs);
    } catch (error) {
      throw this.failed(error);
    }
    return performance.now() - started;
  }

  /** Resources, or none when the server lacks them (some advertise the capability but answer "method not found"). */
  async listResources(): Promise<{ uri: string; name: string; description?: string }[]> {
    if (!this.capabilities?.resources) return [];
    return listResourcesOf(this.requireSession()).catch((error: unknown) => {
      throw this.failed(error);
    });
  }

  async listPrompts(): Promise<{ name: string; description?: string }[]> {
    if (!this.capabilities?.prompts) return [];
    return listPromptsOf(this.requireSession()).catch((error: unknown) => {
      throw this.failed(error);
    });
  }

  /**
   * Closes quickly: a stdio server also gets SIGTERM at once, because `client.close()` alone waits
   * about 2 s for servers that ignore the end of their input.
   */
  async close(): Promise<void> {
    if (this.isClosing) return;
    this.isClosing = true;
    const pid = this.pid;
    const client = this.client;
    const transport = this.transport;
    this.toolList.invalidate();
    this.modern?.close();
    if (pid) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    try {
      if (client && transport && client.transport) await client.close();
      else await transport?.close();
    } catch {
      // closing a broken connection may fail; it is gone either way
    }
    this.isClosed = true;
  }
}
