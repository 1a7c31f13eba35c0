// The embedded database's own thread: PGlite (PostgreSQL compiled to WebAssembly) runs here, so
// that its query work does not take turns with the app's JavaScript on the main thread.
// Plain JavaScript, loaded by Node as it is (no bundler, no TypeScript loader): see db/pglite-thread.ts
// for the messages it answers.
import { parentPort, workerData } from "node:worker_threads";
import { PGlite, types } from "@electric-sql/pglite";

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

function query(target, message) {
  return target.query(message.sql, message.params, { rowMode: message.rowMode }).then((result) => ({
    rows: result.rows,
    fields: result.fields,
    affectedRows: result.affectedRows,
  }));
}

parentPort.on("message", (message) => {
  const { id } = message;
  if (message.sql !== undefined) {
    const target = message.tx === undefined ? pg : transactions.get(message.tx)?.tx;
    if (!target) return answer(id, Promise.reject(new Error(`No open transaction ${message.tx}.`)));
    return answer(id, query(target, message));
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
    return answer(
      id,
      pg.transaction(async (tx) => {
        const results = [];
        for (const statement of message.batch)
          results.push((await query(tx, { ...statement, rowMode: "object" })).rows);
        return results;
      }),
    );
  }
  if (message.close)
    return answer(
      id,
      pg.close().then(() => null),
    );
});

parentPort.postMessage({ ready: true });
