import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { getDatabase } from "@/server/db";
import { readRequestMeta } from "@/server/http";
import { createCaller } from "./root";
import { identifyRequest } from "./session-identity";
import { createContext } from "./trpc";

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/**
 * One CSV line (RFC 4180): fields with a comma, quote or line break are quoted, quotes doubled.
 * Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe,
 * since names and e-mails in these files are typed by users.
 */
export function toCsvLine(values: CsvValue[]): string {
  return values
    .map((value) => {
      if (value === null || value === undefined) return "";
      if (typeof value !== "string") return String(value);
      const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(",");
}

const LINES_PER_CHUNK = 200;

/** Streams the header and one line per row, pulling rows only as fast as the client reads. */
export function streamCsv<T>(
  columns: CsvColumn<T>[],
  rows: AsyncIterable<T>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = rows[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // The byte-order mark makes spreadsheet programs read the file as UTF-8.
      controller.enqueue(encoder.encode(`\uFEFF${toCsvLine(columns.map((c) => c.header))}\r\n`));
    },
    async pull(controller) {
      let chunk = "";
      for (let i = 0; i < LINES_PER_CHUNK; i++) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += `${toCsvLine(columns.map((c) => c.value(next.value)))}\r\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

type Caller = ReturnType<typeof createCaller>;

/**
 * A CSV download served by a procedure that returns rows as an async iterable: the procedure
 * checks the session and the permission as it would on /api/trpc, so a refusal is an HTTP error
 * status (401, 403, 400) before anything streams.
 */
export async function csvExportResponse<T>(
  request: Request,
  options: {
    filename: string;
    columns: CsvColumn<T>[];
    rows: (caller: Caller) => Promise<AsyncIterable<T>>;
  },
): Promise<Response> {
  const { db } = await getDatabase();
  let rows: AsyncIterable<T>;
  try {
    // The session cookie, or an API token with a scope that allows the export.
    const identity = await identifyRequest(request, db);
    const caller = createCaller(
      await createContext({ db, identity, meta: readRequestMeta(request.headers) }),
    );
    rows = await options.rows(caller);
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return Response.json(
      { error: error.message },
      { status: getHTTPStatusCodeFromError(error), headers: { "cache-control": "no-store" } },
    );
  }
  return new Response(streamCsv(options.columns, rows), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${options.filename.replace(/[^\w.-]/g, "_")}"`,
      "cache-control": "no-store",
    },
  });
}
