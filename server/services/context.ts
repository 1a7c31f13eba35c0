import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  /** The API token the request authenticated with, if any (the audit log names it). */
  apiToken?: { id: string; name: string };
  /** The browser session (next-auth JWT `sid`) the request came with; absent for API tokens. */
  sessionId?: string;
}

export interface Actor {
  userId: string;
  email: string;
  name: string;
  isSuperadmin: boolean;
}

export interface ActiveTenant {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

/** What every use case gets: the database, who is acting, and where. */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  meta: RequestMeta;
}

/** A use case inside one tenant: the tenant always comes from the session, never from input. */
export interface TenantContext extends ServiceContext {
  tenant: ActiveTenant;
}
