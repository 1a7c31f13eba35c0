import { getDatabase } from "./db";
import { getEnv } from "./env";
import { closeRunSystem } from "./run-system";

/** Past the grace period, how long handing back and closing may take before the process gives up and exits 1. */
const CLOSE_LIMIT_MS = 20_000;

/**
 * SIGTERM or SIGINT stops the process gracefully: it takes no new runs or schedules, lets the
 * running runs go on for RUN_SHUTDOWN_GRACE_MS, hands the rest back (still running, no heartbeat:
 * another worker, or the next start, resumes them at once), closes the database and exits 0.
 * A second signal does not start a second shutdown. `who` names the process in the log.
 */
export function stopGracefullyOnSignals(who: string): void {
  let isStopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (isStopping) return;
    isStopping = true;
    const graceMs = getEnv().runs.shutdownGraceMs;
    console.log(
      `${who} ${process.pid} got ${signal}: taking no new runs; running ones have ${graceMs / 1000} s to finish, then are handed back.`,
    );
    setTimeout(() => {
      console.error(`${who} ${process.pid} did not stop in time; exiting.`);
      process.exit(1);
    }, graceMs + CLOSE_LIMIT_MS).unref();
    void (async () => {
      await closeRunSystem({ graceMs });
      await (await getDatabase()).close();
      // The harness in server/testing/worker-harness.ts and the shutdown tests wait for this line.
      console.log(`${who} ${process.pid} stopped.`);
      process.exit(0);
    })().catch((error: unknown) => {
      console.error(`${who} ${process.pid} could not stop cleanly:`, error);
      process.exit(1);
    });
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
