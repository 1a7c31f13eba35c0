import { z } from "zod";
import { ROLES, type Role } from "@/db/schema";
import { AppError, forbidden, notFound } from "@/engine/errors";
import type { Tx } from "@/db/client";
import * as repo from "@/server/repositories/members";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

export const roleSchema = z.enum(ROLES);
export const changeRoleInput = z.object({ userId: z.uuid(), role: roleSchema });
export const removeMemberInput = z.object({ userId: z.uuid() });

const POWERFUL: Role[] = ["admin", "owner"];

/**
 * The rules for granting a role: only an owner (or a superadmin, who acts as owner) makes owners,
 * and an API token never grants admin or owner (a leaked token must not hand out the tenant).
 */
export function assertMayGrant(ctx: TenantContext, role: Role): void {
  if (role === "owner" && ctx.tenant.role !== "owner")
    throw forbidden("Only an owner can make someone an owner.");
  if (ctx.meta.apiToken && POWERFUL.includes(role))
    throw forbidden(`An API token cannot grant the ${role} role: sign in to do that.`);
}

const lastOwner = (what: "removed" | "demoted") =>
  new AppError("CONFLICT", `The last owner cannot be ${what}: make another member owner first.`, {
    reason: "last-owner",
  });

/** Members of the active tenant with their role and when they joined, a page at a time. */
export function listMembers(ctx: TenantContext, page: { cursor?: string | null; limit: number }) {
  return repo.listMembersPage(ctx.db, {
    tenantId: ctx.tenant.id,
    cursor: page.cursor,
    limit: page.limit,
  });
}

/** Finds the member an admin wants to change and applies the rules every change shares. */
async function memberToChange(ctx: TenantContext, userId: string, verb: "change" | "remove") {
  if (userId === ctx.actor.userId) {
    throw forbidden(
      verb === "change"
        ? "You cannot change your own role: ask another admin or owner."
        : "You cannot remove yourself: ask another admin or owner.",
    );
  }
  const member = await repo.findMember(ctx.db, ctx.tenant.id, userId);
  if (!member) throw notFound("member", userId);
  if (member.role === "owner" && ctx.tenant.role !== "owner") {
    throw forbidden(`Only an owner can ${verb} an owner (${member.name}).`);
  }
  if (ctx.meta.apiToken && POWERFUL.includes(member.role)) {
    throw forbidden(
      `An API token cannot ${verb} an ${member.role} (${member.name}): sign in to do that.`,
    );
  }
  return member;
}

/**
 * Inside the change's transaction, with the tenant's owners locked: the member's role as it is now
 * (someone may have made them owner a moment ago), the owner-only rule again, and the last owner.
 */
async function assertOwnersStay(
  tx: Tx,
  ctx: TenantContext,
  member: { userId: string; name: string },
  what: "removed" | "demoted",
) {
  const owners = await repo.lockOwnerIds(tx, ctx.tenant.id);
  if (!owners.includes(member.userId)) return;
  if (ctx.tenant.role !== "owner")
    throw forbidden(`Only an owner can change an owner (${member.name}).`);
  if (owners.length === 1) throw lastOwner(what);
}

export async function changeMemberRole(ctx: TenantContext, input: z.infer<typeof changeRoleInput>) {
  const member = await memberToChange(ctx, input.userId, "change");
  assertMayGrant(ctx, input.role);
  if (member.role === input.role) return member;
  return withAudit(ctx, async (tx) => {
    await assertOwnersStay(tx, ctx, member, "demoted");
    if (!(await repo.updateMemberRole(tx, ctx.tenant.id, member.userId, input.role)))
      throw notFound("member", member.userId);
    return {
      value: { ...member, role: input.role },
      audit: {
        action: "member.role_change",
        targetType: "user",
        targetId: member.userId,
        metadata: { name: member.email, from: member.role, to: input.role },
      },
    };
  });
}

/**
 * Removes a member from the tenant (the account stays); their API tokens here and the invitations
 * they made that are still pending are revoked with it (no way back in through their own link).
 */
export async function removeMember(ctx: TenantContext, input: z.infer<typeof removeMemberInput>) {
  const member = await memberToChange(ctx, input.userId, "remove");
  return withAudit(ctx, async (tx) => {
    await assertOwnersStay(tx, ctx, member, "removed");
    if (!(await repo.deleteMember(tx, ctx.tenant.id, member.userId)))
      throw notFound("member", member.userId);
    const revokedTokens = await repo.revokeMemberApiTokens(
      tx,
      ctx.tenant.id,
      member.userId,
      new Date(),
    );
    const revokedInvitations = await repo.revokeMemberInvitations(
      tx,
      ctx.tenant.id,
      member.userId,
      new Date(),
    );
    return {
      value: { userId: member.userId },
      audit: {
        action: "member.remove",
        targetType: "user",
        targetId: member.userId,
        metadata: { name: member.email, role: member.role, revokedTokens, revokedInvitations },
      },
    };
  });
}
