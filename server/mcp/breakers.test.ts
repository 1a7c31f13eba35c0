import { describe, expect, it } from "vitest";
import { createMemoryBus } from "@/server/events/bus";
import { BreakerRegistry } from "./breakers";

describe("MCP circuit breakers", () => {
  it("fail calls fast while open, let a probe through after the cool-down, and close when it succeeds", () => {
    let now = 1_000;
    const breakers = new BreakerRegistry({ coolDownMs: 500, now: () => now });
    expect(breakers.route("t1", "files")).toEqual({ server: "files", viaFallback: false });
    breakers.apply({ action: "open", tenantId: "t1", server: "files", reason: "error rate 80 %" });
    expect(() => breakers.route("t1", "files")).toThrow(
      /paused by its circuit breaker \(error rate 80 %\)/,
    );
    // Other tenants and servers are untouched.
    expect(breakers.route("t2", "files").server).toBe("files");
    expect(breakers.route("t1", "web").server).toBe("web");
    now += 600;
    expect(breakers.route("t1", "files")).toEqual({ server: "files", viaFallback: false }); // the probe
    breakers.record("t1", "files", false);
    expect(breakers.state("t1", "files")).toBe("open");
    now += 600;
    breakers.route("t1", "files");
    breakers.record("t1", "files", true);
    expect(breakers.state("t1", "files")).toBeNull();
  });

  it("send calls to the fallback server while open, and reach every process through the bus", async () => {
    const bus = createMemoryBus();
    const here = new BreakerRegistry();
    const there = new BreakerRegistry();
    await there.listen(bus);
    await here.publish(bus, {
      action: "open",
      tenantId: "t1",
      server: "files",
      fallback: "files-backup",
    });
    expect(here.route("t1", "files")).toEqual({ server: "files-backup", viaFallback: true });
    expect(there.route("t1", "files")).toEqual({ server: "files-backup", viaFallback: true });
    await here.publish(bus, { action: "close", tenantId: "t1", server: "files" });
    expect(there.state("t1", "files")).toBeNull();
    there.stop();
  });
});
