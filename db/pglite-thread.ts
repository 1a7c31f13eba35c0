import { join } from "node:path";
import { Worker } from "node:worker_threads";

/**
 * A query's answer, as PGlite gives it but without its `fields`: nothing here reads them (Drizzle
 * maps rows with its own), and copying them to this thread with every answer is not free.
 */
export interface ThreadQueryResult {
  rows: unknown[];
  affectedRows?: number;
}

type RowMode = "array" | "object";
interface QueryClient {
  query(
    sql: string,
    params?: unknown[],
    options?: { rowMode?: RowMode },
  ): Promise<ThreadQueryResult>;
}

type Request =
  | { sql: string; params: unknown[]; rowMode: RowMode; tx?: number }
  | { begin: number }
  | { end: number; commit: boolean }
  | { batch: { sql: string; params: unknown[] }[] }
  | { close: true };

/** Resolved from the working directory, like the migrations: the file is loaded by Node, never bundled. */
const workerFile = join(process.cwd(), "db", "pglite-worker.mjs");

/**
 * PGlite on a worker thread, with the part of PGlite's interface that drizzle-orm's PGlite driver
 * uses (`query`, `transaction`). The database's work runs beside the app's JavaScript instead of
 * taking turns with it on the main thread. Queries and transactions are handled in the order they
 * are sent; PGlite runs each transaction alone, so other queries wait until it ends.
 */
export class ThreadedPGlite implements QueryClient {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;
  private nextTransaction = 0;
  /** Why the thread stopped, once it has: every later call fails with it. */
  private stopped: Error | undefined;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on(
      "message",
      (message: {
        id: number;
        result?: unknown;
        error?: Record<string, unknown> & { message: string };
      }) => {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        if (this.pending.size === 0) worker.unref();
        if (message.error) waiting.reject(toDatabaseError(message.error));
        else waiting.resolve(message.result);
      },
    );
    worker.on("error", (error) =>
      this.stop(new Error(`The embedded database stopped: ${error.message}`, { cause: error })),
    );
    worker.on("exit", (code) =>
      this.stop(new Error(`The embedded database stopped (its thread exited with code ${code}).`)),
    );
  }

  /** Opens PGlite in `dataDir` (a folder), or in memory when it is null. */
  static async create(dataDir: string | null): Promise<ThreadedPGlite> {
    const worker = new Worker(workerFile, { workerData: { dataDir } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        cleanup();
        resolve();
      };
      const onError = (error: Error) => {
        cleanup();
        reject(
          new Error(`The embedded database could not start: ${error.message}`, { cause: error }),
        );
      };
      const onExit = (code: number) => onError(new Error(`its thread exited with code ${code}`));
      const cleanup = () => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onExit);
    });
    worker.unref(); // an idle database never keeps the process alive; a pending query does
    return new ThreadedPGlite(worker);
  }

  query(
    sql: string,
    params: unknown[] = [],
    options: { rowMode?: RowMode } = {},
  ): Promise<ThreadQueryResult> {
    return this.call({
      sql,
      params,
      rowMode: options.rowMode ?? "object",
    }) as Promise<ThreadQueryResult>;
  }

  async transaction<T>(work: (tx: QueryClient) => Promise<T>): Promise<T> {
    const id = ++this.nextTransaction;
    await this.call({ begin: id });
    const tx: QueryClient = {
      query: (sql, params = [], options = {}) =>
        this.call({
          sql,
          params,
          rowMode: options.rowMode ?? "object",
          tx: id,
        }) as Promise<ThreadQueryResult>,
    };
    let value: T;
    try {
      value = await work(tx);
    } catch (error) {
      await this.call({ end: id, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.call({ end: id, commit: true });
    return value;
  }

  /** Runs statements in order in one transaction, in one message: resolves with each one's rows. */
  batch(statements: { sql: string; params: unknown[] }[]): Promise<Record<string, unknown>[][]> {
    return this.call({ batch: statements }) as Promise<Record<string, unknown>[][]>;
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    await this.call({ close: true });
    this.stop(new Error("The embedded database is closed."));
    await this.worker.terminate();
  }

  private call(request: Request): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  private stop(reason: Error) {
    this.stopped ??= reason;
    for (const waiting of this.pending.values()) waiting.reject(reason);
    this.pending.clear();
  }
}

/** PGlite's DatabaseError, rebuilt on this side with its fields (code, constraint, detail…). */
function toDatabaseError(fields: Record<string, unknown> & { message: string }): Error {
  const { message, name, ...rest } = fields;
  const error = Object.assign(new Error(message), rest);
  error.name = typeof name === "string" ? name : "DatabaseError";
  return error;
}
