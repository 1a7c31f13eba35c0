import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { ModernChannel, Notification } from "./modern-http";
import { SUBSCRIPTION_ID_KEY } from "./modern-listen";

/**
 * 2026-07-28 requests over a started stdio transport (modern-stdio.ts), matched to their answers
 * by id. Our requests go out with string ids (`maestro-<n>`), so they never meet the numeric ids
 * of the SDK client that may share the pipes after an `initialize` fallback: an answer to a probe
 * we stopped waiting for is never taken for the answer to one of its requests. Notifications are
 * handed to the request they belong to: by progress token, by the subscription id a
 * `subscriptions/listen` stream stamps on its notifications (given back as the request's own id),
 * and to every request in flight otherwise.
 */

const WIRE_PREFIX = "maestro-";
const wireId = (id: number) => `${WIRE_PREFIX}${id}`;
const localId = (id: unknown): number | null =>
  typeof id === "string" && id.startsWith(WIRE_PREFIX)
    ? Number(id.slice(WIRE_PREFIX.length))
    : null;

type Pending = {
  resolve: (message: JSONRPCMessage | null) => void;
  onNotification: (notification: Notification) => void;
};

export class StdioChannel implements ModernChannel {
  private readonly pending = new Map<number, Pending>();
  private closedReason: string | null = null;
  onClose?: () => void;

  constructor(readonly transport: StdioClientTransport) {
    this.attach();
  }

  /** Takes the pipes (again, after an `initialize` fallback that did not hold). */
  attach(): void {
    this.transport.onmessage = (message) => this.receive(message);
    this.transport.onclose = () => this.ended("the server's process ended");
    this.transport.onerror = () => {};
  }

  receive(message: JSONRPCMessage): void {
    const m = message as { id?: unknown; method?: unknown; params?: Record<string, unknown> };
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
      this.notify({ method: m.method, ...(m.params ? { params: m.params } : {}) });
      return;
    }
    const id = localId(m.id);
    const owner = id === null ? undefined : this.pending.get(id);
    if (owner && id !== null) {
      this.pending.delete(id);
      owner.resolve(message);
    }
  }

  private notify(notification: Notification) {
    const params = notification.params;
    const token = params?.progressToken;
    const meta = params?._meta as Record<string, unknown> | undefined;
    const subscription = localId(meta?.[SUBSCRIPTION_ID_KEY]);
    if (subscription !== null) {
      const owner = this.pending.get(subscription);
      owner?.onNotification({
        ...notification,
        params: { ...params, _meta: { ...meta, [SUBSCRIPTION_ID_KEY]: subscription } },
      });
      return;
    }
    const owner = typeof token === "number" ? this.pending.get(token) : undefined;
    if (owner) owner.onNotification(notification);
    else for (const p of this.pending.values()) p.onNotification(notification);
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

  /** Stops waiting for every request in flight, telling the server nothing (a probe a 2025 server never answered). */
  forgetPending(): void {
    for (const p of this.pending.values()) p.resolve(null);
    this.pending.clear();
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
      // Over stdio a request (and a listen stream) is cancelled by notification.
      void this.transport
        .send({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: wireId(body.id), reason: "cancelled by the client" },
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
      await this.transport.send({ ...body, id: wireId(body.id) } as unknown as JSONRPCMessage);
      const message = await Promise.race([answer, aborted]);
      if (!message) throw new Error(this.closedReason ?? "the server's process ended");
      return { status: 200, message: { ...message, id: body.id } };
    } finally {
      signal.removeEventListener("abort", abort);
      this.pending.delete(body.id); // answered, abandoned, or never sent
    }
  }

  /**
   * The same pipes as an SDK Transport for the `initialize` fallback: already started, so start()
   * does nothing; answers to our own requests still go to this channel. While `undecided` (the
   * probe had no answer in time, and may yet get one from a 2026-07-28 server slow to start), a
   * close from the SDK client (it closes when `initialize` fails) leaves the process running, so
   * the channel can take it back (`attach`); `initialize` answered with a result decides it.
   */
  legacyTransport(options: { undecided?: boolean } = {}): LegacyPipes {
    const inner = this.transport;
    let undecided = options.undecided === true;
    let initializeId: unknown;
    const adapter: LegacyPipes = {
      start: async () => {},
      send: (message) => {
        const m = message as { id?: unknown; method?: unknown };
        if (m.method === "initialize") initializeId = m.id;
        return inner.send(message);
      },
      close: async () => {
        if (!undecided) await inner.close();
      },
      setProtocolVersion: (version) => (inner as Transport).setProtocolVersion?.(version),
      decide: () => {
        undecided = false;
      },
    };
    inner.onmessage = (message) => {
      const m = message as { id?: unknown; method?: unknown; result?: unknown };
      if (!("method" in message) && localId(m.id) !== null) return this.receive(message);
      if (m.id !== undefined && m.id === initializeId && m.result !== undefined) {
        undecided = false;
        this.forgetPending();
      }
      adapter.onmessage?.(message);
    };
    inner.onclose = () => {
      this.ended("the server's process ended");
      adapter.onclose?.();
    };
    inner.onerror = (error) => adapter.onerror?.(error);
    return adapter;
  }
}

/** The stdio pipes as handed to the SDK client; `decide()` makes its close end the process again. */
export type LegacyPipes = Transport & { decide(): void };
