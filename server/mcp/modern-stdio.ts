import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { ElicitHandler } from "./elicitation";
import { fingerprintOf, type LaunchSpec } from "./launch";
import type { ModernChannel, ModernEndpoint } from "./modern-http";
import { ModernSession } from "./modern-session";
import { ModernClientTransport } from "./modern-transport";
import { probeEra, rememberEra } from "./protocol-era";

/**
 * The era negotiation of a stdio server (the specification's stdio binding, "Backward
 * Compatibility"): on the started process, send `server/discover` at 2026-07-28 (the same envelope
 * as over HTTP, modern-http.ts#exchange, through a ModernChannel over the process's pipes); a
 * discover result offering 2026-07-28 keeps the process as a modern session. Any other answer (a
 * "method not found" error from a 2025 server), or none within STDIO_PROBE_TIMEOUT_MS (a server
 * that ignores unknown requests), falls back to `initialize` ON THE SAME PROCESS: the pipes are
 * handed to the SDK's Client through `legacyTransport()`, and a late answer to the probe is dropped.
 * The verdict is remembered per launch spec like the HTTP one (protocol-era.ts); it is not used to
 * skip the probe, which costs one round trip on a process we start anyway.
 */

/** How long a stdio server has to answer `server/discover` before it is taken for a 2025 one. */
export const STDIO_PROBE_TIMEOUT_MS = 5_000;

type Pending = {
  resolve: (message: JSONRPCMessage | null) => void;
  onNotification: (notification: { method: string; params?: Record<string, unknown> }) => void;
};

/** 2026-07-28 requests over a started stdio transport, matched to their answers by id. */
export class StdioChannel implements ModernChannel {
  private readonly pending = new Map<number, Pending>();
  /** Ids we gave up on (timeout, cancel): their late answers are not for the legacy client. */
  private readonly abandoned = new Set<number>();
  private closedReason: string | null = null;
  onClose?: () => void;

  constructor(readonly transport: StdioClientTransport) {
    transport.onmessage = (message) => this.receive(message);
    transport.onclose = () => this.ended("the server's process ended");
    transport.onerror = () => {};
  }

  private receive(message: JSONRPCMessage) {
    const m = message as {
      id?: unknown;
      method?: unknown;
      params?: Record<string, unknown>;
    };
    if (typeof m.method === "string") {
      if (m.id !== undefined) {
        // 2026-07-28 servers ask nothing of the client by request (input_required instead).
        void this.transport
          .send({
            jsonrpc: "2.0",
            id: m.id as number,
            error: { code: -32601, message: "Method not found" },
          })
          .catch(() => {});
        return;
      }
      const notification = { method: m.method, ...(m.params ? { params: m.params } : {}) };
      const token = (m.params as { progressToken?: unknown } | undefined)?.progressToken;
      const owner = typeof token === "number" ? this.pending.get(token) : undefined;
      if (owner) owner.onNotification(notification);
      else for (const p of this.pending.values()) p.onNotification(notification);
      return;
    }
    if (typeof m.id === "number") {
      const owner = this.pending.get(m.id);
      this.abandoned.delete(m.id);
      if (owner) {
        this.pending.delete(m.id);
        owner.resolve(message);
      }
    }
  }

  private ended(reason: string) {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const p of this.pending.values()) p.resolve(null);
    this.pending.clear();
    this.onClose?.();
  }

  get isClosed(): boolean {
    return this.closedReason !== null;
  }

  async request(
    body: { id: number } & Record<string, unknown>,
    onNotification: Pending["onNotification"],
    signal: AbortSignal,
  ): Promise<{ status: number; message: unknown }> {
    if (this.closedReason) throw new Error(this.closedReason);
    const answer = new Promise<JSONRPCMessage | null>((resolve) =>
      this.pending.set(body.id, { resolve, onNotification }),
    );
    const abort = () => {
      if (!this.pending.delete(body.id)) return;
      this.abandoned.add(body.id);
      // Over stdio a request is cancelled by notification (there is no stream to close).
      void this.transport
        .send({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: body.id, reason: "cancelled by the client" },
        })
        .catch(() => {});
      rejectAbort(new Error("aborted"));
    };
    let rejectAbort: (error: Error) => void = () => {};
    const aborted = new Promise<never>((_, reject) => (rejectAbort = reject));
    aborted.catch(() => {}); // seen by the race below; an abort before it is not unhandled
    signal.addEventListener("abort", abort, { once: true });
    if (signal.aborted) abort();
    try {
      await this.transport.send(body as unknown as JSONRPCMessage);
      const message = await Promise.race([answer, aborted]);
      if (!message) throw new Error(this.closedReason ?? "the server's process ended");
      return { status: 200, message };
    } finally {
      signal.removeEventListener("abort", abort);
      this.pending.delete(body.id); // answered, abandoned, or never sent
    }
  }

  /**
   * The same pipes as an SDK Transport for the `initialize` fallback: already started, so start()
   * does nothing; answers to requests this channel gave up on are dropped.
   */
  legacyTransport(): Transport {
    const inner = this.transport;
    const adapter: Transport = {
      start: async () => {},
      send: (message) => inner.send(message),
      close: () => inner.close(),
      setProtocolVersion: (version) => (inner as Transport).setProtocolVersion?.(version),
    };
    inner.onmessage = (message) => {
      const id = (message as { id?: unknown; method?: unknown }).id;
      if (!("method" in message) && typeof id === "number" && this.abandoned.delete(id)) return;
      adapter.onmessage?.(message);
    };
    inner.onclose = () => adapter.onclose?.();
    inner.onerror = (error) => adapter.onerror?.(error);
    return adapter;
  }
}

export type StdioEra =
  | { era: "modern"; session: ModernSession; channel: StdioChannel; endpoint: ModernEndpoint }
  | { era: "legacy"; transport: Transport };

/**
 * Starts the stdio transport and asks the process its era. A process that ends during the probe
 * is not judged (nothing is remembered): the legacy connect that follows reports why it ended.
 */
export async function negotiateStdio(
  name: string,
  spec: Extract<LaunchSpec, { transport: "stdio" }>,
  transport: StdioClientTransport,
  options: { elicit?: ElicitHandler; signal?: AbortSignal | undefined; probeTimeoutMs?: number },
): Promise<StdioEra> {
  const channel = new StdioChannel(transport);
  await transport.start();
  const endpoint: ModernEndpoint = {
    url: "stdio:",
    headers: {},
    fetch,
    channel,
    capabilities: options.elicit ? { elicitation: { form: {}, url: {} } } : {},
  };
  const verdict = await probeEra(endpoint, {
    timeoutMs: options.probeTimeoutMs ?? STDIO_PROBE_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!(verdict.era === "legacy" && verdict.unreachable) && !channel.isClosed)
    rememberEra(fingerprintOf(spec), verdict);
  if (verdict.era === "modern")
    return {
      era: "modern",
      channel,
      endpoint,
      session: new ModernSession(name, endpoint, verdict.discover, verdict.version, options.elicit),
    };
  return { era: "legacy", transport: channel.legacyTransport() };
}

/**
 * For a client of our SDK (the inspector session): the started stdio process as a transport that
 * speaks the era the process answered, a ModernClientTransport over its pipes for a 2026-07-28
 * server (closing it ends the process), else the same pipes for `initialize`.
 */
export async function openStdioForClient(
  name: string,
  spec: Extract<LaunchSpec, { transport: "stdio" }>,
  transport: StdioClientTransport,
  options: { probeTimeoutMs?: number } = {},
): Promise<{ transport: Transport; protocolVersion: string | null }> {
  const era = await negotiateStdio(name, spec, transport, options);
  if (era.era === "legacy") return { transport: era.transport, protocolVersion: null };
  const modern = new ModernClientTransport(
    era.endpoint,
    era.session.discover,
    era.session.protocolVersion,
  );
  const closeModern = modern.close.bind(modern);
  modern.close = async () => {
    await closeModern();
    await transport.close();
  };
  era.channel.onClose = () => void modern.close();
  return { transport: modern, protocolVersion: era.session.protocolVersion };
}
