import { getServerSession } from "next-auth";
import type { Db } from "@/db/client";
import { getAuthOptions } from "@/server/auth/options";
import { identityFromAuthorization } from "@/server/services/api-tokens";
import { findAppError, toTRPCError } from "./errors";
import type { Identity } from "./trpc";

/**
 * Who a browser request comes from, by its next-auth session cookie: the identity route handlers
 * pass to createContext (the tRPC endpoint and the CSV exports alike). Null when signed out.
 */
export async function readSessionIdentity(): Promise<Identity | null> {
  const session = await getServerSession(getAuthOptions());
  return session?.user.id ? { userId: session.user.id, tenantId: session.tenantId } : null;
}

/**
 * An API token (`Authorization: Bearer mst_…`) when the request sends one, else the session cookie.
 * A bad token is a TRPCError UNAUTHORIZED saying why, never a fall back to the cookie.
 */
export async function identifyRequest(request: Request, db: Db): Promise<Identity | null> {
  try {
    return (await identityFromAuthorization(db, request.headers.get("authorization"))) ?? (await readSessionIdentity());
  } catch (error) {
    const appError = findAppError(error);
    throw appError ? toTRPCError(appError) : error;
  }
}
