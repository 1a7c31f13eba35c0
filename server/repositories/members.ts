import { and, asc, eq, isNull, type SQL } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { apiTokens, invitations, memberships, users, type Role } from "@/db/schema";
import { afterCursor, decodeCursor, encodeCursor, type Page } from "./pagination";

export interface MemberRow {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: Date;
}

const memberColumns = {
  userId: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  joinedAt: memberships.createdAt,
};

/** A tenant's members, longest-standing first (the founding owner on top), a page at a time. */
export async function listMembersPage(
  db: Db,
  query: { tenantId: string; cursor?: string | null; limit: number },
): Promise<Page<MemberRow>> {
  const filters: (SQL | undefined)[] = [eq(memberships.tenantId, query.tenantId)];
  const cursor = decodeCursor(query.cursor);
  if (cursor) {
    filters.push(
      afterCursor({ createdAt: memberships.createdAt, id: memberships.userId }, cursor, {
        order: "asc",
        scope: eq(memberships.tenantId, query.tenantId),
      }),
    );
  }
  const rows = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(...filters))
    .orderBy(asc(memberships.createdAt), asc(memberships.userId))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ createdAt: last.joinedAt, id: last.userId })
        : null,
  };
}

export async function findMember(
  db: Db,
  tenantId: string,
  userId: string,
): Promise<MemberRow | undefined> {
  const [row] = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
  return row;
}

/**
 * The tenant's owners, locked until the transaction ends: two owners demoting each other at the
 * same moment cannot both see "another owner remains".
 */
export async function lockOwnerIds(db: Tx, tenantId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, "owner")))
    .for("update");
  return rows.map((r) => r.userId);
}

export async function updateMemberRole(
  db: Db,
  tenantId: string,
  userId: string,
  role: Role,
): Promise<boolean> {
  const rows = await db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

export async function deleteMember(db: Db, tenantId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .returning({ userId: memberships.userId });
  return rows.length > 0;
}

/** A removed member's API tokens in the tenant stop working with the membership. Returns how many. */
export async function revokeMemberApiTokens(
  db: Db,
  tenantId: string,
  userId: string,
  at: Date,
): Promise<number> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: at })
    .where(
      and(
        eq(apiTokens.tenantId, tenantId),
        eq(apiTokens.userId, userId),
        isNull(apiTokens.revokedAt),
      ),
    )
    .returning({ id: apiTokens.id });
  return rows.length;
}

/** Revokes the pending invitations a member made in a tenant; returns how many. */
export async function revokeMemberInvitations(
  db: Db,
  tenantId: string,
  userId: string,
  at: Date,
): Promise<number> {
  const rows = await db
    .update(invitations)
    .set({ revokedAt: at })
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        eq(invitations.invitedBy, userId),
        isNull(invitations.revokedAt),
        isNull(invitations.acceptedAt),
      ),
    )
    .returning({ id: invitations.id });
  return rows.length;
}
