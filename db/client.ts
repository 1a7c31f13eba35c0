import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { Pool } from "pg";
import * as schema from "./schema";
import { lockDataDir } from "./lock";
import { ThreadedPGlite } from "./pglite-thread";

export type Schema = typeof schema;
/**
 * A database or a transaction of it: repositories take either, so a service can compose them in
 * one transaction. A transaction (`Tx`, from either driver: PGlite or node-postgres) is one as it is.
 */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/**
 * A transaction, what `db.transaction(async (tx) => …)` hands over: functions that only make
 * sense inside one (row locks held until commit) take this instead of `Db`.
 */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Answers `true` when a trivial query succeeds; used by /api/health. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { url: string; dataDir?: undefined }
  /** `dataDir: null` opens an in-memory database (tests). */
  | { url?: undefined; dataDir: string | null };

/** Resolved from the working directory: bundlers move this file, but the app always runs from the project root. */
export const migrationsFolder = join(process.cwd(), "db", "migrations");

/**
 * Opens PostgreSQL when a URL is given, else PGlite (persisted in `dataDir`, or in memory),
 * and applies pending migrations in one transaction.
 *
 * @example const { db, close } = await openDatabase({ dataDir: ".data/pglite" });
 */
export async function openDatabase(
  options: DatabaseOptions,
  folder = migrationsFolder,
): Promise<Database> {
  if (options.url) {
    const pool = new Pool({ connectionString: options.url, max: 10 });
    let isClosing = false;
    // The server may close an idle connection (a restart, a failover, an administrator, or the
    // connection's own end racing a dropped database): the pool reports it here, and replaces the
    // connection at the next query. Without a listener the report would crash the process.
    pool.on("error", (error) => {
      if (!isClosing) console.error(`PostgreSQL closed an idle connection: ${error.message}`);
    });
    const db = drizzlePg({ client: pool, schema });
    try {
      await migratePg(db, { migrationsFolder: folder });
    } catch (error) {
      await pool.end();
      throw error;
    }
    return {
      db,
      kind: "postgres",
      ping: async () => (await pool.query("select 1")).rowCount === 1,
      close: () => {
        isClosing = true;
        return pool.end();
      },
    };
  }

  // PGlite runs on its own thread (db/pglite-thread.ts): its work goes on beside the app's.
  let release = () => {};
  let client: ThreadedPGlite;
  if (options.dataDir) {
    mkdirSync(dirname(options.dataDir), { recursive: true });
    release = lockDataDir(options.dataDir);
    try {
      client = await ThreadedPGlite.create(options.dataDir);
    } catch (error) {
      release();
      throw error;
    }
  } else {
    client = await ThreadedPGlite.create(null);
  }
  // drizzle-orm's PGlite driver uses only query() and transaction(), which the thread's client has.
  const db = drizzlePglite({ client: client as unknown as PGlite, schema });
  try {
    await migratePglite(db, { migrationsFolder: folder });
  } catch (error) {
    await client.close();
    release();
    throw error;
  }
  return {
    db,
    kind: "pglite",
    ping: async () => (await client.query("select 1")).rows.length === 1,
    close: async () => {
      await client.close();
      release();
    },
  };
}
