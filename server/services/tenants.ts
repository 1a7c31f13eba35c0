import type { Db } from "@/db/client";
import { forbidden } from "@/engine/errors";
import {
  findMembership,
  findTenantById,
  listAllTenants,
  listTenantsOfUser,
  listMembers,
} from "@/server/repositories/tenants";
import { setLastTenant } from "@/server/repositories/users";
import { withAudit } from "./audit";
import type { ActiveTenant, ServiceContext, TenantContext } from "./context";

/**
 * The tenant a request acts in: the one the session asks for if the user may act there, else the
 * user's first tenant (a membership removed mid-session falls back instead of failing every
 * request). A platform superadmin may act in any tenant, as its owner.
 */
export async function resolveActiveTenant(
  db: Db,
  user: { id: string; isSuperadmin: boolean },
  requestedTenantId: string | null,
): Promise<ActiveTenant | null> {
  if (requestedTenantId) {
    const membership = await findMembership(db, user.id, requestedTenantId);
    if (membership) return membership;
    if (user.isSuperadmin) {
      const tenant = await findTenantById(db, requestedTenantId);
      if (tenant) return { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "owner" };
    }
  }
  const [first] = await listTenantsOfUser(db, user.id);
  if (first) return first;
  if (user.isSuperadmin) {
    const [any] = await listAllTenants(db);
    if (any) return { id: any.id, slug: any.slug, name: any.name, role: "owner" };
  }
  return null;
}

/** The tenants the switcher offers: memberships, or every tenant for a superadmin. */
export async function listMyTenants(ctx: ServiceContext): Promise<ActiveTenant[]> {
  const mine = await listTenantsOfUser(ctx.db, ctx.actor.userId);
  if (!ctx.actor.isSuperadmin) return mine;
  const byId = new Map(mine.map((t) => [t.id, t]));
  return (await listAllTenants(ctx.db)).map(
    (t) => byId.get(t.id) ?? { id: t.id, slug: t.slug, name: t.name, role: "owner" as const },
  );
}

/** Checks that the user may act in a tenant and remembers it as their last one. */
export async function switchTenant(ctx: ServiceContext, tenantId: string): Promise<ActiveTenant> {
  const tenant = await resolveActiveTenant(
    ctx.db,
    { id: ctx.actor.userId, isSuperadmin: ctx.actor.isSuperadmin },
    tenantId,
  );
  if (!tenant || tenant.id !== tenantId) throw forbidden("You are not a member of that tenant.");
  return withAudit({ ...ctx, tenant }, async (tx) => {
    await setLastTenant(tx, ctx.actor.userId, tenant.id);
    return {
      value: tenant,
      audit: { action: "tenant.switch", targetType: "tenant", targetId: tenant.id },
    };
  });
}

export function listTenantMembers(ctx: TenantContext) {
  return listMembers(ctx.db, ctx.tenant.id);
}
