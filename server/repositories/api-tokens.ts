import { and, desc, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens, memberships, tenants, users, type Role } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";
import type { TenantStanding } from "./tenant-limits";
import { actingUserColumns } from "./users";

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type ApiTokenInsert = typeof apiTokens.$inferInsert;

/** A token as it may leave the server: never its hash, with the name of the member who made it. */
export type ApiTokenSummary = Omit<ApiTokenRow, "tokenHash"> & {
  createdByName: string | null;
  createdByEmail: string | null;
};

const summaryColumns = {
  id: apiTokens.id,
  tenantId: apiTokens.tenantId,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scopes: apiTokens.scopes,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
  createdAt: apiTokens.createdAt,
  createdByName: users.name,
  createdByEmail: users.email,
};

export async function insertApiToken(db: Db, values: ApiTokenInsert): Promise<ApiTokenRow> {
  const [row] = await db.insert(apiTokens).values(values).returning();
  return row!;
}

/** A tenant's tokens, newest first, a page at a time. */
export async function listApiTokens(
  db: Db,
  query: { tenantId: string; cursor?: string | null; limit: number },
): Promise<Page<ApiTokenSummary>> {
  const filters: (SQL | undefined)[] = [eq(apiTokens.tenantId, query.tenantId)];
  const cursor = decodeCursor(query.cursor);
  if (cursor) {
    filters.push(afterCursor(apiTokens, cursor));
  }
  const rows = await db
    .select(summaryColumns)
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(and(...filters))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit);
}

export async function findApiTokenSummary(
  db: Db,
  tenantId: string,
  id: string,
): Promise<ApiTokenSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)));
  return row;
}

/** The token with this hash, in whatever tenant: the hash is what a bearer proves. */
/** A token with the account that made it and that account's role in the token's tenant (null when it left). */
export type ApiTokenWithHolder = ApiTokenRow & {
  user: {
    id: string;
    email: string;
    name: string;
    isSuperadmin: boolean;
    disabledAt: Date | null;
  } | null;
  tenant: { id: string; slug: string; name: string } | null;
  role: Role | null;
  /** The tenant's limits and suspension, which every request checks next (read here: one query, not two). */
  standing: TenantStanding | null;
};

/** Reads a token, its creator, the creator's membership and the tenant's standing in one query: every API request's first step. */
export async function findApiTokenWithHolder(
  db: Db,
  tokenHash: string,
): Promise<ApiTokenWithHolder | undefined> {
  const [row] = await db
    .select({
      token: apiTokens,
      user: actingUserColumns,
      tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name },
      standing: { limits: tenants.limits, suspendedAt: tenants.suspendedAt },
      role: memberships.role,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(tenants, eq(tenants.id, apiTokens.tenantId))
    .leftJoin(
      memberships,
      and(eq(memberships.userId, apiTokens.userId), eq(memberships.tenantId, apiTokens.tenantId)),
    )
    .where(eq(apiTokens.tokenHash, tokenHash));
  return row
    ? { ...row.token, user: row.user, tenant: row.tenant, role: row.role, standing: row.standing }
    : undefined;
}

/** Marks a token revoked; returns nothing when it is not this tenant's or was already revoked. */
export async function revokeApiToken(
  db: Db,
  tenantId: string,
  id: string,
  at: Date,
): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return row;
}

/** Records a use, unless one was recorded after `staleBefore` (so busy tokens write at most once a minute). */
export async function touchApiToken(
  db: Db,
  id: string,
  at: Date,
  staleBefore: Date,
): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: at })
    .where(
      and(
        eq(apiTokens.id, id),
        or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore)),
      ),
    );
}
