/**
 * Run-service benchmark, printing one JSON object:
 * - runsPerSecond: 3-step no-op workflows (input → transform → output) started through the run
 *   service and executed by the workers, everything persisted (run, steps, events, audit,
 *   usage); 5,000 runs or 60 s, whichever comes first; a closed loop of `runsInFlight` clients,
 *   each starting its next run when its last one completed;
 * - startLatencyMsP50 / P99: from the start call to the run's first step.started event as a
 *   subscriber of the tenant's live events sees it (runs started one after another);
 * - eventLagMsP99: from an event's creation to its arrival at each of 100 concurrent subscribers;
 * - heapMb.
 * On the embedded default (PGlite in a temporary folder, in-process queue and bus). With
 * DATABASE_URL and REDIS_URL set, the same figures on PostgreSQL + BullMQ + Redis as `pg.*` keys.
 *   npm run bench:runs            (BENCH_RUNS and BENCH_LATENCY_SAMPLES shorten it for profiling)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Database } from "../db/client";
import { chain, makeNode, makeWorkflow } from "../engine/examples/build-workflow";
import { getEnv } from "../server/env";
import { createRunSystem } from "../server/run-system";
import { insertMembership, insertTenant } from "../server/repositories/tenants";
import { insertUser } from "../server/repositories/users";
import { insertWorkflow } from "../server/repositories/workflows";
import type { TenantContext } from "../server/services/context";
import { tenantRunsChannel, type PublishedRunEvent } from "../server/services/run-journal";
import { startRun } from "../server/services/runs";
import { publishVersion } from "../server/services/workflow-versions";

const TOTAL_RUNS = Number(process.env.BENCH_RUNS ?? 5_000);
const TIME_LIMIT_MS = 60_000;
const LATENCY_SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);
const SUBSCRIBERS = 100;
/** Runs started and not yet completed, per worker slot (RUN_CONCURRENCY). */
const IN_FLIGHT_PER_WORKER = 4;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (n: number) => Math.round(n * 100) / 100;

const noop = makeWorkflow({
  name: "No-op",
  nodes: [
    makeNode("input", "in"),
    makeNode("transform", "t", { template: { n: "{{input.n}}" } }),
    makeNode("output", "out", { name: "out" }),
  ],
  edges: chain("in", "t", "out"),
});

async function measure(database: Database, redisUrl: string | undefined) {
  const { db } = database;
  const tenant = await insertTenant(db, { slug: `bench-${Date.now()}`, name: "Bench" });
  const user = await insertUser(db, {
    email: `bench-${Date.now()}@example.test`,
    name: "Bench",
    passwordHash: null,
    isSuperadmin: false,
  });
  await insertMembership(db, { tenantId: tenant.id, userId: user.id, role: "owner" });
  const workflow = await insertWorkflow(db, {
    tenantId: tenant.id,
    name: `No-op ${Date.now()}`,
    description: "",
    document: noop,
    createdBy: user.id,
  });
  const ctx: TenantContext = {
    db,
    actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: false },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "owner" },
    meta: { ip: null, userAgent: "bench" },
  };
  await publishVersion(ctx, { workflowId: workflow.id });
  const system = createRunSystem({
    db,
    redisUrl,
    maxActiveRunsPerTenant: 1_000_000,
    queueName: `bench-${Date.now()}`,
  });
  await system.startWorkers(getEnv().runs.concurrency);
  const channel = tenantRunsChannel(tenant.id);

  // Start latency: one run at a time, start call → first step.started seen by a subscriber.
  const firstStep = new Map<string, (at: number) => void>();
  const stopLatency = await system.bus.subscribe(channel, (message) => {
    const { runId, event } = message as PublishedRunEvent;
    if (event.type === "step.started") firstStep.get(runId)?.(performance.now());
  });
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const started = performance.now();
    let seen!: (at: number) => void;
    const arrived = new Promise<number>((resolve) => (seen = resolve));
    const run = await startRun(ctx, system.runDeps, { workflowId: workflow.id, input: { n: i } });
    firstStep.set(run.id, seen);
    latencies.push((await arrived) - started);
    firstStep.delete(run.id);
  }
  stopLatency();

  // Throughput, with 100 subscribers measuring how late each event reaches them.
  const lags: number[] = [];
  const concurrency = getEnv().runs.concurrency;
  const unsubscribers = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () =>
      system.bus.subscribe(channel, (message) => {
        const { event } = message as PublishedRunEvent;
        if (lags.length < 2_000_000) lags.push(Date.now() - event.at);
      }),
    ),
  );
  // A closed loop: each of IN_FLIGHT clients starts a run, waits until it completes, and starts
  // the next, so the system runs at saturation with a bounded backlog (an open flood would only
  // measure how fast an ever longer queue grows).
  const inFlight = IN_FLIGHT_PER_WORKER * concurrency;
  const completions = new Map<string, () => void>();
  /** Runs that completed before their client knew their id. */
  const completedEarly = new Set<string>();
  let finished = 0;
  const stopCount = await system.bus.subscribe(channel, (message) => {
    const { runId, event } = message as PublishedRunEvent;
    if (
      event.type !== "run.completed" &&
      event.type !== "run.failed" &&
      event.type !== "run.cancelled"
    )
      return;
    if (event.type === "run.completed") finished++;
    const waiting = completions.get(runId);
    if (waiting) waiting();
    else completedEarly.add(runId);
  });
  const begin = performance.now();
  let started = 0;
  const deadline = begin + TIME_LIMIT_MS;
  const clients = Array.from({ length: inFlight }, async () => {
    while (started < TOTAL_RUNS && performance.now() < deadline) {
      started++;
      const run = await startRun(ctx, system.runDeps, {
        workflowId: workflow.id,
        input: { n: started },
      });
      if (completedEarly.delete(run.id)) continue;
      await new Promise<void>((resolve) => completions.set(run.id, resolve));
      completions.delete(run.id);
    }
  });
  // A run that never ends must not hang the benchmark: give up 30 s after the time limit.
  await Promise.race([
    Promise.all(clients),
    new Promise((resolve) => setTimeout(resolve, TIME_LIMIT_MS + 30_000).unref()),
  ]);
  const seconds = (performance.now() - begin) / 1000;
  stopCount();
  unsubscribers.forEach((stop) => stop());
  await system.close();
  return {
    runsPerSecond: round(finished / seconds),
    runsCompleted: finished,
    runsInFlight: inFlight,
    startLatencyMsP50: round(percentile(latencies, 50)),
    startLatencyMsP99: round(percentile(latencies, 99)),
    eventLagMsP99: round(percentile(lags, 99)),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "maestro-bench-"));
  const figures: Record<string, number> = {};
  try {
    const embedded = await openDatabase({ dataDir: join(dir, "pglite") });
    Object.assign(figures, await measure(embedded, undefined));
    await embedded.close();
    const env = getEnv();
    if (env.databaseUrl && env.redisUrl) {
      const pg = await openDatabase({ url: env.databaseUrl });
      for (const [key, value] of Object.entries(await measure(pg, env.redisUrl)))
        figures[`pg.${key}`] = value;
      await pg.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  figures.heapMb = round(process.memoryUsage().heapUsed / 1024 / 1024);
  console.log(JSON.stringify(figures));
  process.exit(0);
}

void main();
