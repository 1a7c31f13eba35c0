import type { Db } from "@/db/client";
import { forbidden } from "@/engine/errors";
import { hasPermission } from "@/server/auth/permissions";
import { findTriggerActor } from "@/server/repositories/trigger-actor";
import type { TenantStanding } from "@/server/repositories/tenant-limits";
import type { RequestMeta, TenantContext } from "./context";

/**
 * The context a trigger (webhook, schedule, MCP tool call) starts runs in. Like an API token, a
 * trigger acts as the member who made it, with that member's current role: when the member leaves,
 * is disabled or may no longer run workflows, or the tenant is suspended, the trigger is refused
 * with a message that says why, rather than running with rights nobody holds any more. A trigger
 * made with an API token lives no longer than that token: once it is revoked or expires, the
 * trigger is refused too (a token handed to a script must not leave schedules behind it).
 * All of it is read in one query, with the tenant's standing (limits, suspension).
 */
export async function contextForTrigger(
  db: Db,
  trigger: { tenantId: string; createdBy: string | null; createdByTokenId: string | null },
  meta: RequestMeta,
  now = new Date(),
): Promise<TenantContext & { standing: TenantStanding }> {
  const actor = await findTriggerActor(db, {
    tenantId: trigger.tenantId,
    userId: trigger.createdBy,
    tokenId: trigger.createdByTokenId,
  });
  const tenant = actor?.tenant;
  const user = actor?.user;
  const token = actor?.token;
  const role = actor?.role;
  if (trigger.createdByTokenId) {
    const name = token ? `"${token.name}"` : "";
    if (!token || token.revokedAt)
      throw forbidden(
        `The API token ${name} this trigger was made with was revoked: an editor must make the trigger again.`,
      );
    if (token.expiresAt && token.expiresAt <= now)
      throw forbidden(
        `The API token ${name} this trigger was made with expired: an editor must make the trigger again.`,
      );
  }
  if (!tenant) throw forbidden("The tenant of this trigger no longer exists.");
  if (tenant.suspendedAt)
    throw forbidden(`The tenant ${tenant.name} is suspended: its triggers are refused.`);
  if (!user || user.disabledAt || !role) {
    throw forbidden(
      "The member who made this trigger is no longer in the tenant: an editor must make it again.",
    );
  }
  if (!hasPermission(role, "workflow.run")) {
    throw forbidden(
      `The member who made this trigger is now ${role} and may not run workflows: an editor must make it again.`,
    );
  }
  return {
    db,
    actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: user.isSuperadmin },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role },
    meta,
    // Read with the tenant above: the rate limit check needs no query of its own.
    standing: { limits: tenant.limits, suspendedAt: tenant.suspendedAt },
  };
}
