import type { Pool } from "pg";
import type { Db } from "./client";
import { ThreadedPGlite } from "./pglite-thread";

export type Row = Record<string, unknown>;

/**
 * One SQL statement with `$n` parameters and how to read its rows, for the hot write path (the
 * run journal): written by hand, sent without a query builder, and run with others in one trip.
 * Rows come as each driver parses them: read them with the helpers below.
 */
export interface Statement<T> {
  text: string;
  params: unknown[];
  read: (rows: Row[]) => T;
}

const ignoreRows = () => undefined;

export function statement<T = undefined>(
  text: string,
  params: unknown[],
  read?: (rows: Row[]) => T,
): Statement<T> {
  return { text, params, read: (read ?? ignoreRows) as (rows: Row[]) => T };
}

/**
 * `($1, $2::jsonb, …), (…)` for a multi-row VALUES: one tuple per row, each value cast as
 * `casts` says ("" for none); the values are appended to `params`.
 */
export function valuesList(rows: unknown[][], casts: readonly string[], params: unknown[]): string {
  return rows
    .map(
      (row) =>
        `(${row.map((value, i) => `$${params.push(value)}${casts[i] ? `::${casts[i]}` : ""}`).join(", ")})`,
    )
    .join(", ");
}

/** A jsonb parameter (with a `::jsonb` cast); SQL null for undefined. */
export const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
/** A timestamptz parameter. */
export const timestamp = (value: Date | null | undefined) => value?.toISOString() ?? null;
/** A timestamptz column: PostgreSQL's driver gives a Date, PGlite's thread the database's text. */
export const toDate = (value: unknown) =>
  value == null ? null : value instanceof Date ? value : new Date(value as string);

type Results<S extends readonly Statement<unknown>[]> = {
  [K in keyof S]: S[K] extends Statement<infer T> ? T : never;
};

/**
 * Runs statements in order in one transaction, and reads each one's rows. On the embedded
 * database the whole transaction is one message to PGlite's thread; on PostgreSQL it holds one
 * connection of the pool.
 */
export async function runInTransaction<const S extends readonly Statement<unknown>[]>(
  db: Db,
  statements: S,
): Promise<Results<S>> {
  const client = (db as unknown as { $client?: unknown }).$client;
  // A statement without text (a builder given no rows) is not sent: it reads no rows.
  const sent = statements.filter((s) => s.text);
  let rows: Row[][];
  if (client instanceof ThreadedPGlite) {
    rows = sent.length
      ? await client.batch(sent.map((s) => ({ sql: s.text, params: s.params })))
      : [];
  } else if (client && typeof (client as Pool).connect === "function") {
    rows = await onOneConnection(client as Pool, sent);
  } else {
    throw new Error("runInTransaction needs the database itself, not a transaction of it.");
  }
  const bySent = new Map(sent.map((s, i) => [s, rows[i]!]));
  return statements.map((s) => s.read(bySent.get(s) ?? [])) as Results<S>;
}

async function onOneConnection(pool: Pool, statements: Statement<unknown>[]): Promise<Row[][]> {
  if (statements.length === 0) return [];
  const connection = await pool.connect();
  let broken: Error | undefined;
  try {
    await connection.query("begin");
    const rows: Row[][] = [];
    for (const s of statements) rows.push((await connection.query(s.text, s.params)).rows as Row[]);
    await connection.query("commit");
    return rows;
  } catch (error) {
    // A connection that cannot even roll back is closed rather than returned to the pool.
    await connection.query("rollback").catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    connection.release(broken);
  }
}
