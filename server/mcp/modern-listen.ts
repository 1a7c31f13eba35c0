import { z } from "zod";
import { exchange, newRequestId, type ModernEndpoint, type Notification } from "./modern-http";

/**
 * Change notifications from a 2026-07-28 server (basic/patterns/subscriptions): a
 * `subscriptions/listen` request whose answer stays open and carries the notification types the
 * filter opts in to (list changes, `notifications/resources/updated` for the URIs named), each
 * stamped with the listen request's id in `_meta["io.modelcontextprotocol/subscriptionId"]`. The
 * server acknowledges first (`notifications/subscriptions/acknowledged`, with the part of the
 * filter it honours); the stream ends when we hang up (HTTP) or send `notifications/cancelled`
 * (stdio, StdioChannel does), or when the server answers the request (a graceful end) or goes.
 *
 * A filter is fixed for the life of its request, so a ModernListener changes one by opening a new
 * stream and, once that is acknowledged, hanging up the old one. A stream that ends without our
 * asking is opened again after a backoff while the filter still asks for something, unless its
 * stdio process has ended (that connection is over; the pool starts a new one).
 */

export const SUBSCRIPTION_ID_KEY = "io.modelcontextprotocol/subscriptionId";
const ACK_TIMEOUT_MS = 15_000;
const REOPEN_MIN_MS = 1_000;
const REOPEN_MAX_MS = 30_000;

export type ListenFilter = {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
};

const filterSchema = z.object({
  toolsListChanged: z.boolean().optional(),
  promptsListChanged: z.boolean().optional(),
  resourcesListChanged: z.boolean().optional(),
  resourceSubscriptions: z.array(z.string().max(10_000)).max(10_000).optional(),
});

/** The filter without its empty parts; null when it asks for nothing. */
function compact(filter: ListenFilter): ListenFilter | null {
  const out: ListenFilter = {};
  if (filter.toolsListChanged) out.toolsListChanged = true;
  if (filter.promptsListChanged) out.promptsListChanged = true;
  if (filter.resourcesListChanged) out.resourcesListChanged = true;
  if (filter.resourceSubscriptions?.length)
    out.resourceSubscriptions = [...new Set(filter.resourceSubscriptions)];
  return Object.keys(out).length ? out : null;
}

type Stream = { id: number; stop: AbortController; acknowledged: ListenFilter | null };

export class ModernListener {
  private current: Stream | null = null;
  private wanted: ListenFilter | null = null;
  private reopenMs = REOPEN_MIN_MS;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private isClosed = false;

  constructor(
    private readonly endpoint: ModernEndpoint,
    private readonly version: string,
    /** Each change notification, as the server sent it (its `_meta` names the subscription). */
    private readonly onNotification: (notification: Notification) => void,
    /** A stream ended without our asking (notifications may have been missed meanwhile). */
    private readonly onLost: () => void = () => {},
  ) {}

  /** What the open stream's acknowledgement honours (null: no stream open). */
  get acknowledged(): ListenFilter | null {
    return this.current?.acknowledged ?? null;
  }

  /**
   * Listens with `filter` from now on: resolves with the part the server agreed to honour once the
   * new stream is acknowledged (the old one is then hung up), or null for an empty filter (no
   * stream). A refusal or no acknowledgement in time throws, and the old stream stays.
   */
  async listen(filter: ListenFilter): Promise<ListenFilter | null> {
    if (this.isClosed) throw new Error("Not connected");
    const wanted = compact(filter);
    const previous = this.wanted;
    this.wanted = wanted;
    this.clearReopen();
    try {
      return await this.apply(wanted);
    } catch (error) {
      // Refused: what we listen for is still the old stream's filter, and a lost old stream
      // (whose reopen the attempt put off) comes back with it, never with the refused one.
      if (this.wanted === wanted) {
        this.wanted = previous;
        if (!this.current) this.scheduleReopen();
      }
      throw error;
    }
  }

  private async apply(wanted: ListenFilter | null): Promise<ListenFilter | null> {
    if (!wanted) {
      this.hangUp(this.current);
      this.current = null;
      return null;
    }
    const stream = await this.open(wanted);
    if (this.isClosed || this.wanted !== wanted) {
      // Closed, or asked for another filter while this one was being acknowledged.
      this.hangUp(stream);
      return stream.acknowledged;
    }
    this.hangUp(this.current);
    this.current = stream;
    this.reopenMs = REOPEN_MIN_MS;
    return stream.acknowledged;
  }

  private open(filter: ListenFilter): Promise<Stream> {
    const stream: Stream = { id: newRequestId(), stop: new AbortController(), acknowledged: null };
    return new Promise<Stream>((resolve, reject) => {
      const ackTimer = setTimeout(() => {
        stream.stop.abort();
        reject(new Error("the server did not acknowledge subscriptions/listen in time"));
      }, ACK_TIMEOUT_MS);
      const onNotification = (n: Notification) => {
        const owner = (n.params?._meta as Record<string, unknown> | undefined)?.[
          SUBSCRIPTION_ID_KEY
        ];
        // Over stdio every subscription shares the pipe: only this stream's notifications.
        if (owner !== undefined && owner !== stream.id && owner !== String(stream.id)) return;
        if (n.method === "notifications/subscriptions/acknowledged") {
          const honoured = filterSchema.safeParse(n.params?.notifications ?? {});
          stream.acknowledged = honoured.success ? honoured.data : {};
          clearTimeout(ackTimer);
          resolve(stream);
          return;
        }
        if (stream.acknowledged) this.onNotification(n);
      };
      exchange(
        this.endpoint,
        "subscriptions/listen",
        { notifications: filter },
        {
          requestId: stream.id,
          signal: stream.stop.signal,
          timeoutMs: Number.POSITIVE_INFINITY,
          version: this.version,
          onNotification,
        },
      ).then(
        ({ message }) => {
          clearTimeout(ackTimer);
          if (!stream.acknowledged) {
            const error = message?.error;
            reject(
              new Error(
                error
                  ? `the server refused subscriptions/listen: ${error.message}`
                  : "the server ended subscriptions/listen before acknowledging it",
              ),
            );
            return;
          }
          this.ended(stream);
        },
        (error: unknown) => {
          clearTimeout(ackTimer);
          if (!stream.acknowledged)
            reject(error instanceof Error ? error : new Error(String(error)));
          else this.ended(stream);
        },
      );
    });
  }

  /** A stream that ended: ours to forget if we hung it up, else lost and opened again later. */
  private ended(stream: Stream) {
    if (stream.stop.signal.aborted || this.current !== stream) return;
    this.current = null;
    this.onLost();
    this.scheduleReopen();
  }

  /** Whether the way to the server is gone for good (a stdio process that ended): nothing to reopen on. */
  private get channelEnded(): boolean {
    return this.endpoint.channel?.isClosed === true;
  }

  private scheduleReopen() {
    const wanted = this.wanted;
    if (this.isClosed || !wanted || this.reopenTimer || this.channelEnded) return;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (this.isClosed || this.wanted !== wanted || this.channelEnded) return;
      this.apply(wanted).catch(() => {
        if (this.wanted === wanted && !this.current) this.scheduleReopen();
      });
    }, this.reopenMs);
    this.reopenTimer.unref?.();
    this.reopenMs = Math.min(this.reopenMs * 2, REOPEN_MAX_MS);
  }

  private hangUp(stream: Stream | null) {
    stream?.stop.abort();
  }

  private clearReopen() {
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
    this.reopenTimer = null;
  }

  close(): void {
    this.isClosed = true;
    this.clearReopen();
    this.hangUp(this.current);
    this.current = null;
  }
}
