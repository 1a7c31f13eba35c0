import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Batcher } from "./batcher";

function makeBatcher(options: { maxItems?: number; fail?: (batch: number[]) => boolean } = {}) {
  const written: number[][] = [];
  const errors: { error: unknown; batch: number[] }[] = [];
  const batcher = new Batcher<number>({
    write: async (batch) => {
      await Promise.resolve();
      if (options.fail?.(batch)) throw new Error(`cannot store ${batch.join(",")}`);
      written.push(batch);
    },
    onError: (error, batch) => errors.push({ error, batch }),
    maxItems: options.maxItems,
  });
  return { batcher, written, errors };
}

describe("Batcher", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes what waits every interval once started, and nothing when nothing waits", async () => {
    const { batcher, written } = makeBatcher();
    batcher.start(1_000);
    batcher.add(1);
    batcher.add(2);
    expect(written).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([[1, 2]]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(written).toEqual([[1, 2]]);
    batcher.add(3);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written).toEqual([[1, 2], [3]]);
    await batcher.close();
  });

  it("writes as soon as maxItems wait, without waiting for the timer", async () => {
    const { batcher, written } = makeBatcher({ maxItems: 3 });
    for (const n of [1, 2]) batcher.add(n);
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual([]);
    batcher.add(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual([[1, 2, 3]]);
    batcher.add(4);
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual([[1, 2, 3]]); // one waits: below the size, before the timer
    await batcher.close();
    expect(written).toEqual([[1, 2, 3], [4]]);
  });

  it("writes what waits on close, and stops its timer", async () => {
    const { batcher, written } = makeBatcher();
    batcher.start(1_000);
    batcher.add(7);
    await batcher.close();
    expect(written).toEqual([[7]]);
    batcher.add(8);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(written).toEqual([[7]]); // closed: no timer writes any more
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reports a failed write with the batch it lost, and goes on with the next ones", async () => {
    const { batcher, written, errors } = makeBatcher({ fail: (batch) => batch.includes(2) });
    batcher.add(1);
    batcher.add(2);
    await expect(batcher.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.batch).toEqual([1, 2]);
    expect((errors[0]!.error as Error).message).toBe("cannot store 1,2");
    batcher.add(3);
    await batcher.flush();
    expect(written).toEqual([[3]]);
  });

  it("writes one batch at a time, in order, however often flush is called", async () => {
    const order: string[] = [];
    let release: () => void = () => {};
    const batcher = new Batcher<number>({
      write: async (batch) => {
        order.push(`start ${batch.join(",")}`);
        if (batch[0] === 1) await new Promise<void>((resolve) => (release = resolve));
        order.push(`end ${batch.join(",")}`);
      },
      onError: () => {},
    });
    batcher.add(1);
    const first = batcher.flush();
    await vi.advanceTimersByTimeAsync(0);
    batcher.add(2);
    const second = batcher.flush();
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(["start 1"]);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["start 1", "end 1", "start 2", "end 2"]);
  });
});
