import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookConfig } from "@/db/schema";

/**
 * What a webhook does with one HTTP request, without I/O: check its secret or signature, read its
 * body, strip secrets from what is kept for "listen for a test request", and map it to a run's
 * input. server/services/webhooks-http.ts does the I/O around these.
 */

/** A request as the mapping sees it: the parsed body, the query string and the headers (lower-case names). */
export interface HookRequest {
  method: string;
  body: unknown;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
}

/** Same-length digests, so comparing them takes as long whatever the guess (no length or prefix leak). */
function equalInConstantTime(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** GitHub's X-Hub-Signature-256 format: `sha256=` and the hex HMAC-SHA256 of the raw body under the secret. */
export function signBody(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Whether the request proves it knows the hook's secret: the secret itself in `authHeader`
 * (optionally as `Bearer <secret>`), or the HMAC-SHA256 of the exact body bytes in it.
 */
export function isAuthentic(
  config: Pick<WebhookConfig, "auth" | "authHeader">,
  secret: string | null,
  headers: Headers,
  rawBody: Uint8Array,
): boolean {
  if (config.auth === "none") return true;
  const given = headers.get(config.authHeader)?.trim();
  if (!given || !secret) return false;
  if (config.auth === "header")
    return equalInConstantTime(given.replace(/^Bearer\s+/i, ""), secret);
  return equalInConstantTime(given.toLowerCase(), signBody(secret, rawBody));
}

/** What a request's body holds: JSON, a form as an object, nothing, or why it cannot be read. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * JSON bodies parse as JSON; `application/x-www-form-urlencoded` becomes an object (a repeated
 * field becomes a list); an empty body is `undefined`. Anything else must be JSON.
 */
export function parseHookBody(text: string, contentType: string | null): ParsedBody {
  if (text.trim() === "") return { ok: true, value: undefined };
  if (contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return { ok: true, value: multiMapOf(new URLSearchParams(text)) };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return {
      ok: false,
      message:
        "The body is not valid JSON (send JSON, or a form as application/x-www-form-urlencoded).",
    };
  }
}

/** Pairs as an object; a name given several times keeps all its values, in order. */
export function multiMapOf(pairs: Iterable<[string, string]>): Record<string, string | string[]> {
  // A Map, then own properties: a field named __proto__ is a field like any other.
  const result = new Map<string, string | string[]>();
  for (const [key, value] of pairs) {
    const seen = result.get(key);
    result.set(
      key,
      seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value],
    );
  }
  return Object.fromEntries(result);
}

/** Headers that carry credentials by convention, never kept from a test request. */
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const SECRET_HEADER_WORDS = /secret|token|signature|hmac|password|api[-_]?key|auth/i;

/** The request's headers without the hook's own secret header or anything that looks like a credential. */
export function headersWithoutSecrets(
  headers: Headers,
  authHeader: string,
): Record<string, string> {
  const own = authHeader.toLowerCase();
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name === own || SECRET_HEADERS.has(name) || SECRET_HEADER_WORDS.test(name)) return;
    kept[name] = value;
  });
  return kept;
}

/** Headers a mapping may not read: the secret would end up in the run's input, its events and its page. */
export function isSecretHeader(name: string, authHeader: string): boolean {
  const lower = name.toLowerCase();
  return lower === authHeader.toLowerCase() || SECRET_HEADERS.has(lower);
}

/** A mapping's source: `body`, `body.a.b`, `query.x` or `headers.x-y`. */
export const MAPPING_SOURCE = /^(body(\.[^.\s]+)*|query\.[^.\s]+|headers\.[A-Za-z0-9-]+)$/;

function readPath(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    // Own properties only: `body.constructor` or `body.__proto__` find nothing rather than Object's internals.
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The value one mapping source names in the request; undefined when the request lacks it. */
export function readSource(request: HookRequest, source: string): unknown {
  const [root, ...path] = source.split(".");
  if (root === "body") return readPath(request.body, path);
  const key = path.join(".");
  if (root === "query") return Object.hasOwn(request.query, key) ? request.query[key] : undefined;
  if (root === "headers")
    return Object.hasOwn(request.headers, key.toLowerCase())
      ? request.headers[key.toLowerCase()]
      : undefined;
  return undefined;
}

/**
 * The run's input: with no mapping, the whole body (an empty body is `{}`); with one, an object of
 * the mapped fields (a field whose source is missing is left out, so the workflow's input schema
 * names it as required rather than getting `null`).
 *
 * @example mapHookInput({ title: "body.issue.title", repo: "query.repo" }, request) // → { title: "…", repo: "…" }
 */
export function mapHookInput(mapping: Record<string, string>, request: HookRequest): unknown {
  const fields = Object.entries(mapping);
  if (fields.length === 0) return request.body ?? {};
  return Object.fromEntries(
    fields.flatMap(([field, source]) => {
      const value = readSource(request, source);
      return value === undefined ? [] : [[field, value]];
    }),
  );
}
