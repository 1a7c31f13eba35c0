/**
 * `npm run worker`: a process that only executes runs, for scaling out. It takes jobs from the
 * BullMQ queue on Redis and stores results in PostgreSQL, so it needs both DATABASE_URL and
 * REDIS_URL (the embedded defaults run their workers inside the app instead).
 * RUN_QUEUE_NAME picks the queue (the app must use the same one) and RUN_STALE_AFTER_MS how soon
 * a run whose worker died is taken over. SIGTERM stops it gracefully (server/shutdown.ts).
 */
import { getEnv } from "./env";
import { getRunSystem } from "./run-system";
import { stopGracefullyOnSignals } from "./shutdown";

async function main() {
  const env = getEnv();
  if (!env.databaseUrl || !env.redisUrl) {
    console.error(
      "npm run worker needs DATABASE_URL (PostgreSQL) and REDIS_URL: a separate worker shares the database and queue with the app.\n" +
        "On the embedded defaults the app runs its own workers; nothing else is needed.",
    );
    process.exit(1);
  }
  // The same run system as the app's (server/run-system.ts): ports, queue name and staleness from env.
  const system = await getRunSystem();
  await system.startWorkers(env.runs.concurrency);
  // The harness in server/testing/worker-harness.ts waits for this line: keep its wording.
  console.log(`Worker ${process.pid} is taking runs (concurrency ${env.runs.concurrency}).`);
  stopGracefullyOnSignals("Worker");
}

main().catch((error: unknown) => {
  console.error(
    `The worker could not start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
