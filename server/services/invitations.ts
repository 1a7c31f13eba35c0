import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { AppError, conflict, forbidden, notFound } from "@/engine/errors";
import { hashPassword } from "@/server/auth/password";
import { isUniqueViolation } from "@/server/repositories/errors";
import * as repo from "@/server/repositories/invitations";
import { findMember } from "@/server/repositories/members";
import { insertMembership } from "@/server/repositories/tenants";
import { findUserByEmail, insertUser, setLastTenant } from "@/server/repositories/users";
import { withAudit } from "./audit";
import type { RequestMeta, ServiceContext, TenantContext } from "./context";
import { assertMayGrant, roleSchema } from "./members";
import { SUSPENDED_MESSAGE } from "./tenant-limits";

/** How long a link stays valid, in days: the choices the invite dialog offers. */
export const INVITATION_EXPIRY_DAYS = [1, 7, 30] as const;
export const MIN_PASSWORD_LENGTH = 12;

const email = z.string().trim().toLowerCase().pipe(z.email("Enter an e-mail address"));
const token = z
  .string()
  .min(20)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, "This invitation link is not valid.");

export const createInvitationInput = z.object({
  role: roleSchema,
  /** Binds the invitation to one address; without it, whoever has the link may accept it. */
  email: email.optional(),
  expiresInDays: z.literal(INVITATION_EXPIRY_DAYS),
});
export const tokenInput = z.object({ token });
export const signUpInput = z.object({
  token,
  name: z.string().trim().min(1, "Enter your name").max(100, "At most 100 characters"),
  email,
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024, "At most 1,024 characters"),
});

/** Only this hash is stored: the link itself is shown once, to the admin who made it. */
export function hashInvitationToken(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

export type InvitationStatus = "pending" | "accepted" | "revoked" | "expired";

function statusOf(invitation: repo.InvitationRow, now: Date): InvitationStatus {
  if (invitation.revokedAt) return "revoked";
  if (invitation.acceptedAt) return "accepted";
  return invitation.expiresAt <= now ? "expired" : "pending";
}

const CLOSED_MESSAGES: Record<Exclude<InvitationStatus, "pending">, string> = {
  accepted: "This invitation has already been used. Ask an admin of the tenant for a new one.",
  revoked: "This invitation was revoked. Ask an admin of the tenant for a new one.",
  expired: "This invitation has expired. Ask an admin of the tenant for a new one.",
};

async function findByToken(db: Db, value: string) {
  const found = await repo.findInvitationByTokenHash(db, hashInvitationToken(value));
  if (!found)
    throw new AppError(
      "NOT_FOUND",
      "This invitation link is not valid. Check that you copied all of it.",
      { what: "invitation" },
    );
  return found;
}

async function findOpenByToken(db: Db, value: string, now: Date) {
  const found = await findByToken(db, value);
  const status = statusOf(found.invitation, now);
  if (status !== "pending") throw new AppError("CONFLICT", CLOSED_MESSAGES[status], { status });
  // A suspended tenant takes no new members (its admins' pending links wait for the suspension to end).
  if (found.tenant.suspendedAt) throw forbidden(SUSPENDED_MESSAGE);
  return found;
}

// ── administration (member.manage) ──────────────────────────────────────────

export async function createInvitation(
  ctx: TenantContext,
  input: z.infer<typeof createInvitationInput>,
) {
  assertMayGrant(ctx, input.role);
  if (input.email) {
    const existing = await findUserByEmail(ctx.db, input.email);
    if (existing && (await findMember(ctx.db, ctx.tenant.id, existing.id))) {
      throw conflict(`${input.email} is already a member of ${ctx.tenant.name}.`, {
        field: "email",
      });
    }
  }
  const secret = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + input.expiresInDays * 24 * 60 * 60 * 1000);
  return withAudit(ctx, async (tx) => {
    const invitation = await repo.insertInvitation(tx, {
      tenantId: ctx.tenant.id,
      email: input.email ?? null,
      role: input.role,
      tokenHash: hashInvitationToken(secret),
      invitedBy: ctx.actor.userId,
      expiresAt,
    });
    return {
      value: { invitation, token: secret },
      audit: {
        action: "invitation.create",
        targetType: "invitation",
        targetId: invitation.id,
        metadata: {
          name: input.email ?? "anyone with the link",
          role: input.role,
          expiresAt: expiresAt.toISOString(),
        },
      },
    };
  });
}

export function listInvitations(
  ctx: TenantContext,
  page: { cursor?: string | null; limit: number },
) {
  return repo.listPendingInvitations(ctx.db, {
    tenantId: ctx.tenant.id,
    now: new Date(),
    cursor: page.cursor,
    limit: page.limit,
  });
}

export async function revokeInvitation(ctx: TenantContext, id: string) {
  const invitation = await repo.findInvitation(ctx.db, ctx.tenant.id, id);
  if (!invitation) throw notFound("invitation", id);
  const status = statusOf(invitation, new Date());
  if (status === "accepted" || status === "revoked")
    throw conflict(`This invitation was already ${status}.`, { status });
  return withAudit(ctx, async (tx) => {
    if (!(await repo.markInvitationRevoked(tx, ctx.tenant.id, id, new Date())))
      throw conflict("This invitation was just used or revoked.");
    return {
      value: { id },
      audit: {
        action: "invitation.revoke",
        targetType: "invitation",
        targetId: id,
        metadata: { name: invitation.email ?? "anyone with the link", role: invitation.role },
      },
    };
  });
}

// ── the link (public, then signed in) ───────────────────────────────────────

/** What the invitation page shows to whoever holds the link: where it leads, as what, and whether it still works. */
export async function getInvitation(ctx: { db: Db }, value: string) {
  const { invitation, tenant } = await findByToken(ctx.db, value);
  return {
    tenant: { name: tenant.name },
    role: invitation.role,
    email: invitation.email,
    expiresAt: invitation.expiresAt,
    status: statusOf(invitation, new Date()),
  };
}

export type AcceptOutcome = {
  outcome: "joined" | "already-member";
  tenant: { id: string; name: string };
  role: Role;
};

/** Adds the membership, uses up the invitation and makes the tenant the user's current one, audited in the tenant. */
function join(
  ctx: ServiceContext,
  found: Awaited<ReturnType<typeof findByToken>>,
  metadata: Record<string, unknown> = {},
): Promise<AcceptOutcome> {
  const { invitation, tenant } = found;
  return withAudit(ctx, async (tx) => {
    if (!(await repo.markInvitationAccepted(tx, invitation.id, ctx.actor.userId, new Date()))) {
      throw conflict(CLOSED_MESSAGES.accepted);
    }
    await insertMembership(tx, {
      tenantId: tenant.id,
      userId: ctx.actor.userId,
      role: invitation.role,
    });
    await setLastTenant(tx, ctx.actor.userId, tenant.id);
    return {
      value: {
        outcome: "joined",
        tenant: { id: tenant.id, name: tenant.name },
        role: invitation.role,
      },
      audit: {
        tenantId: tenant.id,
        action: "invitation.accept",
        targetType: "user",
        targetId: ctx.actor.userId,
        metadata: {
          name: ctx.actor.email,
          role: invitation.role,
          invitationId: invitation.id,
          ...metadata,
        },
      },
    };
  });
}

function assertBoundTo(invitation: repo.InvitationRow, address: string, whenSignedIn: boolean) {
  if (!invitation.email || invitation.email === address.toLowerCase()) return;
  throw whenSignedIn
    ? forbidden(
        `This invitation is for ${invitation.email}, and you are signed in as ${address}. Sign in as ${invitation.email} to accept it.`,
      )
    : new AppError(
        "INVALID_INPUT",
        `This invitation is for ${invitation.email}: create the account with that e-mail.`,
        { field: "email" },
      );
}

/** A signed-in user accepts. Someone already in the tenant keeps their role: nothing changes. */
export async function acceptInvitation(ctx: ServiceContext, value: string): Promise<AcceptOutcome> {
  const found = await findOpenByToken(ctx.db, value, new Date());
  assertBoundTo(found.invitation, ctx.actor.email, true);
  const existing = await findMember(ctx.db, found.tenant.id, ctx.actor.userId);
  if (existing)
    return {
      outcome: "already-member",
      tenant: { id: found.tenant.id, name: found.tenant.name },
      role: existing.role,
    };
  return join(ctx, found);
}

/**
 * A visitor without an account creates one through the link and joins in the same transaction;
 * the client then signs in with the new password (the tenant is already their current one).
 */
export async function signUpWithInvitation(
  ctx: { db: Db; meta: RequestMeta },
  input: z.infer<typeof signUpInput>,
) {
  const found = await findOpenByToken(ctx.db, input.token, new Date());
  assertBoundTo(found.invitation, input.email, false);
  const accountExists = () =>
    conflict(`There is already an account for ${input.email}: sign in to accept the invitation.`, {
      field: "email",
    });
  if (await findUserByEmail(ctx.db, input.email)) throw accountExists();
  const passwordHash = await hashPassword(input.password);
  try {
    return await ctx.db.transaction(async (tx) => {
      const user = await insertUser(tx, {
        email: input.email,
        name: input.name,
        passwordHash,
        isSuperadmin: false,
      });
      const actor = { userId: user.id, email: user.email, name: user.name, isSuperadmin: false };
      const outcome = await join({ db: tx, actor, meta: ctx.meta }, found, {
        newAccount: true,
      });
      return { ...outcome, email: user.email };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) throw accountExists();
    throw error;
  }
}
