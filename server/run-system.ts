import { hostname } from "node:os";
import type { Db } from "@/db/client";
import { createRealClock } from "@/engine/runtime/clocks";
import type { LlmPort, ToolPort } from "@/engine/runtime/ports";
import { getDatabase } from "./db";
import { getEnv } from "./env";
import { createMemoryBus, createRedisBus, type EventBus } from "./events/bus";
import { createTenantLlmPorts } from "./llm/tenant-ports";
import { createMcpToolPort } from "./mcp/tool-port";
import { getBreakers, type BreakerRegistry } from "./mcp/breakers";
import { createBullQueue, createMemoryQueue, type RunQueue } from "./queue/run-queue";
import { reportQueueDepth } from "./observability/metrics";
import { listOrphanedRuns, pruneIdempotencyKeys } from "./repositories/runs";
import { startAnomalyWatch, type WatchDeps } from "./services/anomaly-watch";
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
  close(): Promise<void>;
}

export interface RunSystemOptions {
  db: Db;
  redisUrl?: string;
  /** The LLM port for a tenant's runs (its own provider settings, else the platform's). */
  llm?: (tenantId: string) => LlmPort | undefined;
  /** A tenant's tool port; `onCall` reports each MCP call that reached a server, for the anomaly watcher's rollups. */
  tools?: (tenantId: string, onCall: (server: string, failed: boolean, durationMs: number) => void) => ToolPort | undefined;
  maxActiveRunsPerTenant?: number;
  /** A running run without a heartbeat for this long is resumed by another worker. */
  staleAfterMs?: number;
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

/** Builds the queue, bus and executor: in-process by default, on Redis when `redisUrl` is given. */
export function createRunSystem(options: RunSystemOptions): RunSystem {
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  // BullMQ's job lock lasts as long as a run's heartbeat counts as fresh: both say "this worker is alive".
  const queue = options.redisUrl
    ? createBullQueue({
        connection: { url: options.redisUrl },
        name: options.queueName,
        lockDurationMs: staleAfterMs,
        stalledIntervalMs: Math.max(200, staleAfterMs / 2),
      })
    : createMemoryQueue();
  const bus = options.redisUrl ? createRedisBus(options.redisUrl) : createMemoryBus();
  const journal = new RunJournal(options.db, bus);
  const metrics = new MetricRecorder(options.db, options.anomalyBucketMs ?? 60_000);
  const outcomes = new OutcomeRecorder(options.db);
  const breakers = options.breakers ?? getBreakers();
  const watch: WatchDeps = {
    db: options.db,
    bus,
    breakers,
    bucketMs: metrics.bucketMs,
    metrics,
    defaultMaxConcurrentRuns: options.maxActiveRunsPerTenant ?? 50,
    watermarks: new Map(),
  };
  const runDeps: RunDeps = { queue, bus, journal, maxActiveRunsPerTenant: options.maxActiveRunsPerTenant ?? 50 };
  let stopWatch: (() => void) | undefined;
  let scheduler: { stop(): Promise<void> } | undefined;
  const executor: ExecutorDeps = {
    db: options.db,
    bus,
    journal,
    clock: createRealClock(),
    llm: options.llm ?? (() => undefined),
    tools: (tenantId) =>
      options.tools?.(tenantId, (server, failed, durationMs) => metrics.observe({ tenantId, source: "mcp", subject: server, at: Date.now(), failed, durationMs })),
    workerId: options.workerId ?? `${hostname()}:${process.pid}`,
    staleAfterMs,
    metrics,
    outcomes,
  };
  let sweeper: NodeJS.Timeout | undefined;

  let prunedAt = 0;
  async function requeueOrphans() {
    const orphans = await listOrphanedRuns(options.db, new Date(Date.now() - staleAfterMs));
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
      const shutdown = new AbortController();
      queue.process((job, signal) => {
        const stop = AbortSignal.any([signal, shutdown.signal]);
        return executeRunJob(executor, job, stop);
      }, { concurrency });
      await requeueOrphans();
      sweeper = setInterval(() => void requeueOrphans().catch((e: unknown) => console.error("Run recovery failed:", e)), staleAfterMs);
      sweeper.unref();
      // Where runs execute, their figures are rolled up and watched for anomalies.
      metrics.start();
      outcomes.start();
      await breakers.listen(bus);
      await restoreOpenBreakers(options.db, breakers).catch((e: unknown) => console.error("Open circuit breakers could not be restored:", e));
      stopWatch = startAnomalyWatch(watch, options.anomalyEvaluateMs ?? 60_000);
      // Schedules fire where runs execute; a lease on each due row keeps several processes from doubling a fire.
      const scheduleTickMs = options.scheduleTickMs ?? 1000;
      if (scheduleTickMs > 0) scheduler = startScheduler({ db: options.db, runDeps, workerId: executor.workerId }, scheduleTickMs);
    },
    async close() {
      if (sweeper) clearInterval(sweeper);
      stopWatch?.();
      await scheduler?.stop();
      breakers.stop();
      await metrics.stop();
      await outcomes.stop();
      await queue.close();
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
    const { db } = await getDatabase();
    const system = createRunSystem({
      db,
      redisUrl: env.redisUrl,
      llm: createTenantLlmPorts({ db, platform: env.llm }),
      // Tool and agent steps use the tenant's installed MCP servers, by installation name.
      tools: (tenantId, onCall) => createMcpToolPort({ db, tenantId, onCall }),
      maxActiveRunsPerTenant: env.runs.maxActivePerTenant,
      staleAfterMs: env.runs.staleAfterMs,
      queueName: env.runs.queueName,
      anomalyBucketMs: env.anomaly.bucketMs,
      anomalyEvaluateMs: env.anomaly.evaluateMs,
    });
    reportQueueDepth(() => system.queue.depth());
    return system;
  })();
  return globalForRuns.runSystem;
}
