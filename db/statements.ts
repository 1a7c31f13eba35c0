import { createHash } from "node:crypto";
import { fillPlaceholders, getTableColumns, is, SQL, sql, type Table } from "drizzle-orm";
import { PgDialect, type PgColumn } from "drizzle-orm/pg-core";
import type { Pool } from "pg";
import type { Db } from "./client";
import { ThreadedPGlite } from "./pglite-thread";

export type Row = Record<string, unknown>;

/**
 * One SQL statement with `$n` parameters and how to read its rows, for the hot write path (the
 * run journal): built with Drizzle, printed with `.toSQL()`, and run with others in one trip by
 * `runInTransaction`. Rows come as each driver parses them, keyed by column name (not Drizzle's
 * field names): read them with the helpers below.
 */
export interface Statement<T> {
  text: string;
  params: unknown[];
  read: (rows: Row[]) => T;
}

/** What Drizzle can print: a query builder (insert, update, select, …) or an `sql` fragment. */
export type Printable = { toSQL(): { sql: string; params: unknown[] } } | SQL;

const dialect = new PgDialect();
const ignoreRows = () => undefined;

/**
 * A statement from a Drizzle query; `read` turns its rows into the caller's answer.
 * @example statement(db.select({ n: count().as("n") }).from(notes), (rows) => Number(rows[0]!.n))
 */
export function statement<T = undefined>(
  query: Printable,
  read?: (rows: Row[]) => T,
): Statement<T> {
  const { sql: text, params } = print(query);
  return { text, params, read: (read ?? ignoreRows) as (rows: Row[]) => T };
}

/** A statement with nothing to write (a builder given no rows): it is not sent, and reads as `answer`. */
export function noStatement<T = undefined>(answer?: T): Statement<T> {
  return { text: "", params: [], read: () => answer as T };
}

/**
 * A statement Drizzle prints once and each call fills in, as Drizzle's own prepared queries do:
 * `build` writes the query with `sql.placeholder(name)` where the values go, and its text must
 * not depend on them (a batch of rows is one placeholder: see `batchRows`). Printing costs Drizzle
 * more than the database's own work on the journal's batches (a statement with a dozen
 * expressions takes about 0.3 ms), so the run path prints each statement once per process.
 */
export function prepared<V extends Record<string, unknown>, T = undefined>(
  build: (db: Db) => Printable,
  read?: (rows: Row[]) => T,
): (db: Db, values: V) => Statement<T> {
  let printed: { sql: string; params: unknown[] } | undefined;
  return (db, values) => {
    printed ??= print(build(db));
    return {
      text: printed.sql,
      params: fillPlaceholders(printed.params, values),
      read: (read ?? ignoreRows) as (rows: Row[]) => T,
    };
  };
}

/**
 * A read Drizzle builds once per database and then only runs with new values: Drizzle's own
 * prepared query (`.prepare(name)`), kept per `Db`. `build` writes the query with
 * `sql.placeholder(name)` where the values go; rows come mapped as Drizzle maps them. For the
 * reads every request makes (a run and its steps): building and printing a select took more of
 * the app's thread than the database's own work on it. A transaction is a `Db` of its own, so a
 * read inside one is prepared for it (and forgotten with it).
 * @example const byId = preparedQuery("note_by_id", (db) => db.select().from(notes).where(eq(notes.id, sql.placeholder("id"))));
 *          const [note] = await byId(db).execute({ id });
 */
export function preparedQuery<Q>(
  name: string,
  build: (db: Db) => { prepare(name: string): Q; toSQL(): { sql: string } },
) {
  const byDb = new WeakMap<Db, Q>();
  return (db: Db): Q => {
    let query = byDb.get(db);
    if (query === undefined) {
      const builder = build(db);
      // Named by its text as well: on PostgreSQL the name is each connection's prepared statement,
      // and one name for two texts (a name given twice, a query edited under `next dev` while the
      // pool lives on) would be refused there.
      const text = createHash("sha1").update(builder.toSQL().sql).digest("hex").slice(0, 12);
      query = builder.prepare(`${name}_${text}`);
      byDb.set(db, query);
    }
    return query;
  };
}

const print = (query: Printable) => ("toSQL" in query ? query.toSQL() : dialect.sqlToQuery(query));

/** In `on conflict … do update`, the value the insert proposed for `column`. */
export const excluded = (column: PgColumn) => sql`excluded.${sql.identifier(column.name)}`;

/**
 * The rows of a batch insert, as `db.insert(table).select(…)` takes them: the whole batch is the
 * placeholder `rows`, the rows as JSON text, which the database reads back as a table
 * (`jsonb_to_recordset`, in the array's order). Rows are keyed by field name as `.values()` takes
 * them and give every field in `fields` (an absent value is SQL null, not the default); the
 * table's other columns get their default. `override` replaces a column's value by an
 * expression over `batch`.
 *
 * Why not `.values(rows)`: Drizzle prints a multi-row VALUES value by value, 20 to 80 µs a row
 * here, which halved the run journal's runs per second (bench:runs); this text is the same for
 * any number of rows, so it is printed once (`prepared`).
 */
export function batchRows<T extends Table>(
  table: T,
  fields: readonly (keyof T["$inferInsert"] & string)[],
  override: Partial<Record<keyof T["$inferInsert"] & string, SQL>> = {},
): SQL {
  const named = new Set<string>(fields);
  // Every column Drizzle's insert names, in its order, but identity columns (see run-events.ts).
  const selected = Object.entries(getTableColumns(table) as Record<string, PgColumn>).flatMap(
    ([field, column]) => {
      if (column.generatedIdentity || (column.generated && column.generated.type !== "byDefault"))
        return [];
      const value = override[field as keyof typeof override];
      if (value) return [value];
      if (named.has(field)) return [sql`batch.${sql.identifier(field)}`];
      return [defaultOf(column)];
    },
  );
  return sql`select ${sql.join(selected, sql`, `)} from ${recordset("batch", table, fields)}`;
}

/**
 * The placeholder `rows` (rows as JSON text) as a table named `alias`, for `update … from`: read
 * back with the columns' types, its columns named as the table's fields (`alias."finishedAt"`).
 */
export function recordset<T extends Table>(
  alias: string,
  table: T,
  fields: readonly (keyof T["$inferInsert"] & string)[],
): SQL {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const definition = sql.join(
    fields.map((field) => sql`${sql.identifier(field)} ${sql.raw(columns[field]!.getSQLType())}`),
    sql`, `,
  );
  return sql`jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as ${sql.identifier(alias)}(${definition})`;
}

/** What `default` would give a column in an insert, which an insert-select cannot say. */
function defaultOf(column: PgColumn): SQL {
  if (column.default === undefined) return sql`null`;
  if (is(column.default, SQL)) return column.default;
  return sql`${sql.param(column.default, column)}::${sql.raw(column.getSQLType())}`;
}

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
