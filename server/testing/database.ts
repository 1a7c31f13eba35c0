import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { openDatabase, type Database } from "@/db/client";
import { getEnv } from "@/server/env";

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or, when
 * DATABASE_URL is set, a new database on that PostgreSQL server, dropped again by `close()`.
 */
export async function createTestDatabase(): Promise<Database> {
  const { databaseUrl } = getEnv();
  if (!databaseUrl) return openDatabase({ dataDir: null });

  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();

  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = new Client({ connectionString: databaseUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
