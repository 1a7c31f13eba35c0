import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { getAppSecretKey, getEnv, parseEnv } from "@/server/env";
import { createTenantLlmPorts } from "@/server/llm/tenant-ports";
import { baseChildEnv } from "@/server/mcp/launch";
import { getMcpPool } from "@/server/mcp/pool";
import { createMcpToolPort } from "@/server/mcp/tool-port";
import { findRunForWorker } from "@/server/repositories/runs";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import type { RunDeps } from "@/server/services/runs";

/**
 * Run workers for tests that kill one mid-run. With DATABASE_URL and REDIS_URL set, each worker is
 * a real OS process started like `npm run worker` (tsx server/worker.ts) on the test's database and
 * a queue of its own, and killing it is SIGKILL. On the embedded default (PGlite cannot be shared
 * between processes) each worker is a run system in this process sharing the test's database, and
 * killing it aborts it. Tools are the tenant's real MCP installations in both modes.
 */
export interface TestWorker {
  /** The worker id that runs record while this worker holds them. */
  readonly id: string;
  /** Kills the worker: SIGKILL to its process group, or an abort of the in-process system. */
  kill(): Promise<void>;
  /**
   * Stops the worker as SIGTERM does (a process gets SIGTERM; in-process, its system closes with
   * the grace period); resolves with the exit code (0 in-process).
   */
  terminate(): Promise<number | null>;
  isAlive(): boolean;
  /** What a worker process printed (for failure messages); empty in-process. */
  output(): string;
}

export interface TestWorkerPool {
  mode: "processes" | "in-process";
  /** For startRun/cancelRun: enqueues on the queue the workers take from. */
  runDeps: RunDeps;
  workers: TestWorker[];
  /** The worker executing the run now, if any. */
  holderOf(runId: string): Promise<TestWorker | undefined>;
  /** Kills every worker left (always call it in afterAll) and closes the pool's own connections. */
  close(): Promise<void>;
}

export interface TestWorkerPoolOptions {
  database: Database;
  count: number;
  /** How long a dead worker's run waits before another takes it over; the app's default when unset. */
  staleAfterMs?: number;
  concurrency?: number;
  /** An OpenAI-compatible server for the workers' LLM steps (model `local/<name>`). */
  llmBaseUrl?: string;
  /** RUN_SHUTDOWN_GRACE_MS for the workers (how long a stopping worker lets its runs go on). */
  shutdownGraceMs?: number;
}

/** Processes when the CI's second pass gives both a shared PostgreSQL and Redis; in-process otherwise. */
export function workerPoolMode(): TestWorkerPool["mode"] {
  const env = getEnv();
  return env.databaseUrl && env.redisUrl ? "processes" : "in-process";
}

export async function startTestWorkers(options: TestWorkerPoolOptions): Promise<TestWorkerPool> {
  return workerPoolMode() === "processes"
    ? startProcessWorkers(options)
    : startInProcessWorkers(options);
}

async function startInProcessWorkers(options: TestWorkerPoolOptions): Promise<TestWorkerPool> {
  const { db } = options.database;
  const systems: RunSystem[] = [];
  const workers: TestWorker[] = [];
  for (let i = 0; i < options.count; i++) {
    const system = createRunSystem({
      db,
      staleAfterMs: options.staleAfterMs,
      tools: (tenantId) => createMcpToolPort({ db, tenantId }),
      ...(options.llmBaseUrl
        ? {
            llm: createTenantLlmPorts({
              db,
              platform: parseEnv({ LLM_BASE_URL: options.llmBaseUrl }).llm,
              maxRetries: 0,
            }),
          }
        : {}),
      // Every system in one process would otherwise share the id `host:pid`; tell them apart.
      workerId: `in-process-${i}-${randomBytes(3).toString("hex")}`,
    });
    await system.startWorkers(options.concurrency ?? 2);
    systems.push(system);
    let isAlive = true;
    workers.push({
      id: system.executor.workerId,
      isAlive: () => isAlive,
      output: () => "",
      async kill() {
        if (!isAlive) return;
        isAlive = false;
        await system.close();
      },
      async terminate() {
        if (isAlive) {
          isAlive = false;
          await system.close({
            graceMs: options.shutdownGraceMs ?? parseEnv({}).runs.shutdownGraceMs,
          });
        }
        return 0;
      },
    });
  }
  return {
    mode: "in-process",
    // Runs start (and resume after a decision) on the first live worker's queue, as the app's own
    // queue would take them; the first system's journal and bus stay usable after it is stopped.
    runDeps: {
      ...systems[0]!.runDeps,
      queue: {
        ...systems[0]!.queue,
        enqueue: (job) =>
          (systems.find((_, i) => workers[i]!.isAlive()) ?? systems[0]!).queue.enqueue(job),
      },
    },
    workers,
    holderOf: (runId) => holderOf(options.database, workers, runId),
    async close() {
      await Promise.all(workers.map((w) => w.kill()));
      await getMcpPool().closeAll();
    },
  };
}

const READY = /^Worker (\d+) is taking runs/m;

async function startProcessWorkers(options: TestWorkerPoolOptions): Promise<TestWorkerPool> {
  const env = getEnv();
  // The test's own database (server/testing/database.ts makes one per file on DATABASE_URL's server).
  const result = await options.database.db.execute(sql`select current_database() as name`);
  const name = (result as unknown as { rows: { name: string }[] }).rows[0]!.name;
  const url = new URL(env.databaseUrl!);
  url.pathname = `/${name}`;
  const queueName = `runs-test-${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(join(tmpdir(), "maestro-workers-"));
  const children: ChildProcess[] = [];
  const killAll = () => {
    for (const child of children) killGroup(child);
  };
  // A test runner that dies without afterAll must not leave workers behind.
  process.once("exit", killAll);

  const starter = createRunSystem({
    db: options.database.db,
    redisUrl: env.redisUrl,
    queueName,
    staleAfterMs: options.staleAfterMs,
  });
  try {
    const workers = await Promise.all(
      Array.from({ length: options.count }, () => {
        const child = spawn(
          process.execPath,
          [join(process.cwd(), "node_modules/tsx/dist/cli.mjs"), "server/worker.ts"],
          {
            cwd: process.cwd(),
            // Its own process group, so that a kill takes the worker, tsx's child and its MCP servers.
            detached: true,
            stdio: ["ignore", "pipe", "pipe"],
            // A clean environment (PATH, HOME…) plus what a worker reads; the same key so it can decrypt MCP secrets.
            env: {
              ...baseChildEnv(),
              NODE_ENV: env.nodeEnv,
              APP_SECRET_KEY: getAppSecretKey().toString("hex"),
              DATABASE_URL: url.toString(),
              REDIS_URL: env.redisUrl!,
              RUN_QUEUE_NAME: queueName,
              ...(options.staleAfterMs ? { RUN_STALE_AFTER_MS: String(options.staleAfterMs) } : {}),
              ...(options.shutdownGraceMs !== undefined
                ? { RUN_SHUTDOWN_GRACE_MS: String(options.shutdownGraceMs) }
                : {}),
              ...(options.llmBaseUrl ? { LLM_BASE_URL: options.llmBaseUrl } : {}),
              RUN_CONCURRENCY: String(options.concurrency ?? 2),
              DATA_DIR: dataDir,
              SEED_DEMO: "false",
            },
          },
        );
        children.push(child);
        return waitUntilReady(child);
      }),
    );
    return {
      mode: "processes",
      runDeps: starter.runDeps,
      workers,
      holderOf: (runId) => holderOf(options.database, workers, runId),
      async close() {
        killAll();
        process.off("exit", killAll);
        await Promise.all(children.map(exited));
        await starter.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    killAll();
    process.off("exit", killAll);
    await starter.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** Kills a child started with `detached: true` together with everything it started (its process group). */
export function killGroup(child: ChildProcess) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
    return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Resolves once the worker prints that it takes runs; rejects with its output if it exits or stays silent. */
function waitUntilReady(child: ChildProcess, timeoutMs = 60_000): Promise<TestWorker> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs / 1000} s`), timeoutMs);
    function fail(why: string) {
      clearTimeout(timer);
      killGroup(child);
      reject(new Error(`A worker process ${why}:\n${output}`));
    }
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const ready = READY.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      // The pid that runs record is the worker's own (tsx runs it in a child of the one spawned here).
      resolve({
        id: `${hostname()}:${ready[1]}`,
        isAlive: () => child.exitCode === null && child.signalCode === null,
        output: () => output,
        async kill() {
          killGroup(child);
          await exited(child);
        },
        async terminate() {
          // The worker itself (tsx's child); tsx exits with the worker's exit code.
          process.kill(Number(ready[1]), "SIGTERM");
          await exited(child);
          return child.exitCode;
        },
      });
    });
    child.once("exit", (code, signal) => fail(`exited (${signal ?? code})`));
  });
}

async function holderOf(
  database: Database,
  workers: TestWorker[],
  runId: string,
): Promise<TestWorker | undefined> {
  const run = await findRunForWorker(database.db, runId);
  return workers.find((w) => w.isAlive() && w.id === run?.workerId);
}
