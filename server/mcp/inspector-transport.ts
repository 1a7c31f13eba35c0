import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { FetchLike, Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { z } from "zod";
import type { LaunchSpec } from "./launch";
import { withLongLivedGets } from "./long-lived-fetch";

/**
 * How the inspector reaches a server: an installation's own launch spec (as the pool starts it),
 * or a URL someone wants to try before installing it. URLs follow the rules of installing a remote
 * server (SECURITY.md): http(s) only, no credentials in the URL (headers carry them), redirects
 * refused, and failures described without the server's body or our internals.
 */

/** Headers the transport sets itself; a user's value would break the session. */
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "accept",
  "connection",
  "transfer-encoding",
  "mcp-session-id",
  "mcp-protocol-version",
  "last-event-id",
]);

export const headerName = z
  .string()
  .trim()
  .min(1, "Give the header a name")
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "A header name is letters, digits and - only")
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), {
    message: "This header is set by the MCP transport itself",
  });

export const headerValue = z
  .string()
  .max(4000)
  .regex(/^[^\r\n\0]*$/, "A header value cannot hold line breaks");

export const targetUrl = z
  .url({ protocol: /^https?$/, error: "Give the server's http(s) URL" })
  .max(2000)
  .refine((url) => {
    const parsed = new URL(url);
    return parsed.username === "" && parsed.password === "";
  }, "Put credentials in a header, not in the URL");

export const urlTargetInput = z.object({
  url: targetUrl,
  /** "auto": Streamable HTTP, then the older SSE transport when that fails. */
  transport: z.enum(["auto", "streamable-http", "sse"]).default("auto"),
  headers: z
    .array(z.object({ name: headerName, value: headerValue }))
    .max(20)
    .default([])
    .refine(
      (headers) => new Set(headers.map((h) => h.name.toLowerCase())).size === headers.length,
      "Each header once",
    ),
});
export type UrlTarget = z.infer<typeof urlTargetInput>;

/** Fetch that never follows a redirect: the URL someone typed is the only one reached. */
const fetchWithoutRedirects: FetchLike = (url, init) => fetch(url, { ...init, redirect: "error" });

/** A transport to a URL being tried: as the pool's, but never following a redirect. */
export function createUrlTransport(spec: LaunchSpec): Transport {
  if (spec.transport === "stdio") throw new Error("a URL transport needs a URL");
  const options = {
    requestInit: { headers: spec.headers },
    // Its server-to-client stream (GET) may be silent for long (long-lived-fetch.ts).
    fetch: withLongLivedGets(fetchWithoutRedirects),
    redirectPolicy: "follow" as const,
  };
  return spec.transport === "sse"
    ? new SSEClientTransport(new URL(spec.url), options)
    : new StreamableHTTPClientTransport(new URL(spec.url), options);
}

/** The launch specs to try for a URL, in order. */
export function urlSpecsOf(target: UrlTarget): LaunchSpec[] {
  const headers = Object.fromEntries(target.headers.map((h) => [h.name, h.value]));
  const kinds =
    target.transport === "auto" ? (["streamable-http", "sse"] as const) : [target.transport];
  return kinds.map((transport) => ({ transport, url: target.url, headers }));
}

function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error, hops = 0; e && hops < 6; e = (e as { cause?: unknown }).cause, hops++)
    chain.push(e);
  return chain;
}

/**
 * Why a URL did not answer as an MCP server, in words that name the failure (refused, not found,
 * an HTTP status, a redirect, a timeout) and never the server's body, our stack or addresses.
 */
export function describeUrlFailure(error: unknown): string {
  const chain = causesOf(error);
  const text = chain.map((e) => (e instanceof Error ? e.message : String(e))).join(" | ");
  const codes = chain.map((e) => (e as { code?: unknown }).code);
  const status = codes.find((c): c is number => typeof c === "number" && c >= 300 && c < 600);
  if (/redirect/i.test(text)) return "the server answered with a redirect, which is not followed";
  // The SSE transport keeps only the text of fetch's failure, so codes are read from it too.
  const has = (code: string) => codes.includes(code) || text.includes(code);
  if (has("ECONNREFUSED")) return "the connection was refused";
  if (has("ENOTFOUND") || has("EAI_AGAIN")) return "the host name could not be resolved";
  if (has("ECONNRESET")) return "the connection was closed by the server";
  if (/bad port/i.test(text)) return "fetch does not allow this port";
  if (codes.some((c) => typeof c === "string" && /CERT|SSL|TLS/.test(c)))
    return "its TLS certificate was not accepted";
  if (codes.includes("UND_ERR_CONNECT_TIMEOUT") || /timed? ?out/i.test(text))
    return "it did not answer in time";
  if (status === 401 || status === 403)
    return `the server answered HTTP ${status}: it needs credentials (add a header)`;
  if (status) return `the server answered HTTP ${status}`;
  const httpStatus = /\b(?:HTTP|status(?: code)?)\s*:?\s*([1-5]\d\d)\b/i.exec(text)?.[1];
  if (httpStatus) return `the server answered HTTP ${httpStatus}`;
  if (/fetch failed/i.test(text)) return "the server could not be reached";
  return "it did not answer as an MCP server";
}
