import { getToken } from "next-auth/jwt";
import type { Db } from "@/db/client";
import { getAuthSecret } from "@/server/env";
import { identityFromAuthorization } from "@/server/services/api-tokens";
import { findAppError, toTRPCError } from "./errors";
import type { Identity } from "./trpc";

/** The request's cookies by name, as next-auth's getToken reads them. */
function cookiesOf(request: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at > 0) cookies[part.slice(0, at).trim()] = safeDecode(part.slice(at + 1).trim());
  }
  return cookies;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // not a JWT then: getToken refuses it
  }
}

/**
 * Who a browser request comes from, by its next-auth session cookie (the JWT as next-auth wrote
 * it): the identity route handlers pass to createContext (the tRPC endpoint and the CSV exports
 * alike). Null when signed out or when the cookie names no session (issued before sessions were
 * kept); createContext checks that the session is still live.
 */
export async function readSessionIdentity(request: Request): Promise<Identity | null> {
  const token = await getToken({
    req: { headers: request.headers, cookies: cookiesOf(request) } as never,
    secret: getAuthSecret(),
  });
  if (!token?.sub || !token.sid) return null;
  return { userId: token.sub, tenantId: token.tenantId ?? null, sessionId: token.sid };
}

/**
 * An API token (`Authorization: Bearer mst_…`) when the request sends one, else the session cookie.
 * A bad token is a TRPCError UNAUTHORIZED saying why, never a fall back to the cookie.
 */
export async function identifyRequest(request: Request, db: Db): Promise<Identity | null> {
  try {
    return (
      (await identityFromAuthorization(db, request.headers.get("authorization"))) ??
      (await readSessionIdentity(request))
    );
  } catch (error) {
    const appError = findAppError(error);
    throw appError ? toTRPCError(appError) : error;
  }
}
