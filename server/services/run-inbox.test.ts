import { describe, expect, it } from "vitest";
import { createMemoryBus } from "@/server/events/bus";
import { tenantRunsChannel, type PublishedRunEvent } from "./run-journal";
import { openRunInbox } from "./run-stream";

const event = (runId: string, id: number): PublishedRunEvent => ({
  id,
  runId,
  stored: true,
  event: { type: "run.queued", runId, at: id },
});

describe("a run inbox opened before the run starts", () => {
  it("keeps the run's events that came before its id was known, and only that run's from then on", async () => {
    const bus = createMemoryBus();
    const inbox = await openRunInbox(bus, "t1");
    await bus.publish(tenantRunsChannel("t1"), event("other", 1));
    await bus.publish(tenantRunsChannel("t1"), event("mine", 2));
    await bus.publish(tenantRunsChannel("t2"), event("mine", 3)); // another tenant's channel
    inbox.only("mine");
    await bus.publish(tenantRunsChannel("t1"), event("other", 4));
    await bus.publish(tenantRunsChannel("t1"), event("mine", 5));
    expect((await inbox.next(undefined))?.id).toBe(2);
    expect((await inbox.next(undefined))?.id).toBe(5);
    inbox.close();
  });

  it("waits for the next event, and answers nothing once the signal aborts", async () => {
    const bus = createMemoryBus();
    const inbox = await openRunInbox(bus, "t1");
    inbox.only("mine");
    const stop = new AbortController();
    const waiting = inbox.next(stop.signal);
    await bus.publish(tenantRunsChannel("t1"), event("mine", 7));
    expect((await waiting)?.id).toBe(7);
    const pending = inbox.next(stop.signal);
    stop.abort();
    expect(await pending).toBeUndefined();
    inbox.close();
    await bus.publish(tenantRunsChannel("t1"), event("mine", 8));
    expect(await inbox.next(stop.signal)).toBeUndefined();
  });
});
