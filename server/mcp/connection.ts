import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolResultSchema,
  ErrorCode,
  McpError,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ElicitHandler } from "./elicitation";
import { answerElicitations, ELICITATION_CAPABILITIES } from "./elicitation-client";
import { McpToolError, toMcpToolError, toolResultError } from "./errors";
import { createTransport, fingerprintOf, type LaunchSpec } from "./launch";
import { openModernSession, type ModernSession } from "./modern-session";
import { negotiateStdio, STDIO_PROBE_TIMEOUT_MS } from "./modern-stdio";
import { forgetEra } from "./protocol-era";
import { ensureNpxPackage } from "./npx-install";
import { checkTools, LooseToolsListSchema, type CheckedTool } from "./tool-schemas";
import type { z } from "zod";

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
const STDERR_KEEP_CHARS = 8_000;
const NPX_INSTALL_WAIT_MS = 30_000;

/** Keeps the tail of what a server writes to stderr: often the only explanation of a failed start. */
export class StderrTail {
  private text = "";
  append(chunk: string) {
    this.text = (this.text + chunk).slice(-STDERR_KEEP_CHARS);
  }
  get value(): string {
    return this.text;
  }
}

/**
 * One live MCP session: a spawned process (stdio) or an HTTP session. Created and owned by the pool;
 * it never reconnects by itself (the pool decides when, with backoff) and reports its own end
 * through `onClosed`.
 */
export class McpConnection {
  readonly stderr = new StderrTail();
  connectMs = 0;
  private client: Client | null = null;
  private transport: Transport | null = null;
  /** Set instead of `client` when the server speaks 2026-07-28 (no session to open). */
  private modern: ModernSession | null = null;
  private legacyVersion: string | null = null;
  private toolsPromise: Promise<Map<string, CheckedTool>> | null = null;
  /** The listing once it has arrived, so calls skip an await on the hot path. */
  private tools: Map<string, CheckedTool> | null = null;
  private isClosing = false;
  isClosed = false;

  constructor(
    readonly name: string,
    readonly spec: LaunchSpec,
    private readonly options: {
      connectTimeoutMs: number;
      /** How long a start waits for npx to install the server's package (the install goes on after). */
      npxInstallWaitMs?: number;
      onClosed?: (connection: McpConnection, unexpected: boolean) => void;
      /** How the session reaches its server; tests pass linked in-memory transports. */
      createTransport?: (spec: LaunchSpec) => Transport;
      /** Who answers a 2026-07-28 server's `input_required` elicitations during a call. */
      elicit?: ElicitHandler;
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
      this.modern = this.options.createTransport
        ? null
        : await openModernSession(this.name, this.spec, { ...this.options, signal });
      if (this.modern) {
        this.connectMs = performance.now() - started;
        return;
      }
    } catch (error) {
      throw toMcpToolError(error, {
        server: this.name,
        phase: "connect",
        ...(signal ? { signal } : {}),
      });
    }
    const spec = this.spec;
    this.transport = (this.options.createTransport ?? createTransport)(spec);
    if (spec.transport === "stdio") {
      (this.transport as StdioClientTransport).stderr?.on("data", (chunk: Buffer) =>
        this.stderr.append(chunk.toString()),
      );
    }
    try {
      // A stdio server is asked its era on the started process (modern-stdio.ts): a 2026-07-28
      // one is kept as a modern session, a 2025 one gets `initialize` over the same pipes.
      const era =
        spec.transport === "stdio" && !this.options.createTransport
          ? await negotiateStdio(this.name, spec, this.transport as StdioClientTransport, {
              ...(this.options.elicit ? { elicit: this.options.elicit } : {}),
              signal,
              probeTimeoutMs: Math.min(STDIO_PROBE_TIMEOUT_MS, this.options.connectTimeoutMs),
            })
          : { era: "legacy" as const, transport: this.transport };
      if (era.era === "modern") {
        this.modern = era.session;
        era.channel.onClose = () => this.handleClosed();
      } else await this.initialize(era.transport, signal);
    } catch (error) {
      // Give a dying process a moment to flush its reason to stderr.
      if (spec.transport === "stdio") await new Promise((resolve) => setTimeout(resolve, 50));
      forgetEra(fingerprintOf(spec)); // the next start asks the server again
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

  /** The 2025-era handshake through the SDK's Client. */
  private async initialize(transport: Transport, signal: AbortSignal | undefined): Promise<void> {
    // The SDK hands the version `initialize` agreed to transports that want it; keep it too.
    const setVersion = transport.setProtocolVersion?.bind(transport);
    transport.setProtocolVersion = (version: string) => {
      this.legacyVersion = version;
      setVersion?.(version);
    };
    const client = new Client(
      { name: "maestro", version: "0.1.0" },
      { capabilities: this.options.elicit ? ELICITATION_CAPABILITIES : {} },
    );
    client.onerror = () => {}; // transport errors surface as failed requests or as onclose
    client.onclose = () => this.handleClosed();
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      this.toolsPromise = null;
      this.tools = null;
    });
    if (this.options.elicit) answerElicitations(client, this.options.elicit);
    this.client = client;
    await client.connect(transport, {
      timeout: this.options.connectTimeoutMs,
      ...(signal ? { signal } : {}),
    });
  }

  private handleClosed() {
    if (this.isClosed) return;
    this.isClosed = true;
    this.options.onClosed?.(this, !this.isClosing);
  }

  private requireClient(): Client {
    if (!this.client || this.isClosed) {
      throw new McpToolError("SERVER_CRASHED", `${this.name}: the connection is closed`, {
        server: this.name,
        stderr: this.stderr.value,
      });
    }
    return this.client;
  }

  /** Lists every tool (following cursors), each checked on its own; cached until the server says the list changed. */
  listTools(): Promise<Map<string, CheckedTool>> {
    this.toolsPromise ??= this.fetchTools().then(
      (tools) => {
        this.tools = tools;
        return tools;
      },
      (error: unknown) => {
        this.toolsPromise = null;
        throw toMcpToolError(error, {
          server: this.name,
          phase: "call",
          stderr: this.stderr.value,
          isClosed: this.isClosed,
        });
      },
    );
    return this.toolsPromise;
  }

  private async fetchTools(): Promise<Map<string, CheckedTool>> {
    const modern = this.modern;
    const client = modern ? null : this.requireClient();
    const raw: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const params = cursor ? { cursor } : {};
      const result = modern
        ? LooseToolsListSchema.parse(
            await modern.request("tools/list", params, { timeoutMs: DEFAULT_CALL_TIMEOUT_MS }),
          )
        : await client!.request({ method: "tools/list", params }, LooseToolsListSchema, {
            timeout: DEFAULT_CALL_TIMEOUT_MS,
          });
      raw.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return new Map(checkTools(raw).map((tool) => [tool.name, tool]));
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<ToolResult> {
    const tools = this.tools ?? (await this.listTools());
    const tool = tools.get(name);
    const context = { server: this.name, tool: name };
    if (!tool) {
      const known = [...tools.keys()].slice(0, 20).join(", ");
      throw new McpToolError(
        "TOOL_NOT_FOUND",
        `${this.name} has no tool "${name}"${known ? ` (it has: ${known})` : ""}`,
        context,
      );
    }
    if (tool.unusableReason)
      throw new McpToolError(
        "TOOL_UNUSABLE",
        `${this.name}/${name} cannot be used: ${tool.unusableReason}`,
        context,
      );
    const checked = tool.validateInput?.(args);
    if (checked && !checked.valid) {
      throw new McpToolError(
        "INVALID_ARGUMENTS",
        `${this.name}/${name}: the arguments do not match the tool's schema: ${checked.errorMessage}`,
        context,
      );
    }

    const client = this.modern ? null : this.requireClient();
    const { signal, onProgress } = options;
    // A call-local signal, so a long-lived caller signal does not collect one listener per call.
    const local = signal ? new AbortController() : null;
    const forward = () => local?.abort(signal?.reason);
    if (signal) {
      if (signal.aborted)
        throw new McpToolError("CANCELLED", `${this.name}/${name}: cancelled`, context);
      signal.addEventListener("abort", forward, { once: true });
    }
    try {
      const result = (await (this.modern
        ? this.modern.callTool(tool, args, {
            ...(local ? { signal: local.signal } : {}),
            ...(onProgress ? { onProgress } : {}),
            timeoutMs: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
            maxTotalTimeoutMs: options.maxTotalTimeoutMs ?? DEFAULT_MAX_TOTAL_TIMEOUT_MS,
          })
        : client!.request(
            { method: "tools/call", params: { name, arguments: args } },
            CallToolResultSchema,
            {
              ...(local ? { signal: local.signal } : {}),
              onprogress: (p) =>
                onProgress?.({
                  progress: p.progress,
                  ...(p.total === undefined ? {} : { total: p.total }),
                  ...(p.message ? { message: p.message } : {}),
                }),
              timeout: options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
              resetTimeoutOnProgress: true,
              maxTotalTimeout: options.maxTotalTimeoutMs ?? DEFAULT_MAX_TOTAL_TIMEOUT_MS,
            },
          ))) as ToolResult;
      if (result.isError) throw toolResultError(this.name, name, result.content);
      if (tool.validateOutput && result.structuredContent) {
        const output = tool.validateOutput(result.structuredContent);
        if (!output.valid) {
          throw new McpToolError(
            "PROTOCOL_ERROR",
            `${this.name}/${name}: the result does not match the tool's output schema: ${output.errorMessage}`,
            context,
          );
        }
      }
      return result;
    } catch (error) {
      if (error instanceof McpToolError) throw error;
      if (this.isClosed || /connection closed/i.test(String(error))) {
        // The close event and stderr may trail the failed request by a moment.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw toMcpToolError(error, {
        ...context,
        phase: "call",
        stderr: this.stderr.value,
        isClosed: this.isClosed,
        ...(signal ? { signal } : {}),
      });
    } finally {
      signal?.removeEventListener("abort", forward);
    }
  }

  /** A request by either era's client, its result checked against `schema`. */
  private async rpc<T extends z.ZodType>(
    method: string,
    schema: T,
    timeoutMs: number,
  ): Promise<z.infer<T>> {
    if (this.modern) return schema.parse(await this.modern.request(method, {}, { timeoutMs }));
    return this.requireClient().request({ method, params: {} }, schema as never, {
      timeout: timeoutMs,
    }) as Promise<z.infer<T>>;
  }

  /** A round trip that does nothing (2026-07-28 has no ping: server/discover): the cheapest liveness probe. */
  async ping(timeoutMs = 10_000): Promise<number> {
    const started = performance.now();
    try {
      if (this.modern) await this.modern.request("server/discover", {}, { timeoutMs });
      else await this.requireClient().ping({ timeout: timeoutMs });
    } catch (error) {
      throw toMcpToolError(error, {
        server: this.name,
        phase: "call",
        stderr: this.stderr.value,
        isClosed: this.isClosed,
      });
    }
    return performance.now() - started;
  }

  /** Resources, or none when the server lacks them (some advertise the capability but answer "method not found"). */
  async listResources(): Promise<{ uri: string; name: string; description?: string }[]> {
    if (!this.capabilities?.resources) return [];
    try {
      const result = await this.rpc("resources/list", ListResourcesResultSchema, 15_000);
      return result.resources.map((r) => ({
        uri: r.uri,
        name: r.name,
        ...(r.description ? { description: r.description } : {}),
      }));
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
      throw toMcpToolError(error, {
        server: this.name,
        phase: "call",
        stderr: this.stderr.value,
        isClosed: this.isClosed,
      });
    }
  }

  async listPrompts(): Promise<{ name: string; description?: string }[]> {
    if (!this.capabilities?.prompts) return [];
    try {
      const result = await this.rpc("prompts/list", ListPromptsResultSchema, 15_000);
      return result.prompts.map((p) => ({
        name: p.name,
        ...(p.description ? { description: p.description } : {}),
      }));
    } catch (error) {
      if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
      throw toMcpToolError(error, {
        server: this.name,
        phase: "call",
        stderr: this.stderr.value,
        isClosed: this.isClosed,
      });
    }
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
    this.toolsPromise = null;
    this.tools = null;
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
