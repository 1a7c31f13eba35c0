import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  type JSONRPCMessage,
} from "@modelcontextprotocol/sdk/types.js";
import { exchange, mirroredHeaders, type ModernEndpoint } from "./modern-http";
import type { LaunchSpec } from "./launch";
import { ModernListener, type ListenFilter } from "./modern-listen";
import { runInputRounds, withElicitationId } from "./modern-input-rounds";
import { modernEndpointOf, modernEraOf } from "./modern-session";
import type { DiscoverInfo } from "./protocol-era";

/**
 * Lets a client of our SDK (1.x, which knows only `initialize`-era revisions) talk to a 2026-07-28
 * server, for the inspector session whose raw history, logs and elicitation handlers are built on
 * that client. The client's `initialize` is answered here from the discover result; every other
 * request goes out as a 2026-07-28 POST; an `input_required` answer is turned into the 2025 form
 * (an `elicitation/create` request to the client, whose handler answers it) and the request is
 * retried with the answers. `logging/setLevel` becomes the per-request log level.
 * Change notifications come on one `subscriptions/listen` stream (modern-listen.ts), opened at the
 * client's `initialize` for the list changes the server offers (tools, prompts, resources) and
 * replaced when `resources/subscribe` and `resources/unsubscribe` change its
 * `resourceSubscriptions`; what it carries reaches the client as a 2025 server's notifications do.
 * A subscription the server's acknowledgement leaves out is refused.
 */

const LOG_LEVEL_KEY = "io.modelcontextprotocol/logLevel";
/** The client's own timers end its requests; this only bounds a request the client forgot. */
const REQUEST_CAP_MS = 60 * 60_000;

type Request = {
  jsonrpc: "2.0";
  id: string | number;
  method: string;
  params?: Record<string, unknown>;
};

export class ModernClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;
  private readonly inFlight = new Map<string | number, AbortController>();
  private readonly questions = new Map<string, (message: Record<string, unknown>) => void>();
  private logLevel: string | null = null;
  private listener: ModernListener | null = null;
  /** The list changes the server offers (its capabilities' listChanged), listened for throughout. */
  private listChanges: ListenFilter = {};
  /** The URIs subscribed to, and the queue that changes them one at a time. */
  private readonly subscribed = new Set<string>();
  private subscribing: Promise<void> = Promise.resolve();
  private nextQuestion = 1;
  private isClosed = false;

  constructor(
    private readonly endpoint: ModernEndpoint,
    private readonly discover: DiscoverInfo,
    readonly protocolVersion: string,
  ) {}

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.isClosed) throw new Error("Not connected");
    const m = message as Record<string, unknown>;
    if (typeof m.method !== "string") {
      // The client's answer to a question we forwarded.
      if (typeof m.id === "string") this.questions.get(m.id)?.(m);
      return;
    }
    if (m.id === undefined) {
      if (m.method === "notifications/cancelled") {
        const id = (m.params as { requestId?: string | number } | undefined)?.requestId;
        if (id !== undefined) this.inFlight.get(id)?.abort();
      }
      return; // notifications/initialized and the like have no 2026-07-28 meaning
    }
    void this.answer(m as Request);
  }

  private reply(id: string | number, outcome: { result: unknown } | { error: unknown }) {
    if (!this.isClosed) this.onmessage?.({ jsonrpc: "2.0", id, ...outcome } as JSONRPCMessage);
  }

  private async answer(request: Request): Promise<void> {
    const { id, method, params = {} } = request;
    switch (method) {
      case "initialize":
        if (params.capabilities && typeof params.capabilities === "object")
          this.endpoint.capabilities = params.capabilities as Record<string, unknown>;
        this.listChanges = listChangesOf(this.discover.capabilities);
        if (Object.keys(this.listChanges).length)
          this.subscribing = this.subscribing.then(() =>
            this.listen()
              .listen(this.filterWith(this.subscribed))
              .then(
                () => {},
                () => {}, // not offered after all: no list changes are shown
              ),
          );
        return this.reply(id, {
          result: {
            // What the client can accept; the wire speaks this.protocolVersion.
            protocolVersion: LATEST_PROTOCOL_VERSION,
            capabilities: this.discover.capabilities,
            serverInfo: this.discover.serverInfo ?? { name: "unknown", version: "unknown" },
            ...(this.discover.instructions ? { instructions: this.discover.instructions } : {}),
          },
        });
      case "logging/setLevel":
        this.logLevel = typeof params.level === "string" ? params.level : null;
        return this.reply(id, { result: {} });
      case "resources/subscribe":
      case "resources/unsubscribe": {
        const uri = typeof params.uri === "string" ? params.uri : null;
        if (!uri)
          return this.reply(id, {
            error: { code: ErrorCode.InvalidParams, message: `${method} needs a uri` },
          });
        this.subscribing = this.subscribing.then(() =>
          this.resubscribe(id, uri, method === "resources/subscribe"),
        );
        return this.subscribing;
      }
    }
    const local = new AbortController();
    this.inFlight.set(id, local);
    try {
      const send = (retry: object) =>
        this.forward(
          method === "ping" ? "server/discover" : method,
          { ...params, ...retry },
          local.signal,
        );
      const result =
        method === "tools/call" || method === "prompts/get" || method === "resources/read"
          ? await runInputRounds(send, (key, input) => this.ask(key, input), {
              server: "server",
              tool: typeof params.name === "string" ? params.name : method,
            })
          : await send({});
      if (method === "tools/list") this.noteTools(result.tools);
      this.reply(id, { result: method === "ping" ? {} : result });
    } catch (error) {
      if (local.signal.aborted) return; // the client gave up on it and answers itself
      const code = error instanceof McpError ? error.code : ErrorCode.InternalError;
      const data = error instanceof McpError ? error.data : undefined;
      const text =
        error instanceof Error ? error.message.replace(/^MCP error -?\d+: /, "") : String(error);
      this.reply(id, { error: { code, message: text, ...(data === undefined ? {} : { data }) } });
    } finally {
      this.inFlight.delete(id);
    }
  }

  private async forward(method: string, params: Record<string, unknown>, signal: AbortSignal) {
    const args = params.arguments;
    const tool =
      method === "tools/call" && args && typeof args === "object"
        ? (args as Record<string, unknown>)
        : null;
    const { status, message } = await exchange(
      this.endpoint,
      method,
      this.logLevel
        ? { ...params, _meta: { ...(params._meta as object), [LOG_LEVEL_KEY]: this.logLevel } }
        : params,
      {
        signal,
        timeoutMs: REQUEST_CAP_MS,
        version: this.protocolVersion,
        ...(tool ? { extraHeaders: mirroredHeaders(this.inputSchemaOf(params.name), tool) } : {}),
        onNotification: (n) => {
          if (!this.isClosed) this.onmessage?.({ jsonrpc: "2.0", ...n } as JSONRPCMessage);
        },
      },
    );
    if (message?.error)
      throw new McpError(message.error.code, message.error.message, message.error.data);
    if (message?.result) return message.result;
    throw new McpError(
      ErrorCode.InternalError,
      `the server answered ${method} with HTTP ${status} and no JSON-RPC response`,
    );
  }

  private listen(): ModernListener {
    this.listener ??= new ModernListener(this.endpoint, this.protocolVersion, (n) => {
      if (!this.isClosed) this.onmessage?.({ jsonrpc: "2.0", ...n } as JSONRPCMessage);
    });
    return this.listener;
  }

  /** The list changes the server offers, and resource updates of `uris`. */
  private filterWith(uris: Set<string>): ListenFilter {
    return { ...this.listChanges, resourceSubscriptions: [...uris] };
  }

  /** Listens with the subscribed URIs plus or minus `uri`, and answers the client's request. */
  private async resubscribe(id: string | number, uri: string, add: boolean): Promise<void> {
    const next = new Set(this.subscribed);
    if (add) next.add(uri);
    else next.delete(uri);
    const listener = this.listen();
    try {
      const honoured = await listener.listen(this.filterWith(next));
      if (add && !honoured?.resourceSubscriptions?.includes(uri)) {
        await listener.listen(this.filterWith(this.subscribed)).catch(() => {});
        return this.reply(id, {
          error: {
            code: ErrorCode.InvalidParams,
            message: `the server did not agree to send updates of ${uri}`,
          },
        });
      }
      this.subscribed.clear();
      for (const u of next) this.subscribed.add(u);
      this.reply(id, { result: {} });
    } catch (error) {
      this.reply(id, {
        error: {
          code: ErrorCode.InternalError,
          message: error instanceof Error ? error.message : String(error),
        },
      });
    }
  }

  /** Tools' input schemas as the last tools/list gave them, for x-mcp-header mirroring. */
  private readonly schemas = new Map<string, Record<string, unknown>>();
  private inputSchemaOf(name: unknown): Record<string, unknown> {
    return (typeof name === "string" && this.schemas.get(name)) || {};
  }

  /** Forwards one input request to the client as a 2025 server-to-client request and waits for its answer. */
  private ask(key: string, input: { method: string; params?: unknown }): Promise<unknown> {
    const id = `mrtr-${this.nextQuestion++}`;
    return new Promise((resolve, reject) => {
      this.questions.set(id, (answer) => {
        this.questions.delete(id);
        const error = answer.error as { code?: number; message?: string } | undefined;
        if (error)
          reject(new McpError(error.code ?? ErrorCode.InternalError, error.message ?? "refused"));
        else resolve(answer.result);
      });
      const params =
        input.method === "elicitation/create" ? withElicitationId(key, input.params) : input.params;
      this.onmessage?.({ jsonrpc: "2.0", id, method: input.method, params } as JSONRPCMessage);
    });
  }

  /** Remembers input schemas from tools/list answers passing through (see forward). */
  private noteTools(tools: unknown): void {
    if (!Array.isArray(tools)) return;
    for (const t of tools as { name?: unknown; inputSchema?: unknown }[])
      if (typeof t.name === "string" && t.inputSchema && typeof t.inputSchema === "object")
        this.schemas.set(t.name, t.inputSchema as Record<string, unknown>);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.listener?.close();
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
    for (const [id, settle] of this.questions)
      settle({ id, error: { code: ErrorCode.ConnectionClosed, message: "Connection closed" } });
    this.onclose?.();
  }

  setProtocolVersion(): void {}
}

function listChangesOf(capabilities: Record<string, unknown>): ListenFilter {
  const offers = (what: string) =>
    (capabilities[what] as { listChanged?: unknown } | undefined)?.listChanged === true;
  return {
    ...(offers("tools") ? { toolsListChanged: true } : {}),
    ...(offers("prompts") ? { promptsListChanged: true } : {}),
    ...(offers("resources") ? { resourcesListChanged: true } : {}),
  };
}

/** The transport for a client of our SDK when the server speaks 2026-07-28, else null. */
export async function openModernTransport(
  spec: LaunchSpec,
  options: { connectTimeoutMs: number },
): Promise<ModernClientTransport | null> {
  if (spec.transport !== "streamable-http") return null;
  // The client's own capabilities replace these at its initialize.
  const endpoint = modernEndpointOf(spec, {});
  const era = await modernEraOf(spec, endpoint, options);
  return era ? new ModernClientTransport(endpoint, era.discover, era.version) : null;
}
