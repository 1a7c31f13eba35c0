import { and, eq, gt, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users, userSessions } from "@/db/schema";
import type { UserRow } from "./users";

/** Starts a session for a user, first deleting their sessions that can no longer be used. */
export async function insertUserSession(db: Db, userId: string, expiresAt: Date): Promise<string> {
  await db
    .delete(userSessions)
    .where(
      and(
        eq(userSessions.userId, userId),
        or(isNotNull(userSessions.revokedAt), lte(userSessions.expiresAt, sql`now()`)),
      ),
    );
  const [row] = await db
    .insert(userSessions)
    .values({ userId, expiresAt })
    .returning({ id: userSessions.id });
  return row!.id;
}

/** Ends one session of a user; false when it was not live. */
export async function revokeUserSession(
  db: Db,
  userId: string,
  sessionId: string,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: at })
    .where(
      and(
        eq(userSessions.id, sessionId),
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
      ),
    )
    .returning({ id: userSessions.id });
  return rows.length > 0;
}

/** Ends every live session of a user, but `exceptId` when given; returns how many ended. */
export async function revokeUserSessions(
  db: Db,
  userId: string,
  at: Date,
  exceptId?: string,
): Promise<number> {
  const rows = await db
    .update(userSessions)
    .set({ revokedAt: at })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, sql`now()`),
        exceptId ? ne(userSessions.id, exceptId) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return rows.length;
}

/**
 * A user and whether one of their sessions is live (not revoked, not expired), in one query: the
 * check every cookie-authenticated request makes.
 */
export async function findUserWithSession(
  db: Db,
  userId: string,
  sessionId: string,
): Promise<(UserRow & { isSessionLive: boolean }) | undefined> {
  const [row] = await db
    .select({ user: users, liveSessionId: userSessions.id })
    .from(users)
    .leftJoin(
      userSessions,
      and(
        eq(userSessions.id, sessionId),
        eq(userSessions.userId, users.id),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, sql`now()`),
      ),
    )
    .where(eq(users.id, userId));
  return row ? { ...row.user, isSessionLive: row.liveSessionId !== null } : undefined;
}
