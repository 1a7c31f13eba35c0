import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ModernChannel, ModernEndpoint, Notification } from "./modern-http";
import { ModernListener, SUBSCRIPTION_ID_KEY, type ListenFilter } from "./modern-listen";

/** A server on the other end of a channel: each listen request waits for the test to answer it. */
class FakeServer implements ModernChannel {
  readonly requests: {
    id: number;
    filter: ListenFilter;
    notify: (n: Notification) => void;
    answer: (message: unknown) => void;
    fail: (error: Error) => void;
  }[] = [];
  isClosed = false;

  request(
    body: { id: number } & Record<string, unknown>,
    onNotification: (notification: Notification) => void,
    signal: AbortSignal,
  ): Promise<{ status: number; message: unknown }> {
    const params = body.params as { notifications: ListenFilter };
    return new Promise((resolve, reject) => {
      this.requests.push({
        id: body.id,
        filter: params.notifications,
        notify: onNotification,
        answer: (message) => resolve({ status: 200, message }),
        fail: reject,
      });
      if (this.isClosed) reject(new Error("the server's process ended"));
      signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
    });
  }

  acknowledge(index: number, honoured: ListenFilter) {
    const r = this.requests[index]!;
    r.notify({
      method: "notifications/subscriptions/acknowledged",
      params: { _meta: { [SUBSCRIPTION_ID_KEY]: r.id }, notifications: honoured },
    });
  }

  /** The process ends: every open request fails, and so does every later one. */
  exit() {
    this.isClosed = true;
    for (const r of this.requests) r.fail(new Error("the server's process ended"));
  }
}

function endpointOf(server: FakeServer): ModernEndpoint {
  return { url: "stdio:", headers: {}, fetch, capabilities: {}, channel: server };
}

describe("ModernListener", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("stops reopening its stream once the server's process has ended", async () => {
    const server = new FakeServer();
    const lost = vi.fn();
    const listener = new ModernListener(endpointOf(server), "2026-07-28", () => {}, lost);
    const listening = listener.listen({ toolsListChanged: true });
    server.acknowledge(0, { toolsListChanged: true });
    await expect(listening).resolves.toEqual({ toolsListChanged: true });

    server.exit();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(lost).toHaveBeenCalledTimes(1);
    // Nothing left to listen on: no request after the process ended, and no timer left behind.
    expect(server.requests).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    listener.close();
  });

  it("reopens a lost stream with the filter the server last agreed to, not one it refused", async () => {
    const server = new FakeServer();
    const listener = new ModernListener(endpointOf(server), "2026-07-28", () => {});
    const first = listener.listen({ resourceSubscriptions: ["memo://a"] });
    server.acknowledge(0, { resourceSubscriptions: ["memo://a"] });
    await first;

    const second = listener.listen({ resourceSubscriptions: ["memo://a", "memo://b"] });
    server.requests[1]!.answer({
      jsonrpc: "2.0",
      id: server.requests[1]!.id,
      error: { code: -32602, message: "no such resource" },
    });
    await expect(second).rejects.toThrow(/refused/);
    expect(listener.acknowledged).toEqual({ resourceSubscriptions: ["memo://a"] });

    // The stream that stayed is lost: it comes back as it was.
    server.requests[0]!.answer({ jsonrpc: "2.0", id: server.requests[0]!.id, result: {} });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.filter).toEqual({ resourceSubscriptions: ["memo://a"] });
    listener.close();
  });
});
