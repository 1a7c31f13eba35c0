import { z } from "zod";
import { AppError, conflict, notFound } from "@/engine/errors";
import { isUniqueViolation } from "@/server/repositories/errors";
import { pageInput } from "@/server/repositories/pagination";
import * as repo from "@/server/repositories/platform-tenants";
import { findTenantById, insertMembership, insertTenant } from "@/server/repositories/tenants";
import { findUserByEmail } from "@/server/repositories/users";
import { withAudit } from "./audit";
import type { ServiceContext } from "./context";

/** Platform administration: every tenant, for superadmins (who need not be members of any). */

export const tenantName = z
  .string()
  .trim()
  .min(1, "Give the tenant a name")
  .max(80, "At most 80 characters");
export const tenantSlug = z
  .string()
  .trim()
  .min(2, "At least 2 characters")
  .max(48, "At most 48 characters")
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    "Lower-case letters and digits, words joined by single hyphens (e.g. acme-research)",
  );

export const listTenantsInput = pageInput.extend({ search: z.string().trim().max(120).optional() });
export const createTenantInput = z.object({
  name: tenantName,
  slug: tenantSlug,
  /** The owner: an existing account's e-mail; without it, the platform admin creating the tenant. */
  ownerEmail: z.string().trim().toLowerCase().pipe(z.email("Enter an e-mail address")).optional(),
});
export const renameTenantInput = z.object({ id: z.uuid(), name: tenantName });
export const setSuspendedInput = z.object({ id: z.uuid(), suspended: z.boolean() });
export const deleteTenantInput = z.object({ id: z.uuid(), confirmName: z.string().max(200) });

/** The first day of the current UTC month, as usage records store days. */
function monthStart(now = new Date()): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

export function listTenants(ctx: ServiceContext, input: z.infer<typeof listTenantsInput>) {
  return repo.listTenantsWithUsage(ctx.db, { ...input, monthStart: monthStart() });
}

async function tenantOf(ctx: ServiceContext, id: string) {
  const tenant = await findTenantById(ctx.db, id);
  if (!tenant) throw notFound("tenant", id);
  return tenant;
}

export async function createTenant(ctx: ServiceContext, input: z.infer<typeof createTenantInput>) {
  const owner = input.ownerEmail ? await findUserByEmail(ctx.db, input.ownerEmail) : undefined;
  if (input.ownerEmail && !owner) {
    throw new AppError(
      "INVALID_INPUT",
      `There is no account for ${input.ownerEmail}. Leave it empty to be the owner yourself, then invite them.`,
      {
        field: "ownerEmail",
      },
    );
  }
  const ownerId = owner?.id ?? ctx.actor.userId;
  try {
    return await withAudit(ctx, async (tx) => {
      const tenant = await insertTenant(tx, { name: input.name, slug: input.slug });
      await insertMembership(tx, { tenantId: tenant.id, userId: ownerId, role: "owner" });
      return {
        value: tenant,
        audit: {
          tenantId: tenant.id,
          action: "tenant.create",
          targetType: "tenant",
          targetId: tenant.id,
          metadata: {
            name: tenant.name,
            slug: tenant.slug,
            owner: owner?.email ?? ctx.actor.email,
          },
        },
      };
    });
  } catch (error) {
    if (isUniqueViolation(error, "tenants_slug_unique"))
      throw conflict(`The slug "${input.slug}" is taken by another tenant.`, { field: "slug" });
    throw error;
  }
}

export async function renameTenant(ctx: ServiceContext, input: z.infer<typeof renameTenantInput>) {
  const before = await tenantOf(ctx, input.id);
  return withAudit(ctx, async (tx) => {
    const tenant = await repo.updateTenant(tx, input.id, { name: input.name });
    if (!tenant) throw notFound("tenant", input.id);
    return {
      value: tenant,
      audit: {
        tenantId: tenant.id,
        action: "tenant.rename",
        targetType: "tenant",
        targetId: tenant.id,
        metadata: { name: tenant.name, from: before.name },
      },
    };
  });
}

/** Suspends or resumes a tenant; what a suspension blocks is decided on every request (server/api/guards.ts). */
export async function setTenantSuspended(
  ctx: ServiceContext,
  input: z.infer<typeof setSuspendedInput>,
) {
  const before = await tenantOf(ctx, input.id);
  if (Boolean(before.suspendedAt) === input.suspended) return before;
  return withAudit(ctx, async (tx) => {
    const tenant = await repo.updateTenant(tx, input.id, {
      suspendedAt: input.suspended ? new Date() : null,
    });
    if (!tenant) throw notFound("tenant", input.id);
    return {
      value: tenant,
      audit: {
        tenantId: tenant.id,
        action: input.suspended ? "tenant.suspend" : "tenant.resume",
        targetType: "tenant",
        targetId: tenant.id,
        metadata: { name: tenant.name },
      },
    };
  });
}

/**
 * Deletes a tenant and, through the cascades, all of its data, including its own audit log. So the
 * deletion is recorded outside any tenant (tenantId null), after the delete, naming what went.
 */
export async function deleteTenant(ctx: ServiceContext, input: z.infer<typeof deleteTenantInput>) {
  const tenant = await tenantOf(ctx, input.id);
  if (input.confirmName.trim() !== tenant.name) {
    throw new AppError("INVALID_INPUT", `Type the tenant's name, ${tenant.name}, to confirm.`, {
      field: "confirmName",
    });
  }
  return withAudit(ctx, async (tx) => {
    const deleted = await repo.deleteTenant(tx, tenant.id);
    if (!deleted) throw notFound("tenant", tenant.id);
    return {
      value: { id: deleted.id, name: deleted.name },
      audit: {
        tenantId: null,
        action: "tenant.delete",
        targetType: "tenant",
        targetId: deleted.id,
        metadata: { name: deleted.name, slug: deleted.slug },
      },
    };
  });
}
