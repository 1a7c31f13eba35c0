import { DEMO_ACCOUNTS, seedDemoData } from "@/db/seed";
import { hashPassword } from "./auth/password";
import { getDatabase } from "./db";
import { getAuthSecret, getEnv } from "./env";
import { seedDemoAnomalies } from "./demo-anomalies";
import { seedDemoDatasets } from "./demo-datasets";
import { seedDemoRunHistory } from "./demo-run-history";
import { demoWorkflows } from "./demo-workflows";
import { openFrontDoor } from "./front-door";
import { getRunSystem } from "./run-system";
import { stopGracefullyOnSignals } from "./shutdown";

/**
 * Runs once when the server process starts (from instrumentation.ts): validates configuration,
 * opens the database (applying migrations), seeds the demo on an empty embedded database, and
 * tells the person at the terminal where to go. Any failure here stops the process with a
 * message that says what is wrong, instead of a server that answers 500 to everything.
 */
export async function bootServer(): Promise<void> {
  try {
    const env = getEnv();
    getAuthSecret(); // generate it now, not inside the first request
    // npm start (scripts/start.mjs) turns Next's own signal handling off: stopping is ours.
    stopGracefullyOnSignals("Maestro");
    const database = await getDatabase();
    const seeded = env.seedDemo
      ? await seedDemoData(database.db, { hashPassword, workflows: demoWorkflows() })
      : false;
    if (seeded) {
      await seedDemoAnomalies(database.db, (await getRunSystem()).watch);
      await seedDemoDatasets(database.db).catch((error: unknown) =>
        console.warn("The demo datasets were not seeded:", error),
      );
      await seedDemoRunHistory(database.db).catch((error: unknown) =>
        console.warn("The demo's run history was not seeded:", error),
      );
    }
    if (env.runs.workerInApp) await (await getRunSystem()).startWorkers(env.runs.concurrency);
    void import("./services/mcp-checks").then(
      (mcp) => mcp.startMcpHealthChecks(),
      (error: unknown) => console.warn("MCP health checks did not start:", error),
    );
    void import("./services/mcp-registry-sync").then(
      (sync) => sync.startRegistrySync(),
      (error: unknown) => console.warn("The registry sync did not start:", error),
    );

    const where =
      database.kind === "pglite"
        ? `embedded PGlite in ${env.dataDir}`
        : "PostgreSQL (DATABASE_URL)";
    const lines = [
      "",
      `  Maestro is ready: ${env.nextAuthUrl ?? "http://localhost:3000"}`,
      `  Database: ${where}${seeded ? ", demo data seeded" : ""}`,
    ];
    if (env.seedDemo) {
      const { owner, superadmin } = DEMO_ACCOUNTS;
      lines.push(
        `  Demo sign-in (owner of "Demo"):     ${owner.email} / ${owner.password}`,
        `  Platform superadmin:                ${superadmin.email} / ${superadmin.password}`,
      );
    }
    // scripts/server.mjs answers the REST API, webhooks, /api/mcp and /api/health through it.
    openFrontDoor();
    console.log(`${lines.join("\n")}\n`);
  } catch (error) {
    console.error(
      `\nMaestro could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}
