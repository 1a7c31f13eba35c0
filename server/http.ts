import type { RequestMeta } from "./services/context";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Where a request came from, for the audit log: the first hop of X-Forwarded-For, else X-Real-IP. */
export function readRequestMeta(headers: HeaderSource): RequestMeta {
  const forwarded = header(headers, "x-forwarded-for")?.split(",")[0]?.trim();
  return {
    ip: forwarded || header(headers, "x-real-ip") || null,
    userAgent: header(headers, "user-agent")?.slice(0, 500) ?? null,
  };
}

/** What reading a request body found: JSON, or why not (with the HTTP status to answer). */
export type BodyResult =
  { ok: true; text: string; json: unknown } | { ok: false; status: 400 | 413; message: string };

/**
 * Reads a request body up to `maxBytes` (413 beyond, without reading the rest) and parses it as
 * JSON when it has any text; an empty body is `undefined`.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const tooLarge = {
    ok: false,
    status: 413,
    message: `The body is larger than ${maxBytes} bytes.`,
  } as const;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooLarge;
  const text = await readTextCapped(request, maxBytes);
  if (text === undefined) return tooLarge;
  if (text.trim() === "") return { ok: true, text, json: undefined };
  try {
    return { ok: true, text, json: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, message: "The body is not valid JSON." };
  }
}

/** The body (of a request, or a response we fetched) as text, or undefined once it passes `maxBytes` (the rest is not read). */
export async function readTextCapped(
  request: Pick<Request, "headers" | "body">,
  maxBytes: number,
): Promise<string | undefined> {
  return (await readBytesCapped(request, maxBytes))?.toString("utf8");
}

/** The body's bytes (a signature covers them exactly), or undefined past `maxBytes` (the rest is not read). */
export async function readBytesCapped(
  request: Pick<Request, "headers" | "body">,
  maxBytes: number,
): Promise<Buffer | undefined> {
  if (Number(request.headers.get("content-length") ?? "0") > maxBytes) return undefined;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
