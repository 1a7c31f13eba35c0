import { describe, expect, it } from "vitest";
import { ExpiringMap } from "./expiring-map";

describe("ExpiringMap", () => {
  it("forgets an entry once it is older than its time to live", () => {
    let now = 0;
    const map = new ExpiringMap<string, boolean>({ ttlMs: 60_000, maxEntries: 10, now: () => now });
    map.set("a", true);
    now = 59_999;
    expect(map.get("a")).toBe(true);
    now = 60_000;
    expect(map.get("a")).toBeUndefined();
    expect(map.size).toBe(0);
  });

  it("never holds more than its cap, dropping the oldest written first", () => {
    const map = new ExpiringMap<number, number>({ ttlMs: 60_000, maxEntries: 3 });
    for (let i = 0; i < 1_000; i++) map.set(i, i);
    expect(map.size).toBe(3);
    expect([map.get(996), map.get(997), map.get(998), map.get(999)]).toEqual([
      undefined,
      997,
      998,
      999,
    ]);
  });

  it("drops expired entries as new ones are written, even if they are never read again", () => {
    let now = 0;
    const map = new ExpiringMap<string, number>({ ttlMs: 1_000, maxEntries: 100, now: () => now });
    for (let i = 0; i < 50; i++) map.set(`old-${i}`, i);
    now = 5_000;
    map.set("new", 1);
    expect(map.size).toBe(1);
  });

  it("a rewritten key counts as new", () => {
    let now = 0;
    const map = new ExpiringMap<string, number>({ ttlMs: 1_000, maxEntries: 2, now: () => now });
    map.set("a", 1);
    map.set("b", 2);
    now = 500;
    map.set("a", 3);
    map.set("c", 4);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([3, undefined, 4]);
  });
});
