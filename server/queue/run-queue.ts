import { Queue, Worker, type ConnectionOptions } from "bullmq";

/** A run to execute. Only ids travel through the queue; the run itself lives in the database. */
export interface RunJob {
  runId: string;
  tenantId: string;
  /** When the run was queued (epoch ms), for queue wait times; absent for re-queued orphans. */
  enqueuedAt?: number;
}

export type RunHandler = (job: RunJob, signal: AbortSignal) => Promise<void>;

/**
 * Where started runs wait for a worker. In-process on the embedded default; BullMQ on Redis when
 * REDIS_URL is set, so `npm run worker` processes on other machines share the work and a job whose
 * worker died is handed to another (BullMQ's stalled-job check), which resumes the run from its
 * stored steps.
 */
export interface RunQueue {
  /**
   * True when jobs run in this process (the in-process queue): a run may be enqueued while its
   * start is still being written, and its worker's claim then goes out in the same write.
   */
  readonly isLocal: boolean;
  /** Enqueues a run; enqueuing a run that is already waiting or active does nothing. */
  enqueue(job: RunJob): Promise<void>;
  /** Starts executing jobs in this process, at most `concurrency` at once. */
  process(handler: RunHandler, options: { concurrency: number }): void;
  depth(): Promise<{ waiting: number; active: number }>;
  /**
   * Stops taking jobs, lets the active ones run for up to `graceMs` (default 0), then aborts the
   * rest (their runs are handed back to resume elsewhere or at the next start) and waits a few
   * seconds for them to stop.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** How long aborted jobs get to hand their runs back; a stuck job must not block a shutdown. */
const ABORT_WAIT_MS = 5_000;

/** Waits for the jobs to settle, but no longer than `graceMs`. */
async function settle(running: Set<Promise<void>>, graceMs: number): Promise<void> {
  if (running.size === 0 || graceMs <= 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(running),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}

export function createMemoryQueue(): RunQueue {
  const waiting: RunJob[] = [];
  const known = new Set<string>();
  const active = new Map<string, AbortController>();
  const running = new Set<Promise<void>>();
  let handler: RunHandler | undefined;
  let concurrency = 1;
  let isClosed = false;

  function pump() {
    while (handler && !isClosed && active.size < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      const controller = new AbortController();
      active.set(job.runId, controller);
      const done = handler(job, controller.signal)
        .catch((error: unknown) => console.error(`Run ${job.runId} failed in its worker:`, error))
        .finally(() => {
          active.delete(job.runId);
          known.delete(job.runId);
          running.delete(done);
          pump();
        });
      running.add(done);
    }
  }

  return {
    isLocal: true,
    async enqueue(job) {
      if (isClosed || known.has(job.runId)) return;
      known.add(job.runId);
      waiting.push(job);
      pump();
    },
    process(next, options) {
      handler = next;
      concurrency = Math.max(1, options.concurrency);
      pump();
    },
    async depth() {
      return { waiting: waiting.length, active: active.size };
    },
    async close(options) {
      isClosed = true;
      await settle(running, options?.graceMs ?? 0);
      for (const controller of active.values())
        controller.abort(new Error("The worker is shutting down"));
      await settle(running, ABORT_WAIT_MS);
    },
  };
}

export interface BullQueueOptions {
  connection: ConnectionOptions;
  name?: string;
  /** How long a worker holds a job without renewing its lock; a dead worker's jobs move on after this. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export function createBullQueue(options: BullQueueOptions): RunQueue {
  const name = options.name ?? "runs";
  const queue = new Queue<RunJob>(name, {
    connection: options.connection,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000, attempts: 1 },
  });
  let worker: Worker<RunJob> | undefined;
  const active = new Map<string, AbortController>();
  const running = new Set<Promise<void>>();
  let isClosing = false;
  const shutdownReason = () => new Error("The worker is shutting down");

  return {
    isLocal: false,
    async enqueue(job) {
      // The run id as job id: BullMQ ignores a second add while the first is waiting or active.
      await queue.add("run", job, { jobId: job.runId });
    },
    process(handler, { concurrency }) {
      worker = new Worker<RunJob>(
        name,
        async (job) => {
          const controller = new AbortController();
          // Redis may hand over a job a moment after close() began: it starts aborted, never unaborted.
          if (isClosing) controller.abort(shutdownReason());
          active.set(job.data.runId, controller);
          const done = handler(job.data, controller.signal);
          running.add(done);
          try {
            await done;
          } finally {
            active.delete(job.data.runId);
            running.delete(done);
          }
        },
        {
          connection: options.connection,
          concurrency: Math.max(1, concurrency),
          lockDuration: options.lockDurationMs ?? 30_000,
          stalledInterval: options.stalledIntervalMs ?? 30_000,
          maxStalledCount: 100, // a run may outlive many workers; resuming is always safe
        },
      );
      worker.on("error", (error) => console.error("Run worker error:", error.message));
    },
    async depth() {
      const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized");
      return {
        waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
      };
    },
    async close(options) {
      isClosing = true;
      // Stop fetching jobs, keep the active ones' locks while they finish.
      await worker?.pause(true);
      await settle(running, options?.graceMs ?? 0);
      for (const controller of active.values()) controller.abort(shutdownReason());
      await settle(running, ABORT_WAIT_MS);
      await worker?.close(true);
      await queue.close();
    },
  };
}
