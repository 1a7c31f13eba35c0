import { hostname } from "node:os";
import type { Db } from "@/db/client";
import { createRealClock } from "@/engine/runtime/clocks";
import type { LlmPort, ToolPort } from "@/engine/runtime/ports";
import { getDatabase } from "./db";
import { DEFAULT_STALE_AFTER_MS, getEnv } from "./env";
import { createMemoryBus, createRedisBus, type EventBus } from "./events/bus";
import { createTenantLlmPorts } from "./llm/tenant-ports";
import { createMcpToolPort } from "./mcp/tool-port";
import { getBreakers, type BreakerRegistry } from "./mcp/breakers";
import { createBullQueue, createMemoryQueue, type RunQueue } from "./queue/run-queue";
import { reportQueueDepth } from "./observability/metrics";
import {
  handBackAllRuns,
  heartbeat as heartbeatRuns,
  listOrphanedRuns,
} from "./repositories/run-leases";
import { pruneIdempotencyKeys } from "./repositories/idempotency-keys";
import { createWatcherMemory, startAnomalyWatch, type WatchDeps } from "./services/anomaly-watch";
import { failInterruptedEvaluations } from "./services/evaluations";
import { MetricRecorder } from "./services/metric-recorder";
import { OutcomeRecorder } from "./services/outcome-recorder";
import { executeRunJob, type ExecutorDeps } from "./services/run-executor";
import { restoreOpenBreakers } from "./services/alert-remediation";
import { RunJournal } from "./services/run-journal";
import { IDEMPOTENCY_TTL_MS, type RunDeps } from "./services/runs";
import { startScheduler } from "./services/scheduler";

export interface RunSystem {
  queue: RunQueue;
  bus: EventBus;
  /** What the run use cases need (start, cancel, approve, retry). */
  runDeps: RunDeps;
  executor: ExecutorDeps;
  /** The anomaly watcher's dependencies (rollups, breakers, remediation). */
  watch: WatchDeps;
  /** Finished runs → learning; flushed every second where workers run, 100 outcomes a transaction. */
  outcomes: OutcomeRecorder;
  /** Starts executing queued runs in this process, re-queues runs whose worker went away, and fires due schedules. */
  startWorkers(concurrency: number): Promise<void>;
  /**
   * Stops taking runs and schedules, lets running runs go on for up to `graceMs` (default 0), hands
   * the rest back (another worker, or the next start, resumes them at once), then closes the queue
   * and bus. The database stays open: it is the process's.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

export interface RunSystemOptions {
  db: Db;
  redisUrl?: string;
  /** The LLM port for a tenant's runs (its own provider settings, else the platform's). */
  llm?: (tenantId: string) => LlmPort | undefined;
  /** A tenant's tool port; `onCall` reports each MCP call that reached a server, for the anomaly watcher's rollups. */
  tools?: (
    tenantId: string,
    onCall: (server: string, failed: boolean, durationMs: number) => void,
  ) => ToolPort | undefined;
  maxActiveRunsPerTenant?: number;
  /** A running run without a heartbeat for this long is resumed by another worker (see runTimings). */
  staleAfterMs?: number;
  /** How long a step waits for a person to answer its tool's question (MCP elicitation). */
  elicitationTimeoutMs?: number;
  /**
   * True when this process alone uses the database (embedded PGlite): at start, runs still
   * running were held by an earlier process of its own, gone now, and are resumed at once.
   */
  ownsDatabase?: boolean;
  queueName?: string;
  /** Names this process in runs it holds; defaults to host:pid. */
  workerId?: string;
  /** Metric rollup bucket (ms); the anomaly watcher evaluates every `anomalyEvaluateMs` where workers run. */
  anomalyBucketMs?: number;
  anomalyEvaluateMs?: number;
  /** How often the scheduler looks for due schedules where workers run (ms); 0: no scheduler in this process. */
  scheduleTickMs?: number;
  /** The MCP circuit breakers remediation opens; the process's own by default (the tool ports use them). */
  breakers?: BreakerRegistry;
}

/**
 * How soon a dead worker's run moves on, from one figure: a run is stale after `staleAfterMs`
 * without a heartbeat (default 6 s).
 * - Each process sends one heartbeat for all its runs every `heartbeatMs` (1.5 s at the default):
 *   a healthy run looks stale only after four heartbeats in a row went missing, which a busy
 *   machine does not do (one small UPDATE; a loop stalled for 4.5 s would be a fault itself).
 * - Every worker process sweeps for stale runs every `sweepMs` (1 s: one query on an index of
 *   status and heartbeat) and BullMQ's stalled-job check runs as often; BullMQ's job lock lasts
 *   `staleAfterMs` (renewed every half of it). A job BullMQ hands on before the run looks stale
 *   claims nothing and ends; the sweep after the run turns stale queues it again.
 * So a run whose worker was killed is taken over at most staleAfterMs + sweepMs (7 s) after its
 * last heartbeat, plus the time to claim it: 6.4–6.6 s from a kill -9 to the takeover, measured
 * with two worker processes on a busy 2-core machine (server/run-recovery.int.test.ts; the bound
 * asked for is 10 s). A run handed back on shutdown has no heartbeat at all
 * and is taken at the next sweep.
 */
export function runTimings(staleAfterMs: number) {
  return {
    heartbeatMs: Math.max(50, Math.min(2_000, Math.floor(staleAfterMs / 4))),
    sweepMs: Math.max(50, Math.min(1_000, Math.floor(staleAfterMs / 4))),
    /** Queued runs whose start died before queueing them are looked for less often: they are rare. */
    queuedSweepMs: Math.max(staleAfterMs, 30_000),
  };
}

/** Builds the queue, bus and executor: in-process by default, on Redis when `redisUrl` is given. */
export function createRunSystem(options: RunSystemOptions): RunSystem {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const timings = runTimings(staleAfterMs);
  // BullMQ's job lock lasts as long as a run's heartbeat counts as fresh: both say "this worker is alive".
  const queue = options.redisUrl
    ? createBullQueue({
        connection: { url: options.redisUrl },
        name: options.queueName,
        lockDurationMs: staleAfterMs,
        stalledIntervalMs: timings.sweepMs,
      })
    : createMemoryQueue();
  const bus = options.redisUrl ? createRedisBus(options.redisUrl) : createMemoryBus();
  const journal = new RunJournal(options.db, bus);
  const metrics = new MetricRecorder(options.db, options.anomalyBucketMs ?? 60_000);
  // LLM judges score runs for experiments whose success measure is an evaluator.
  const outcomes = new OutcomeRecorder(options.db, { llm: options.llm });
  const breakers = options.breakers ?? getBreakers();
  const watch: WatchDeps = {
    db: options.db,
    bus,
    breakers,
    bucketMs: metrics.bucketMs,
    metrics,
    defaultMaxConcurrentRuns: options.maxActiveRunsPerTenant ?? 50,
    memory: createWatcherMemory(),
  };
  const runDeps: RunDeps = {
    queue,
    bus,
    journal,
    maxActiveRunsPerTenant: options.maxActiveRunsPerTenant ?? 50,
    outcomes,
  };
  let stopWatch: (() => void) | undefined;
  let scheduler: { stop(): Promise<void> } | undefined;
  const executor: ExecutorDeps = {
    db: options.db,
    bus,
    journal,
    clock: createRealClock(),
    llm: options.llm ?? (() => undefined),
    tools: (tenantId) =>
      options.tools?.(tenantId, (server, failed, durationMs) =>
        metrics.observe({
          tenantId,
          source: "mcp",
          subject: server,
          at: Date.now(),
          failed,
          durationMs,
        }),
      ),
    workerId: options.workerId ?? `${hostname()}:${process.pid}`,
    staleAfterMs,
    heldRuns: new Set(),
    ...(options.elicitationTimeoutMs ? { elicitationTimeoutMs: options.elicitationTimeoutMs } : {}),
    metrics,
    outcomes,
  };
  let sweeper: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let shutdown: AbortController | undefined;

  let prunedAt = 0;
  let queuedSweptAt = 0;
  async function requeueOrphans() {
    const withQueued = Date.now() - queuedSweptAt >= timings.queuedSweepMs;
    if (withQueued) queuedSweptAt = Date.now();
    const orphans = await listOrphanedRuns(options.db, new Date(Date.now() - staleAfterMs), {
      withQueued,
    });
    for (const run of orphans) await queue.enqueue({ runId: run.id, tenantId: run.tenantId });
    // Idempotency keys protect starts for a day; older ones are dropped once an hour.
    if (Date.now() - prunedAt >= 3_600_000) {
      prunedAt = Date.now();
      await pruneIdempotencyKeys(options.db, new Date(Date.now() - IDEMPOTENCY_TTL_MS));
    }
  }

  return {
    queue,
    bus,
    runDeps,
    executor,
    watch,
    outcomes,
    async startWorkers(concurrency) {
      shutdown = new AbortController();
      const stopping = shutdown.signal;
      queue.process(
        (job, signal) => executeRunJob(executor, job, AbortSignal.any([signal, stopping])),
        { concurrency },
      );
      heartbeat = setInterval(() => {
        const held = [...executor.heldRuns];
        if (held.length > 0)
          void heartbeatRuns(options.db, held, executor.workerId).catch((e: unknown) =>
            console.error("Run heartbeat failed:", e),
          );
      }, timings.heartbeatMs);
      heartbeat.unref();
      if (options.ownsDatabase) {
        await handBackAllRuns(options.db);
        // An evaluation runs in the process that started it: those left running by the earlier process end as failed.
        await failInterruptedEvaluations(options.db);
      }
      await requeueOrphans();
      sweeper = setInterval(
        () => void requeueOrphans().catch((e: unknown) => console.error("Run recovery failed:", e)),
        timings.sweepMs,
      );
      sweeper.unref();
      // Where runs execute, their figures are rolled up and watched for anomalies.
      metrics.start();
      outcomes.start();
      await breakers.listen(bus);
      await restoreOpenBreakers(options.db, breakers).catch((e: unknown) =>
        console.error("Open circuit breakers could not be restored:", e),
      );
      stopWatch = startAnomalyWatch(watch, options.anomalyEvaluateMs ?? 60_000);
      // Schedules fire where runs execute; a lease on each due row keeps several processes from doubling a fire.
      const scheduleTickMs = options.scheduleTickMs ?? 1000;
      if (scheduleTickMs > 0)
        scheduler = startScheduler(
          { db: options.db, runDeps, workerId: executor.workerId },
          scheduleTickMs,
        );
    },
    async close(closeOptions) {
      if (sweeper) clearInterval(sweeper);
      stopWatch?.();
      await scheduler?.stop();
      // Running runs may finish within the grace period; the rest are aborted and handed back.
      await queue.close({ graceMs: closeOptions?.graceMs ?? 0 });
      shutdown?.abort(new Error("The worker is shutting down"));
      if (heartbeat) clearInterval(heartbeat);
      breakers.stop();
      await metrics.stop();
      await outcomes.stop();
      await journal.settle();
      await bus.close();
    },
  };
}

const globalForRuns = globalThis as unknown as { runSystem?: Promise<RunSystem> };

/** The process's run system, configured from env; workers start here unless RUN_WORKER_IN_APP=false. */
export function getRunSystem(): Promise<RunSystem> {
  globalForRuns.runSystem ??= (async () => {
    const env = getEnv();
    const { db, kind } = await getDatabase();
    const system = createRunSystem({
      db,
      ownsDatabase: kind === "pglite",
      redisUrl: env.redisUrl,
      llm: createTenantLlmPorts({ db, platform: env.llm }),
      // Tool and agent steps use the tenant's installed MCP servers, by installation name.
      tools: (tenantId, onCall) => createMcpToolPort({ db, tenantId, onCall }),
      maxActiveRunsPerTenant: env.runs.maxActivePerTenant,
      staleAfterMs: env.runs.staleAfterMs,
      elicitationTimeoutMs: env.runs.elicitationTimeoutMs,
      queueName: env.runs.queueName,
      anomalyBucketMs: env.anomaly.bucketMs,
      anomalyEvaluateMs: env.anomaly.evaluateMs,
    });
    reportQueueDepth(() => system.queue.depth());
    return system;
  })();
  return globalForRuns.runSystem;
}

/** Closes the process's run system if it was made (see RunSystem.close); a no-op otherwise. */
export async function closeRunSystem(options: { graceMs: number }): Promise<void> {
  const system = globalForRuns.runSystem;
  if (system) await (await system).close(options);
}
