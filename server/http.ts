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
