import { afterAll, describe, expect, it } from "vitest";
import { getEnv } from "@/server/env";
import { createMemoryBus, createRedisBus, type EventBus } from "./bus";

/** In memory always; on the real Redis too when REDIS_URL is set (CI's second pass). */
const { redisUrl } = getEnv();
const buses: [string, () => EventBus][] = [["in-process", createMemoryBus]];
if (redisUrl) buses.push(["Redis", () => createRedisBus(redisUrl)]);

const opened: EventBus[] = [];
afterAll(() => Promise.all(opened.map((b) => b.close())));

function nextMessage(bus: EventBus, channel: string): Promise<unknown> {
  return new Promise((resolve) => {
    void bus.subscribe(channel, (message) => resolve(message));
  });
}

describe.each(buses)("the %s event bus", (name, create) => {
  it("delivers a message to every subscriber of its channel, and to no other channel", async () => {
    // Two processes on Redis; on the in-process bus, two subscribers of one process.
    const a = create();
    const b = name === "Redis" ? create() : a;
    opened.push(a, b);
    const channel = `test:${Math.random()}`;
    const seenOnOther: unknown[] = [];
    await b.subscribe(`${channel}:other`, (m) => seenOnOther.push(m));
    const first = nextMessage(a, channel);
    const second = nextMessage(b, channel);
    await new Promise((r) => setTimeout(r, 50)); // let Redis register the subscriptions
    await a.publish(channel, { type: "run.started", runId: "r1" });
    await expect(first).resolves.toEqual({ type: "run.started", runId: "r1" });
    await expect(second).resolves.toEqual({ type: "run.started", runId: "r1" });
    expect(seenOnOther).toEqual([]);
  });

  it("stops delivering after unsubscribe", async () => {
    const bus = create();
    opened.push(bus);
    const channel = `test:${Math.random()}`;
    const seen: unknown[] = [];
    const stop = await bus.subscribe(channel, (m) => seen.push(m));
    const keep = nextMessage(bus, channel);
    await new Promise((r) => setTimeout(r, 50));
    stop();
    await bus.publish(channel, 1);
    await keep;
    expect(seen).toEqual([]);
  });
});
