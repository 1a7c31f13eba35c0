import { describe, expect, it } from "vitest";
import { createFailureLimiter } from "./failure-limiter";

describe("the sign-in failure limiter (in memory)", () => {
  it("locks a key after the allowed failures, for about the window, and only that key", async () => {
    const limiter = createFailureLimiter({ maxFailures: 2, windowSeconds: 300 });
    await limiter.recordFailure("a@x.test");
    expect(await limiter.retryAfter("a@x.test")).toBe(0);
    await limiter.recordFailure("a@x.test");
    const wait = await limiter.retryAfter("a@x.test");
    expect(wait).toBeGreaterThan(290);
    expect(wait).toBeLessThanOrEqual(300);
    expect(await limiter.retryAfter("b@x.test")).toBe(0);
  });

  it("forgets a key's failures on reset", async () => {
    const limiter = createFailureLimiter({ maxFailures: 1, windowSeconds: 60 });
    await limiter.recordFailure("a@x.test");
    expect(await limiter.retryAfter("a@x.test")).toBeGreaterThan(0);
    await limiter.reset("a@x.test");
    expect(await limiter.retryAfter("a@x.test")).toBe(0);
  });
});
