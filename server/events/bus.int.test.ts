import { afterAll, describe, expect, it } from "vitest";
import { getEnv } from "@/server/env";
import { createMemoryBus, createRedisBus, type EventBus } from "./bus";

/** In memory always; on the real Redis too when REDIS_URL is set (CI's second pass). */
const { redisUrl } = getEnv();
const buses: [string, () => EventBus][] = [["in-process", createMemoryBus]];
if (redisUrl) buses.push(["Redis", () => createRedisBus(redisUrl)]);

const opened: EventBus[] = [];
afterAll(() => Promise.all(opened.map((b) => b.close())));

/** Subscribes and resolves once the subscription stands, with the promise of the channel's next message. */
async function nextMessage(bus: EventBus, channel: string): Promise<{ message: Promise<unknown> }> {
  let resolve!: (message: unknown) => void;
  const message = new Promise<unknown>((r) => (resolve = r));
  await bus.subscribe(channel, (m) => resolve(m));
  return { message };
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
    // subscribe resolves once Redis confirmed the subscription: nothing to wait for after it.
    const first = await nextMessage(a, channel);
    const second = await nextMessage(b, channel);
    await a.publish(channel, { type: "run.started", runId: "r1" });
    await expect(first.message).resolves.toEqual({ type: "run.started", runId: "r1" });
    await expect(second.message).resolves.toEqual({ type: "run.started", runId: "r1" });
    expect(seenOnOther).toEqual([]);
  });

  it("stops delivering after unsubscribe", async () => {
    const bus = create();
    opened.push(bus);
    const channel = `test:${Math.random()}`;
    const seen: unknown[] = [];
    const stop = await bus.subscribe(channel, (m) => seen.push(m));
    const keep = await nextMessage(bus, channel);
    stop();
    await bus.publish(channel, 1);
    await keep.message;
    expect(seen).toEqual([]);
  });
});
