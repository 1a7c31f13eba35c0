import type { Database } from "@/db/client";
import type { RunSystem } from "@/server/run-system";

/**
 * Points the process's database and run system (server/db.ts, server/run-system.ts, which route
 * handlers reach through globalThis) at a test's own, so a test can call a route handler with a
 * real Request as Next would.
 */
export function useAppGlobals(database: Database, system: RunSystem): void {
  const globals = globalThis as unknown as {
    appDatabase?: Promise<Database>;
    runSystem?: Promise<RunSystem>;
  };
  globals.appDatabase = Promise.resolve(database);
  globals.runSystem = Promise.resolve(system);
}
