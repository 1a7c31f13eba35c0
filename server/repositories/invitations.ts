import { and, desc, eq, getTableColumns, gt, isNull, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { invitations, tenants, users, type Role } from "@/db/schema";
import { afterCursor, decodeCursor, toPage, type Page } from "./pagination";

export type InvitationRow = typeof invitations.$inferSelect;
/** An invitation as it may leave the server: never its token hash. */
export type InvitationSummary = Omit<InvitationRow, "tokenHash"> & { invitedByName: string | null };

const { tokenHash: _hidden, ...visibleColumns } = getTableColumns(invitations);

export async function insertInvitation(
  db: Db,
  values: {
    tenantId: string;
    email: string | null;
    role: Role;
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<Omit<InvitationRow, "tokenHash">> {
  const [row] = await db.insert(invitations).values(values).returning(visibleColumns);
  return row!;
}

/** Invitations not yet accepted, revoked or expired, newest first. */
export async function listPendingInvitations(
  db: Db,
  query: { tenantId: string; now: Date; cursor?: string | null; limit: number },
): Promise<Page<InvitationSummary>> {
  const filters: (SQL | undefined)[] = [
    eq(invitations.tenantId, query.tenantId),
    isNull(invitations.acceptedAt),
    isNull(invitations.revokedAt),
    gt(invitations.expiresAt, query.now),
  ];
  const cursor = decodeCursor(query.cursor);
  if (cursor) filters.push(afterCursor(invitations, cursor));
  const rows = await db
    .select({ ...visibleColumns, invitedByName: users.name })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(...filters))
    .orderBy(desc(invitations.createdAt), desc(invitations.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit);
}

export async function findInvitation(
  db: Db,
  tenantId: string,
  id: string,
): Promise<InvitationRow | undefined> {
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tenantId, tenantId), eq(invitations.id, id)));
  return row;
}

/** The invitation a link's token opens, with its tenant: the link is the only key, so no tenant scope here. */
export async function findInvitationByTokenHash(db: Db, tokenHash: string) {
  const [row] = await db
    .select({
      invitation: invitations,
      tenant: {
        id: tenants.id,
        name: tenants.name,
        slug: tenants.slug,
        suspendedAt: tenants.suspendedAt,
      },
    })
    .from(invitations)
    .innerJoin(tenants, eq(tenants.id, invitations.tenantId))
    .where(eq(invitations.tokenHash, tokenHash));
  return row;
}

/**
 * Marks a pending invitation used. Conditional, so of two people accepting one link at the same
 * moment only one gets `true`.
 */
export async function markInvitationAccepted(
  db: Db,
  id: string,
  userId: string,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ acceptedAt: at, acceptedBy: userId })
    .where(
      and(
        eq(invitations.id, id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, at),
      ),
    )
    .returning({ id: invitations.id });
  return rows.length > 0;
}

export async function markInvitationRevoked(
  db: Db,
  tenantId: string,
  id: string,
  at: Date,
): Promise<boolean> {
  const rows = await db
    .update(invitations)
    .set({ revokedAt: at })
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        eq(invitations.id, id),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
      ),
    )
    .returning({ id: invitations.id });
  return rows.length > 0;
}
