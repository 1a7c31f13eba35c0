// The embedded database's own thread: PGlite (PostgreSQL compiled to WebAssembly) runs here, so
// that its query work does not take turns with the app's JavaScript on the main thread.
// Plain JavaScript, loaded by Node as it is (no bundler, no TypeScript loader): see db/pglite-thread.ts
// for the messages it answers.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, parse, protocol, types } from "@electric-sql/pglite";

const asText = (value) => value;
/**
 * Dates, times and intervals stay the database's text, as drizzle-orm's PGlite driver asks for
 * (its own parsers are functions, which cannot cross threads).
 */
const parsers = {
  [types.TIMESTAMP]: asText,
  [types.TIMESTAMPTZ]: asText,
  [types.INTERVAL]: asText,
  [types.DATE]: asText,
  1231: asText, // numeric[]
  1115: asText, // timestamp[]
  1185: asText, // timestamptz[]
  1187: asText, // interval[]
  1182: asText, // date[]
};

/** The fields of PGlite's DatabaseError (code, constraint, detail…), which the app's error handling reads. */
function serializeError(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === "function") continue;
    if (typeof value === "object" && value !== null && key !== "params") continue;
    fields[key] = value;
  }
  return { ...fields, name: error.name, message: error.message };
}

// Given once here rather than with each query: PGlite copies a query's parsers into its own table every time.
const pg = await PGlite.create({ dataDir: workerData.dataDir ?? undefined, parsers });
/** Open transactions by id: their queries go to their own connection state until they end. */
const transactions = new Map();

function answer(id, work) {
  work.then(
    (result) => parentPort.postMessage({ id, result }),
    (error) => parentPort.postMessage({ id, error: serializeError(error) }),
  );
}

/**
 * Statements by their SQL text, prepared once under a name and then only bound and executed, as
 * PostgreSQL drivers such as postgres.js do by default. PGlite's own query() parses, describes and
 * plans the text again on every call; on this machine kind that was most of a query's time (the
 * run-start facts: 2.8 ms against 0.2 ms prepared). PostgreSQL keeps each statement's plan (a
 * generic one once it is no worse than the custom ones) and replans it after a schema change.
 * The most recently used MAX_STATEMENTS stay prepared. Statements without parameters (the
 * migrations' DDL, run once) and with many (long `in (…)` lists, which differ by their length)
 * are not kept.
 */
const statements = new Map();
const MAX_STATEMENTS = 256;
const MAX_KEPT_PARAMETERS = 32;
let statementCount = 0;
const { serialize } = protocol;
const noSync = { syncToFs: false };

/** Wire-protocol messages sent as one buffer: PGlite answers them in one call. */
function messages(...parts) {
  const buffer = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    buffer.set(part, offset);
    offset += part.length;
  }
  return buffer;
}

/** The statement prepared for `sql`: its name, its parameters' types and its row description. */
async function prepared(sql, keep) {
  const known = statements.get(sql);
  if (known) {
    statements.delete(sql); // most recently used last
    statements.set(sql, known);
    return known;
  }
  const name = keep ? `s${++statementCount}` : "";
  const described = await pg.execProtocolStream(
    messages(
      serialize.parse({ name, text: sql }),
      serialize.describe({ type: "S", name }),
      serialize.sync(),
    ),
    noSync,
  );
  const statement = {
    name,
    types: parse.parseDescribeStatementResults(described),
    head: described.filter((message) => message.name === "rowDescription"),
  };
  if (!keep) return statement;
  statements.set(sql, statement);
  if (statements.size > MAX_STATEMENTS) {
    const [oldest] = statements.keys();
    await forget(oldest);
  }
  return statement;
}

/** Drops a kept statement, on the database too (a failure to close it only leaves it unused). */
async function forget(sql) {
  const statement = statements.get(sql);
  if (!statement) return;
  statements.delete(sql);
  await pg
    .execProtocolStream(
      messages(serialize.close({ type: "S", name: statement.name }), serialize.sync()),
      noSync,
    )
    .catch(() => undefined);
}

/** A statement prepared earlier that the database no longer has as it was (a schema change). */
const isStale = (error) =>
  error?.code === "26000" || (error?.code === "0A000" && /cached plan/.test(String(error.message)));

const keepable = (params) => params.length > 0 && params.length <= MAX_KEPT_PARAMETERS;

/** A statement's parameters as text, as its parameters' types print them. */
const valuesOf = (statement, params) =>
  params.map((param, i) => {
    if (param === null || param === undefined) return null;
    const toText = pg.serializers[statement.types[i]];
    return toText ? toText(param) : param.toString();
  });

async function runStatement(message) {
  const statement = await prepared(message.sql, keepable(message.params));
  let answers;
  try {
    answers = await pg.execProtocolStream(
      messages(
        serialize.bind({ statement: statement.name, values: valuesOf(statement, message.params) }),
        serialize.execute({}),
        serialize.sync(),
      ),
      noSync,
    );
  } catch (error) {
    if (isStale(error)) await forget(message.sql);
    throw error;
  }
  const [result] = parse.parseResults([...statement.head, ...answers], pg.parsers, {
    rowMode: message.rowMode,
  });
  // Not its `fields`: the app maps rows itself (see ThreadQueryResult).
  return { rows: result.rows, affectedRows: result.affectedRows };
}

/**
 * One query, inside the open transaction that holds PGlite (`inTransaction`), or on its own: then
 * it waits for any transaction to end, and a statement gone stale is prepared again once.
 */
function query(message, inTransaction) {
  if (inTransaction) return pg._runExclusiveQuery(() => runStatement(message));
  return pg._runExclusiveTransaction(() =>
    pg._runExclusiveQuery(async () => {
      try {
        return await runStatement(message).catch((error) => {
          if (!isStale(error)) throw error;
          return runStatement(message);
        });
      } finally {
        await pg.syncToFs();
      }
    }),
  );
}

/**
 * Statements run in order in one transaction, sent to PGlite in one call: each one bound and
 * executed, then a single Sync. PostgreSQL runs what comes before a Sync as one implicit
 * transaction: committed at the Sync, or, once a statement fails, the rest skipped and all of it
 * rolled back. Against BEGIN, the statements one call each, and COMMIT, this saves two simple
 * queries (parsed and planned each time) and a call into PGlite per statement: a batch of five
 * small writes took 0.48 ms of CPU instead of 0.65–0.72. A batch with a statement that is not kept
 * prepared (no parameters, or too many) runs the long way.
 */
function runBatch(batch) {
  if (!batch.every((statement) => keepable(statement.params)))
    return pg.transaction(async () => {
      const results = [];
      for (const statement of batch)
        results.push((await query({ ...statement, rowMode: "object" }, true)).rows);
      return results;
    });
  return pg._runExclusiveTransaction(() =>
    pg._runExclusiveQuery(async () => {
      try {
        const statements = [];
        for (const { sql } of batch) statements.push(await prepared(sql, true));
        const parts = batch.flatMap(({ params }, i) => [
          serialize.bind({
            statement: statements[i].name,
            values: valuesOf(statements[i], params),
          }),
          serialize.execute({}),
        ]);
        let answers;
        try {
          answers = await pg.execProtocolStream(messages(...parts, serialize.sync()), noSync);
        } catch (error) {
          if (isStale(error)) for (const { sql } of batch) await forget(sql);
          throw error;
        }
        // Each statement's answers end with its commandComplete.
        const results = [];
        let from = 0;
        answers.forEach((answer, i) => {
          if (answer.name !== "commandComplete") return;
          const [result] = parse.parseResults(
            [...statements[results.length].head, ...answers.slice(from, i + 1)],
            pg.parsers,
            { rowMode: "object" },
          );
          results.push(result.rows);
          from = i + 1;
        });
        return results;
      } finally {
        await pg.syncToFs();
      }
    }),
  );
}

parentPort.on("message", (message) => {
  const { id } = message;
  if (message.sql !== undefined) {
    if (message.tx === undefined) return answer(id, query(message, false));
    if (!transactions.get(message.tx)?.tx)
      return answer(id, Promise.reject(new Error(`No open transaction ${message.tx}.`)));
    return answer(id, query(message, true));
  }
  if (message.begin !== undefined) {
    // PGlite runs a transaction alone: other queries wait until it ends.
    const rolledBack = new Error("rolled back");
    let begun;
    const started = new Promise((resolve) => (begun = resolve));
    const entry = { rolledBack };
    entry.done = pg
      .transaction(
        (tx) =>
          new Promise((commit, rollback) => {
            Object.assign(entry, { tx, commit, rollback });
            begun();
          }),
      )
      .then(
        () => null,
        (error) => {
          if (error !== rolledBack) throw error;
          return null;
        },
      )
      .finally(() => transactions.delete(message.begin));
    transactions.set(message.begin, entry);
    // A transaction that cannot begin answers with its error.
    return answer(
      id,
      Promise.race([started, entry.done]).then(() => null),
    );
  }
  if (message.end !== undefined) {
    const open = transactions.get(message.end);
    if (!open?.tx)
      return answer(id, Promise.reject(new Error(`No open transaction ${message.end}.`)));
    if (message.commit) open.commit();
    else open.rollback(open.rolledBack);
    // Settles once COMMIT (or ROLLBACK) has run.
    return answer(id, open.done);
  }
  if (message.batch !== undefined) {
    // Statements in order in one transaction, without a trip back to the app between them.
    return answer(id, runBatch(message.batch));
  }
  if (message.close)
    return answer(
      id,
      pg.close().then(() => null),
    );
});

parentPort.postMessage({ ready: true });
