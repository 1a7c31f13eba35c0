import { describe, expect, it } from "vitest";
import { createCircuitBreaker } from "./circuit-breaker";

const t0 = 1_000_000;

describe("createCircuitBreaker", () => {
  it("opens after N consecutive failures; a success in between starts the count over", () => {
    const breaker = createCircuitBreaker({ failureThreshold: 3 });
    breaker.recordFailure(t0);
    breaker.recordFailure(t0 + 1);
    breaker.recordSuccess(t0 + 2);
    breaker.recordFailure(t0 + 3);
    breaker.recordFailure(t0 + 4);
    expect(breaker.state).toBe("closed");
    expect(breaker.canCall(t0 + 5)).toBe(true);
    breaker.recordFailure(t0 + 5);
    expect(breaker.state).toBe("open");
    expect(breaker.snapshot()).toMatchObject({
      status: "open",
      since: t0 + 5,
      reason: "3 consecutive failures",
    });
    expect(breaker.canCall(t0 + 6)).toBe(false);
  });

  it("goes half-open after the cool-down, lets the probes through, and closes when they succeed", () => {
    const breaker = createCircuitBreaker({ coolDownMs: 1000, halfOpenProbes: 2 });
    breaker.forceOpen(t0, "error rate 40% is 9.0 deviations above its moving average");
    expect(breaker.canCall(t0 + 999)).toBe(false);
    expect(breaker.state).toBe("open");
    expect(breaker.canCall(t0 + 1000)).toBe(true);
    expect(breaker.state).toBe("half-open");
    expect(breaker.canCall(t0 + 1001)).toBe(true);
    expect(breaker.canCall(t0 + 1002)).toBe(false); // both probe slots are taken
    breaker.recordSuccess(t0 + 1100);
    expect(breaker.state).toBe("half-open");
    breaker.recordSuccess(t0 + 1200);
    expect(breaker.state).toBe("closed");
    expect(breaker.canCall(t0 + 1201)).toBe(true);
    expect(breaker.snapshot()).toMatchObject({ consecutiveFailures: 0, reason: null });
  });

  it("opens again when a probe fails, keeping the reason it opened for", () => {
    const breaker = createCircuitBreaker({ coolDownMs: 1000 });
    breaker.forceOpen(t0, "anomalous error rate");
    expect(breaker.canCall(t0 + 1000)).toBe(true);
    breaker.recordFailure(t0 + 1500);
    expect(breaker.snapshot()).toMatchObject({
      status: "open",
      since: t0 + 1500,
      reason: "anomalous error rate",
    });
    expect(breaker.canCall(t0 + 2000)).toBe(false); // a fresh cool-down from the failed probe
    expect(breaker.canCall(t0 + 2500)).toBe(true);
  });

  it("ignores late answers while open, and frees probe slots a hung probe never returned", () => {
    const breaker = createCircuitBreaker({ coolDownMs: 1000, failureThreshold: 1 });
    breaker.recordFailure(t0);
    breaker.recordSuccess(t0 + 10); // a call made before it opened
    expect(breaker.state).toBe("open");
    expect(breaker.canCall(t0 + 1000)).toBe(true); // the probe hangs, never reported
    expect(breaker.canCall(t0 + 1500)).toBe(false);
    expect(breaker.canCall(t0 + 2000)).toBe(true); // another cool-down later: a new probe
  });

  it("resumes from a snapshot and resets", () => {
    const first = createCircuitBreaker({ coolDownMs: 1000 });
    first.forceOpen(t0, "anomalous error rate");
    const stored = JSON.parse(JSON.stringify(first.snapshot()));
    const resumed = createCircuitBreaker({ coolDownMs: 1000 }, stored);
    expect(resumed.state).toBe("open");
    expect(resumed.canCall(t0 + 500)).toBe(false);
    resumed.reset();
    expect(resumed.state).toBe("closed");
    expect(resumed.canCall(t0 + 501)).toBe(true);
    expect(first.state).toBe("open"); // the snapshot was a copy
  });
});
