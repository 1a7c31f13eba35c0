import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens, memberships, tenants, users } from "@/db/schema";
import { actingUserColumns } from "./users";

/**
 * Who a trigger acts as, read in one query: its tenant with its standing, the member who made it
 * with their role there, and the API token it was made with. A part that is gone (or was never
 * named) is null; undefined when the tenant is gone.
 */
export async function findTriggerActor(
  db: Db,
  ids: { tenantId: string; userId: string | null; tokenId: string | null },
) {
  const [row] = await db
    .select({
      tenant: {
        id: tenants.id,
        slug: tenants.slug,
        name: tenants.name,
        limits: tenants.limits,
        suspendedAt: tenants.suspendedAt,
      },
      user: actingUserColumns,
      role: memberships.role,
      token: {
        name: apiTokens.name,
        revokedAt: apiTokens.revokedAt,
        expiresAt: apiTokens.expiresAt,
      },
    })
    .from(tenants)
    .leftJoin(users, ids.userId ? eq(users.id, ids.userId) : sql`false`)
    .leftJoin(
      memberships,
      and(eq(memberships.tenantId, tenants.id), eq(memberships.userId, users.id)),
    )
    .leftJoin(
      apiTokens,
      ids.tokenId
        ? and(eq(apiTokens.id, ids.tokenId), eq(apiTokens.tenantId, tenants.id))
        : sql`false`,
    )
    .where(eq(tenants.id, ids.tenantId));
  return row;
}
