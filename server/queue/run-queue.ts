import { Queue, Worker, type ConnectionOptions } from "bullmq";

/** A run to execute. Only ids travel through the queue; the run itself lives in the database. */
export interface RunJob {
  runId: string;
  tenantId: string;
}

export type RunHandler = (job: RunJob, signal: AbortSignal) => Promise<void>;

/**
 * Where started runs wait for a worker. In-process on the embedded default; BullMQ on Redis when
 * REDIS_URL is set, so `npm run worker` processes on other machines share the work and a job whose
 * worker died is handed to another (BullMQ's stalled-job check), which resumes the run from its
 * stored steps.
 */
export interface RunQueue {
  /** Enqueues a run; enqueuing a run that is already waiting or active does nothing. */
  enqueue(job: RunJob): Promise<void>;
  /** Starts executing jobs in this process, at most `concurrency` at once. */
  process(handler: RunHandler, options: { concurrency: number }): void;
  depth(): Promise<{ waiting: number; active: number }>;
  /** Stops taking jobs and aborts the active ones (their runs resume elsewhere or at the next start). */
  close(): Promise<void>;
}

export function createMemoryQueue(): RunQueue {
  const waiting: RunJob[] = [];
  const known = new Set<string>();
  const active = new Map<string, AbortController>();
  let handler: RunHandler | undefined;
  let concurrency = 1;
  let isClosed = false;

  function pump() {
    while (handler && !isClosed && active.size < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      const controller = new AbortController();
      active.set(job.runId, controller);
      void handler(job, controller.signal)
        .catch((error: unknown) => console.error(`Run ${job.runId} failed in its worker:`, error))
        .finally(() => {
          active.delete(job.runId);
          known.delete(job.runId);
          pump();
        });
    }
  }

  return {
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
    async close() {
      isClosed = true;
      for (const controller of active.values()) controller.abort(new Error("The worker is shutting down"));
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

  return {
    async enqueue(job) {
      // The run id as job id: BullMQ ignores a second add while the first is waiting or active.
      await queue.add("run", job, { jobId: job.runId });
    },
    process(handler, { concurrency }) {
      worker = new Worker<RunJob>(
        name,
        async (job) => {
          const controller = new AbortController();
          active.set(job.data.runId, controller);
          try {
            await handler(job.data, controller.signal);
          } finally {
            active.delete(job.data.runId);
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
      return { waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0 };
    },
    async close() {
      for (const controller of active.values()) controller.abort(new Error("The worker is shutting down"));
      await worker?.close(true);
      await queue.close();
    },
  };
}
