import { and, desc, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens, users } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type ApiTokenInsert = typeof apiTokens.$inferInsert;

/** A token as it may leave the server: never its hash, with the name of the member who made it. */
export type ApiTokenSummary = Omit<ApiTokenRow, "tokenHash"> & { createdByName: string | null; createdByEmail: string | null };

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
export async function listApiTokens(db: Db, query: { tenantId: string; cursor?: string | null; limit: number }): Promise<Page<ApiTokenSummary>> {
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

export async function findApiTokenSummary(db: Db, tenantId: string, id: string): Promise<ApiTokenSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)));
  return row;
}

/** The token with this hash, in whatever tenant: the hash is what a bearer proves. */
export async function findApiTokenByHash(db: Db, tokenHash: string): Promise<ApiTokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, tokenHash));
  return row;
}

/** Marks a token revoked; returns nothing when it is not this tenant's or was already revoked. */
export async function revokeApiToken(db: Db, tenantId: string, id: string, at: Date): Promise<ApiTokenRow | undefined> {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning();
  return row;
}

/** Records a use, unless one was recorded after `staleBefore` (so busy tokens write at most once a minute). */
export async function touchApiToken(db: Db, id: string, at: Date, staleBefore: Date): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: at })
    .where(and(eq(apiTokens.id, id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))));
}
