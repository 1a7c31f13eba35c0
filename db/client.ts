import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { Pool } from "pg";
import * as schema from "./schema";
import { lockDataDir } from "./lock";

export type Schema = typeof schema;
/** A database or a transaction: repositories take either, so a service can compose them in one transaction. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

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
export async function openDatabase(options: DatabaseOptions, folder = migrationsFolder): Promise<Database> {
  if (options.url) {
    const pool = new Pool({ connectionString: options.url, max: 10 });
    const db = drizzlePg({ client: pool, schema });
    try {
      await migratePg(db, { migrationsFolder: folder });
    } catch (error) {
      await pool.end();
      throw error;
    }
    return {
      db: db as unknown as Db,
      kind: "postgres",
      ping: async () => (await pool.query("select 1")).rowCount === 1,
      close: () => pool.end(),
    };
  }

  let release = () => {};
  let client: PGlite;
  if (options.dataDir) {
    mkdirSync(dirname(options.dataDir), { recursive: true });
    release = lockDataDir(options.dataDir);
    try {
      client = await PGlite.create(options.dataDir);
    } catch (error) {
      release();
      throw error;
    }
  } else {
    client = await PGlite.create();
  }
  const db = drizzlePglite({ client, schema });
  try {
    await migratePglite(db, { migrationsFolder: folder });
  } catch (error) {
    await client.close();
    release();
    throw error;
  }
  return {
    db: db as unknown as Db,
    kind: "pglite",
    ping: async () => (await client.query("select 1")).rows.length === 1,
    close: async () => {
      await client.close();
      release();
    },
  };
}
