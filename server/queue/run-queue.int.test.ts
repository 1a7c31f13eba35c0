import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { getEnv } from "@/server/env";
import { createBullQueue, createMemoryQueue, type RunJob, type RunQueue } from "./run-queue";

const { redisUrl } = getEnv();
const queues: RunQueue[] = [];
afterAll(() => Promise.all(queues.map((q) => q.close())));

const job = (runId: string): RunJob => ({ runId, tenantId: "t1" });
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const waitFor = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
};

function queueKinds(): [string, (name: string) => RunQueue][] {
  const kinds: [string, (name: string) => RunQueue][] = [["in-process", () => createMemoryQueue()]];
  if (redisUrl) {
    kinds.push([
      "BullMQ",
      (name) =>
        createBullQueue({
          connection: { url: redisUrl },
          name,
          lockDurationMs: 1000,
          stalledIntervalMs: 300,
        }),
    ]);
  }
  return kinds;
}

describe.each(queueKinds())("the %s run queue", (_kind, create) => {
  it("runs jobs in order, never more at once than the concurrency", async () => {
    const queue = create(`test-${randomBytes(4).toString("hex")}`);
    queues.push(queue);
    const started: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    queue.process(
      async (j) => {
        started.push(j.runId);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i++) await queue.enqueue(job(`r${i}`));
    await waitFor(() => started.length === 6 && inFlight === 0);
    expect(maxInFlight).toBe(2);
    expect(started.slice(0, 2).sort()).toEqual(["r0", "r1"]);
    await waitFor(async () => (await queue.depth()).active === 0);
    expect(await queue.depth()).toEqual({ waiting: 0, active: 0 });
  });

  it("ignores a second enqueue of a run that is already waiting or running", async () => {
    const queue = create(`test-${randomBytes(4).toString("hex")}`);
    queues.push(queue);
    const gate = deferred();
    const seen: string[] = [];
    queue.process(
      async (j) => {
        seen.push(j.runId);
        await gate.promise;
      },
      { concurrency: 1 },
    );
    await queue.enqueue(job("same"));
    await waitFor(() => seen.length === 1);
    await queue.enqueue(job("same"));
    gate.resolve();
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual(["same"]);
  });

  it("aborts the runs in flight when the worker shuts down", async () => {
    const queue = create(`test-${randomBytes(4).toString("hex")}`);
    const aborted = deferred();
    queue.process(
      (_j, signal) =>
        new Promise<void>((resolve) => {
          const stop = () => {
            aborted.resolve();
            resolve();
          };
          // Redis can hand the job over a moment after close() began: the signal is then aborted already.
          if (signal.aborted) stop();
          else signal.addEventListener("abort", stop);
        }),
      { concurrency: 1 },
    );
    await queue.enqueue(job("long"));
    await waitFor(async () => (await queue.depth()).active === 1);
    await queue.close();
    await aborted.promise;
  });
});

// Needs Redis: runs in CI's second pass (REDIS_URL set), like the BullMQ cases above.
if (redisUrl)
  describe("BullMQ across worker processes", () => {
    it("hands the job of a worker that died to another worker", async () => {
      const name = `test-${randomBytes(4).toString("hex")}`;
      const options = {
        connection: { url: redisUrl! },
        name,
        lockDurationMs: 800,
        stalledIntervalMs: 300,
      };
      const dying = createBullQueue(options);
      const survivor = createBullQueue(options);
      queues.push(survivor);
      const firstTook = deferred();
      dying.process(
        () => {
          firstTook.resolve();
          return new Promise<void>(() => undefined); // hangs: its process is about to die
        },
        { concurrency: 1 },
      );
      await dying.enqueue(job("orphan"));
      await firstTook.promise;
      // Simulate the death: stop renewing the lock without finishing the job.
      await dying.close({ graceMs: 0 });

      const resumed = deferred();
      survivor.process(
        async (j) => {
          if (j.runId === "orphan") resumed.resolve();
        },
        { concurrency: 1 },
      );
      await resumed.promise;
    }, 20_000);
  });
