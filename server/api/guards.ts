import type { Actor } from "@/server/services/context";
import { checkRequestAllowed } from "@/server/services/tenant-limits";
import type { Access, Context } from "./trpc";

/**
 * A change inside the tenant: any permission but a read (".view"). Signed-in and platform
 * procedures act outside the tenant, so a suspension does not stop them.
 */
export function isTenantChange(access: Access): boolean {
  return (
    access !== "public" &&
    access !== "signed-in" &&
    access !== "platform" &&
    !access.endsWith(".view")
  );
}

/**
 * Checks that run before every signed-in procedure, after authentication and before the
 * permission check: request rate limits (per member and per API token) and tenant suspension.
 * Throws an AppError (RATE_LIMITED → 429, FORBIDDEN for a suspended tenant) with a clear message.
 */
export async function guardRequest(ctx: Context & { actor: Actor }, access: Access): Promise<void> {
  await checkRequestAllowed(
    {
      db: ctx.db,
      userId: ctx.actor.userId,
      tenantId: ctx.tenant?.id ?? null,
      apiTokenId: ctx.apiToken?.id ?? null,
      standing: ctx.standing,
    },
    isTenantChange(access),
  );
}
