import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CallToolResultSchema,
  ListPromptsResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  type LoggingLevel,
} from "@modelcontextprotocol/sdk/types.js";
import { AppError, conflict } from "@/engine/errors";
import { StderrTail } from "./connection";
import { toMcpToolError } from "./errors";
import {
  expandTemplate,
  judgeOutput,
  promptArguments,
  toolToRun,
  variablesOf,
  type OutputCheck,
} from "./inspector-checks";
import { InspectorEventLog } from "./inspector-events";
import { createInspectorClient, openInspectorWire, type SessionOptions } from "./inspector-open";
import { InspectorQuestions } from "./inspector-questions";
import type { LaunchSpec } from "./launch";
import { MODERN_PROTOCOL_VERSION } from "./modern-http";
import { RecordingTransport } from "./recording-transport";
import { ToolListCache, type ToolListing } from "./tool-list-cache";
import { checkTools, describeTool, LooseToolsListSchema, type CheckedTool } from "./tool-schemas";

export type { SessionOptions } from "./inspector-open";

/**
 * One inspector session: its own MCP client on its own transport (never the run pool's shared
 * connection: it sets a log level, subscribes to resources and records every message, none of
 * which a run should inherit). Every JSON-RPC message goes into the event log with its timing;
 * progress, log messages, stderr and resource updates go there as they arrive. How the session
 * finds its wire and makes its client is inspector-open.ts's.
 */

export type ToolCallAnswer = {
  callId: string;
  ms: number;
  isError: boolean;
  content: unknown[];
  structuredContent: Record<string, unknown> | null;
  /** The structured output judged against the tool's `outputSchema` (inspector-checks.ts). */
  outputCheck: OutputCheck;
};

export type CallOutcome =
  ({ status: "done" } & ToolCallAnswer) | { status: "cancelled"; callId: string; ms: number };

const LIST_PAGES = 20;
const REQUEST_TIMEOUT_MS = 30_000;
const CALL_TIMEOUT_MS = 60_000;
const CALL_MAX_TOTAL_MS = 10 * 60_000;

export class InspectorSession {
  readonly events = new InspectorEventLog();
  readonly stderr = new StderrTail();
  lastUsed = Date.now();
  isClosed = false;
  private client: Client | null = null;
  private transport: Transport | null = null;
  private inner: Transport | null = null;
  private readonly calls = new Map<string, AbortController>();
  /** Questions the server asks during calls (elicitation); one running call owns them. */
  readonly questions = new InspectorQuestions(this.events, () =>
    this.calls.size === 1 ? [...this.calls.keys()][0]! : null,
  );
  readonly subscriptions = new Set<string>();
  protocolVersion: string | null = null;
  logLevel: LoggingLevel | null = null;

  constructor(
    readonly name: string,
    readonly spec: LaunchSpec,
  ) {}

  /** Connects; a failure closes the session and throws an McpToolError saying why. */
  async connect(options: SessionOptions = {}): Promise<void> {
    try {
      const wire = await openInspectorWire(this.name, this.spec, options, {
        onTransport: (transport) => (this.inner = transport),
        onStderr: (text) => {
          this.stderr.append(text);
          this.events.push({ type: "stderr", text: text.slice(-4000) });
        },
      });
      try {
        await this.attach(wire.transport, wire.protocolVersion, options);
      } catch (error) {
        // A 2026-07-28 stdio server slow to start refused `initialize`, and answered the probe late.
        const late = await wire.lateModern();
        if (!late) throw error;
        await this.attach(late.transport, late.protocolVersion, options);
      }
    } catch (error) {
      if (this.spec.transport === "stdio") await new Promise((resolve) => setTimeout(resolve, 50));
      const failure = toMcpToolError(error, {
        server: this.name,
        phase: "connect",
        stderr: this.stderr.value,
      });
      // Keep the transport's own error for the caller that describes URL failures.
      (failure as { cause?: unknown }).cause = error;
      await this.close("the connection failed");
      throw failure;
    }
  }

  /** A client on `wire`, recording every message; `initialize` is answered over it. */
  private async attach(
    wire: Transport,
    modernVersion: string | null,
    options: SessionOptions,
  ): Promise<void> {
    const recording = new RecordingTransport(wire, (direction, message) =>
      this.events.recordMessage(direction, message),
    );
    const setVersion = recording.setProtocolVersion.bind(recording);
    recording.setProtocolVersion = (version) => {
      this.protocolVersion = version;
      setVersion(version);
    };
    this.transport = recording;
    const client = createInspectorClient({
      ask: this.questions.ask,
      onEvent: (event) => this.events.push(event),
      onToolsChanged: () => this.toolList.invalidate(),
    });
    client.onclose = () => {
      if (this.client === client) this.markClosed("the server closed the connection");
    };
    this.client = client;
    try {
      await client.connect(recording, { timeout: options.connectTimeoutMs ?? 30_000 });
    } catch (error) {
      this.client = null; // its close is not the session's
      throw error;
    }
    // A 2026-07-28 server: the initialize the client saw was answered by the transport.
    if (modernVersion) this.protocolVersion = modernVersion;
  }

  /** The server's process id (stdio), for tests and diagnostics. */
  get pid(): number | null {
    return this.spec.transport === "stdio"
      ? ((this.inner as StdioClientTransport | null)?.pid ?? null)
      : null;
  }

  /** What the server said about itself when it connected. */
  describe() {
    const client = this.requireClient();
    const capabilities = client.getServerCapabilities() ?? {};
    return {
      server: client.getServerVersion() ?? null,
      protocolVersion: this.protocolVersion,
      instructions: client.getInstructions() ?? null,
      capabilities: {
        tools: Boolean(capabilities.tools),
        resources: Boolean(capabilities.resources),
        resourceSubscribe: Boolean(capabilities.resources?.subscribe),
        prompts: Boolean(capabilities.prompts),
        logging: Boolean(capabilities.logging),
        completions: Boolean(capabilities.completions),
      },
      logLevel: this.logLevel,
      subscriptions: [...this.subscriptions],
    };
  }

  private requireClient(): Client {
    if (!this.client || this.isClosed)
      throw new AppError(
        "CONFLICT",
        `The inspector session with ${this.name} has ended; connect again`,
      );
    return this.client;
  }

  private failure(error: unknown): never {
    if (error instanceof AppError) throw error;
    throw toMcpToolError(error, {
      server: this.name,
      phase: "call",
      stderr: this.stderr.value,
      isClosed: this.isClosed,
    });
  }

  /** Every page of a list method (at most 20 pages). */
  private async listAll<K extends string>(
    method: string,
    key: K,
    schema: Parameters<Client["request"]>[1],
    onPage?: (page: Record<string, unknown>) => void,
  ): Promise<unknown[]> {
    const client = this.requireClient();
    const items: unknown[] = [];
    let cursor: string | undefined;
    try {
      for (let page = 0; page < LIST_PAGES; page++) {
        const result = (await client.request({ method, params: cursor ? { cursor } : {} }, schema, {
          timeout: REQUEST_TIMEOUT_MS,
        })) as Record<string, unknown>;
        items.push(...((result[key] as unknown[] | undefined) ?? []));
        onPage?.(result);
        cursor = typeof result.nextCursor === "string" ? result.nextCursor : undefined;
        if (!cursor) break;
      }
    } catch (error) {
      this.failure(error);
    }
    return items;
  }

  private requireCapability(what: "tools" | "resources" | "prompts" | "logging") {
    const capabilities = this.requireClient().getServerCapabilities() ?? {};
    if (!capabilities[what]) throw conflict(`${this.name} does not offer ${what}`);
  }

  /** The tool listing a call is checked against: kept as the pool's is (tool-list-cache.ts). */
  private readonly toolList = new ToolListCache(
    () => this.fetchTools(),
    () => false, // no listen stream for tool changes here: a 2026-07-28 listing lasts its ttlMs
  );

  private async fetchTools(): Promise<ToolListing> {
    this.requireCapability("tools");
    let ttlMs: number | null = null;
    const raw = await this.listAll("tools/list", "tools", LooseToolsListSchema, (page) => {
      const ttl = typeof page.ttlMs === "number" ? page.ttlMs : 0;
      ttlMs = ttlMs === null ? ttl : Math.min(ttlMs, ttl);
    });
    const tools = new Map(checkTools(raw).map((tool) => [tool.name, tool]));
    return {
      tools,
      ttlMs: this.protocolVersion === MODERN_PROTOCOL_VERSION ? (ttlMs ?? 0) : "never",
    };
  }

  private checkedTools(): Promise<Map<string, CheckedTool>> {
    return this.toolList.get();
  }

  /** Lists the tools afresh (the person asked to). */
  async listTools() {
    this.toolList.invalidate();
    return [...(await this.checkedTools()).values()].map(describeTool);
  }

  /**
   * Calls a tool; progress goes to the event log under `callId`, and `cancel(callId)` sends the
   * server a cancellation. Arguments are checked against the input schema before sending; the
   * structured output is judged against the output schema and the verdict returned, not thrown.
   */
  async callTool(
    callId: string,
    name: string,
    args: Record<string, unknown>,
    options: { timeoutMs?: number } = {},
  ): Promise<CallOutcome> {
    const tool = toolToRun(this.name, await this.checkedTools(), name, args);
    if (this.calls.has(callId)) throw conflict("A call with this id is already running");
    const client = this.requireClient();
    const abort = new AbortController();
    this.calls.set(callId, abort);
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    try {
      const result = await client.request(
        { method: "tools/call", params: { name, arguments: args } },
        CallToolResultSchema,
        {
          signal: abort.signal,
          onprogress: (p) =>
            this.events.push({
              type: "progress",
              callId,
              progress: p.progress,
              total: p.total ?? null,
              message: p.message ?? null,
            }),
          timeout: options.timeoutMs ?? CALL_TIMEOUT_MS,
          resetTimeoutOnProgress: true,
          maxTotalTimeout: CALL_MAX_TOTAL_MS,
        },
      );
      const structuredContent = (result.structuredContent as Record<string, unknown>) ?? null;
      return {
        status: "done",
        callId,
        ms: ms(),
        isError: result.isError === true,
        content: result.content,
        structuredContent,
        outputCheck: judgeOutput(tool, result.isError === true, structuredContent),
      };
    } catch (error) {
      if (abort.signal.aborted) return { status: "cancelled", callId, ms: ms() };
      const failure = toMcpToolError(error, {
        server: this.name,
        tool: name,
        phase: "call",
        stderr: this.stderr.value,
        isClosed: this.isClosed,
      });
      // An old server's thrown error is the tool's answer, as the tool runner has always shown it.
      if (failure.code === "TOOL_ERROR")
        return {
          status: "done",
          callId,
          ms: ms(),
          isError: true,
          content: [{ type: "text", text: failure.message }],
          structuredContent: null,
          outputCheck: { status: "none", message: null },
        };
      throw failure;
    } finally {
      this.calls.delete(callId);
    }
  }

  /** Sends `notifications/cancelled` for a running call (the SDK does, on abort); false when it is not running. */
  cancel(callId: string): boolean {
    const call = this.calls.get(callId);
    if (!call) return false;
    call.abort("Cancelled from the tool runner");
    this.questions.endCall(callId);
    return true;
  }

  get runningCalls(): number {
    return this.calls.size;
  }

  async listResources() {
    this.requireCapability("resources");
    return (await this.listAll("resources/list", "resources", ListResourcesResultSchema)) as {
      uri: string;
      name: string;
      title?: string;
      description?: string;
      mimeType?: string;
    }[];
  }

  /** Resource templates, each with the variables its URI template names. */
  async listResourceTemplates() {
    this.requireCapability("resources");
    const templates = (await this.listAll(
      "resources/templates/list",
      "resourceTemplates",
      ListResourceTemplatesResultSchema,
    )) as {
      uriTemplate: string;
      name: string;
      title?: string;
      description?: string;
      mimeType?: string;
    }[];
    return templates.map((template) => ({
      ...template,
      variables: variablesOf(template.uriTemplate),
    }));
  }

  /** Reads a resource by URI, or by a template and its variables. */
  async readResource(
    target: { uri: string } | { uriTemplate: string; values: Record<string, string> },
  ) {
    this.requireCapability("resources");
    const uri = "uri" in target ? target.uri : expandTemplate(target.uriTemplate, target.values);
    try {
      const result = await this.requireClient().readResource(
        { uri },
        { timeout: REQUEST_TIMEOUT_MS },
      );
      return { uri, contents: result.contents };
    } catch (error) {
      this.failure(error);
    }
  }

  async subscribe(uri: string) {
    const capabilities = this.requireClient().getServerCapabilities() ?? {};
    if (!capabilities.resources?.subscribe)
      throw conflict(`${this.name} does not offer resource subscriptions`);
    try {
      await this.requireClient().subscribeResource({ uri }, { timeout: REQUEST_TIMEOUT_MS });
    } catch (error) {
      this.failure(error);
    }
    this.subscriptions.add(uri);
    return { subscriptions: [...this.subscriptions] };
  }

  async unsubscribe(uri: string) {
    if (!this.subscriptions.has(uri)) return { subscriptions: [...this.subscriptions] };
    try {
      await this.requireClient().unsubscribeResource({ uri }, { timeout: REQUEST_TIMEOUT_MS });
    } catch (error) {
      this.failure(error);
    }
    this.subscriptions.delete(uri);
    return { subscriptions: [...this.subscriptions] };
  }

  async listPrompts() {
    this.requireCapability("prompts");
    return (await this.listAll("prompts/list", "prompts", ListPromptsResultSchema)) as {
      name: string;
      title?: string;
      description?: string;
      arguments?: { name: string; description?: string; required?: boolean }[];
    }[];
  }

  /** Gets a prompt; its required arguments are checked first, naming the one missing. */
  async getPrompt(name: string, args: Record<string, string>) {
    const prompts = await this.listPrompts();
    const prompt = prompts.find((p) => p.name === name);
    if (!prompt)
      throw new AppError("NOT_FOUND", `${this.name} has no prompt "${name}"`, { field: "name" });
    const given = promptArguments(prompt, args);
    try {
      const result = await this.requireClient().getPrompt(
        { name, arguments: given },
        { timeout: REQUEST_TIMEOUT_MS },
      );
      return { name, description: result.description ?? null, messages: result.messages };
    } catch (error) {
      this.failure(error);
    }
  }

  async setLogLevel(level: LoggingLevel) {
    this.requireCapability("logging");
    try {
      await this.requireClient().setLoggingLevel(level, { timeout: REQUEST_TIMEOUT_MS });
    } catch (error) {
      this.failure(error);
    }
    this.logLevel = level;
    return { logLevel: level };
  }

  private markClosed(reason: string) {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const call of this.calls.values()) call.abort(reason);
    this.questions.endAll();
    this.events.push({ type: "closed", reason });
    this.events.end();
  }

  /** Ends the session: a stdio server gets SIGTERM at once (its end of input alone takes ~2 s). */
  async close(reason = "the session was closed"): Promise<void> {
    const client = this.client;
    const transport = this.transport;
    this.markClosed(reason);
    const pid = this.pid;
    if (pid) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    try {
      if (client?.transport) await client.close();
      else await transport?.close();
    } catch {
      // a broken connection may fail to close; it is gone either way
    }
  }
}
