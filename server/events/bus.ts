import { EventEmitter } from "node:events";
import Redis from "ioredis";

/**
 * Publish/subscribe for live updates (run events to the pages that watch them, control messages
 * to workers). In-process on the embedded default; Redis pub/sub when REDIS_URL is set, so that a
 * page served by one process sees the events of a run executed by a worker on another machine.
 * Delivery is at-most-once: whoever needs every message catches up from the database.
 */
export interface EventBus {
  publish(channel: string, message: unknown): Promise<void>;
  /** Calls `handler` for each message on the channel until the returned function is called. */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createMemoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one listener per open page is normal, not a leak
  return {
    async publish(channel, message) {
      emitter.emit(channel, message);
    },
    async subscribe(channel, handler) {
      emitter.on(channel, handler);
      return () => void emitter.off(channel, handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** Redis pub/sub with JSON messages. One subscriber connection per process, shared by every subscription. */
export function createRedisBus(url: string): EventBus {
  const publisher = new Redis(url, { maxRetriesPerRequest: 2 });
  // No ready check on the subscriber: its INFO can go out after a SUBSCRIBE queued while connecting,
  // which Redis refuses in subscriber mode ("Connection in subscriber mode"), failing the connection.
  const subscriber = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
  // A lost connection reconnects by itself; say so once per failure instead of an unhandled error event.
  for (const [name, connection] of [
    ["publisher", publisher],
    ["subscriber", subscriber],
  ] as const) {
    connection.on("error", (error: Error) =>
      console.error(`Event bus (Redis ${name}): ${error.message}`),
    );
  }
  const local = createMemoryBus();
  const counts = new Map<string, number>();
  /** Per channel, the SUBSCRIBE sent to Redis for its first subscriber. */
  const subscribing = new Map<string, Promise<unknown>>();
  subscriber.on("message", (channel: string, raw: string) => {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return; // not one of ours
    }
    void local.publish(channel, message);
  });

  return {
    async publish(channel, message) {
      await publisher.publish(channel, JSON.stringify(message));
    },
    async subscribe(channel, handler) {
      const unsubscribeLocal = await local.subscribe(channel, handler);
      const count = counts.get(channel) ?? 0;
      counts.set(channel, count + 1);
      // Every subscriber waits until Redis confirms the channel, not only the first: a start
      // that subscribes before its run exists must not miss the run's first events.
      if (count === 0) subscribing.set(channel, subscriber.subscribe(channel));
      await subscribing.get(channel);
      let isActive = true;
      return () => {
        if (!isActive) return;
        isActive = false;
        unsubscribeLocal();
        const left = (counts.get(channel) ?? 1) - 1;
        if (left > 0) counts.set(channel, left);
        else {
          counts.delete(channel);
          subscribing.delete(channel);
          void subscriber.unsubscribe(channel).catch(() => undefined);
        }
      };
    },
    async close() {
      await local.close();
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
