import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedQuery } from "@/db/statements";
import { apiTokens, memberships, tenants, users } from "@/db/schema";
import { actingUserColumns } from "./users";

/**
 * Who a trigger acts as, read in one query: its tenant with its standing, the member who made it
 * with their role there, and the API token it was made with. A part that is gone (or was never
 * named) is null; undefined when the tenant is gone.
 */
const triggerActor = preparedQuery("find_trigger_actor", (db) =>
  db
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
    // A null id joins nothing (`= null` is never true).
    .leftJoin(users, eq(users.id, sql.placeholder("userId")))
    .leftJoin(
      memberships,
      and(eq(memberships.tenantId, tenants.id), eq(memberships.userId, users.id)),
    )
    .leftJoin(
      apiTokens,
      and(eq(apiTokens.id, sql.placeholder("tokenId")), eq(apiTokens.tenantId, tenants.id)),
    )
    .where(eq(tenants.id, sql.placeholder("tenantId"))),
);

export async function findTriggerActor(
  db: Db,
  ids: { tenantId: string; userId: string | null; tokenId: string | null },
) {
  const [row] = await triggerActor(db).execute(ids);
  return row;
}
