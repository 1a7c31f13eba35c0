import { join } from "node:path";
import { openDatabase, type Database } from "@/db/client";
import { getEnv } from "./env";

const globalForDb = globalThis as unknown as { appDatabase?: Promise<Database> };

/**
 * The process's one database: PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR.
 * Opened once (PGlite takes ~0.5 s and allows one opener) and kept on globalThis so that dev
 * reloads and Next's separate bundles (instrumentation, route handlers) share it.
 */
export function getDatabase(): Promise<Database> {
  globalForDb.appDatabase ??= (async () => {
    const env = getEnv();
    return env.databaseUrl
      ? openDatabase({ url: env.databaseUrl })
      : openDatabase({ dataDir: join(env.dataDir, "pglite") });
  })();
  globalForDb.appDatabase.catch(() => {
    globalForDb.appDatabase = undefined; // let the next request try again
  });
  return globalForDb.appDatabase;
}
