/** Who is calling (a session cookie or an API token, as the route handler read it) and the user it names. */
import { z } from "zod";
import type { Db } from "@/db/client";
import { findUserWithSession } from "@/server/repositories/sessions";
import type { TenantStanding } from "@/server/repositories/tenant-limits";
import { findUserById } from "@/server/repositories/users";
import type { ActiveTenant, Actor } from "./context";

/** Who is calling, as the route handler established it (session cookie or API token) or a test states it. */
export interface Identity {
  userId: string;
  /** The tenant the session asked for; verified against memberships below, never trusted. */
  tenantId: string | null;
  /** Set when the caller authenticated with an API token: it may do only what its scopes allow. */
  apiToken?: ApiTokenIdentity;
  /**
   * The browser session (next-auth JWT `sid`) a cookie named: the request is signed out unless
   * that session is still live (not ended by sign-out, "sign out everywhere" or a password change).
   */
  sessionId?: string;
  /**
   * The account and tenant membership as the authentication just read and checked them (an API
   * token's one query), so the context need not read them again in the same request.
   */
  verified?: { actor: Actor; tenant: ActiveTenant; standing?: TenantStanding };
}

export interface ApiTokenIdentity {
  id: string;
  name: string;
  scopes: readonly string[];
}

/** The identity's user; for a session cookie, only while that session is live (one query either way). */
export async function findIdentityUser(db: Db, identity: Identity) {
  if (identity.sessionId === undefined) return findUserById(db, identity.userId);
  if (!isUuid(identity.userId) || !isUuid(identity.sessionId)) return undefined;
  const user = await findUserWithSession(db, identity.userId, identity.sessionId);
  return user?.isSessionLive ? user : undefined;
}

const isUuid = (value: string) => z.uuid().safeParse(value).success;
