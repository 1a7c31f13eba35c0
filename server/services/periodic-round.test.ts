import { afterEach, describe, expect, it, vi } from "vitest";
import type { Db } from "@/db/client";
import { startPeriodicRound } from "./periodic-round";

const getDb = () => Promise.resolve({ db: {} as Db });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("a periodic round", () => {
  it("runs first after its delay, then on its interval, never two at once, and stops", async () => {
    vi.useFakeTimers();
    let finish: () => void = () => {};
    const round = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const stop = startPeriodicRound({
      name: "test round",
      intervalMs: 1_000,
      firstAfterMs: 100,
      getDb,
      round,
    });
    await vi.advanceTimersByTimeAsync(100);
    expect(round).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2_000); // still running: ticks are skipped, not stacked
    expect(round).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(round).toHaveBeenCalledTimes(2);
    finish();
    stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(round).toHaveBeenCalledTimes(2);
  });

  it("warns once about failures and keeps going; a second start under the same name replaces the first", async () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const failing = vi.fn(() => Promise.reject(new Error("database is away")));
    startPeriodicRound({ name: "replaced", intervalMs: 100, getDb, round: failing });
    await vi.advanceTimersByTimeAsync(350);
    expect(failing).toHaveBeenCalledTimes(3);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith("replaced failed: database is away");
    const next = vi.fn(() => Promise.resolve());
    const stop = startPeriodicRound({ name: "replaced", intervalMs: 100, getDb, round: next });
    await vi.advanceTimersByTimeAsync(200);
    expect(failing).toHaveBeenCalledTimes(3);
    expect(next).toHaveBeenCalledTimes(2);
    stop();
  });
});
