import { describe, expect, it } from "vitest";
import { ToolListCache, UNHINTED_FRESH_MS, type ToolListing } from "./tool-list-cache";
import type { CheckedTool } from "./tool-schemas";

/** A listing cache over a counted fake fetch and a clock the test moves. */
function cacheOf(ttlMs: ToolListing["ttlMs"], watching = false) {
  let now = 1_000;
  let fetches = 0;
  let release: (() => void) | null = null;
  let hold = false;
  const cache = new ToolListCache(
    async () => {
      fetches++;
      if (hold) await new Promise<void>((resolve) => (release = resolve));
      const tools = new Map([[`t${fetches}`, { name: `t${fetches}` } as CheckedTool]]);
      return { tools, ttlMs };
    },
    () => watching,
    () => now,
  );
  return {
    cache,
    fetches: () => fetches,
    advance: (ms: number) => (now += ms),
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      release?.();
    },
  };
}

describe("a connection's tool listing", () => {
  it("with a positive ttlMs: kept until it runs out, listed again at the first use after", async () => {
    const t = cacheOf(5_000);
    await t.cache.get();
    t.advance(4_999);
    expect(t.cache.current()).not.toBeNull();
    await t.cache.get();
    expect(t.fetches()).toBe(1);
    t.advance(1);
    expect(t.cache.current()).toBeNull();
    expect([...(await t.cache.get()).keys()]).toEqual(["t2"]);
    expect(t.fetches()).toBe(2);
  });

  it("a change notification ends a fresh listing at once", async () => {
    const t = cacheOf(60_000);
    await t.cache.get();
    t.cache.invalidate();
    expect(t.cache.current()).toBeNull();
    await t.cache.get();
    expect(t.fetches()).toBe(2);
  });

  it("a listing that was on its way when the list changed is not kept as fresh", async () => {
    const t = cacheOf(60_000);
    t.holdNext();
    const first = t.cache.get();
    t.cache.invalidate();
    t.release();
    await first;
    expect(t.cache.current()).toBeNull();
  });

  it("without a ttlMs: kept while change notifications are heard, else for the unhinted minute", async () => {
    const watched = cacheOf(0, true);
    await watched.cache.get();
    watched.advance(10 * UNHINTED_FRESH_MS);
    expect(watched.cache.current()).not.toBeNull();

    const unwatched = cacheOf(0, false);
    await unwatched.cache.get();
    unwatched.advance(UNHINTED_FRESH_MS - 1);
    expect(unwatched.cache.current()).not.toBeNull();
    unwatched.advance(1);
    expect(unwatched.cache.current()).toBeNull();
  });

  it("a 2025 listing stays until the server says it changed", async () => {
    const t = cacheOf("never");
    await t.cache.get();
    t.advance(365 * 24 * 3600_000);
    expect(t.cache.current()).not.toBeNull();
    t.cache.invalidate();
    expect(t.cache.current()).toBeNull();
  });

  it("asks once for callers that come while a listing is on its way", async () => {
    const t = cacheOf(0);
    await Promise.all([t.cache.get(), t.cache.get(), t.cache.get()]);
    expect(t.fetches()).toBe(1);
  });
});
