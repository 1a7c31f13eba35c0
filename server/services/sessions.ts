import { z } from "zod";
import type { Db } from "@/db/client";
import { AppError } from "@/engine/errors";
import type { FailureLimiter } from "@/server/auth/failure-limiter";
import { hashPassword, verifyPassword } from "@/server/auth/password";
import { insertAuditLog } from "@/server/repositories/audit";
import {
  findUserWithSession,
  insertUserSession,
  revokeUserSession,
  revokeUserSessions,
} from "@/server/repositories/sessions";
import { findUserById, setPasswordHash } from "@/server/repositories/users";
import { withAudit } from "./audit";
import type { ServiceContext } from "./context";
import { MIN_PASSWORD_LENGTH } from "./invitations";

/**
 * Browser sessions. The next-auth JWT names its session (`sid`); a cookie is honoured only while
 * that session's row is live (server/repositories/sessions.ts), so a session ends for good when
 * its row is revoked, whatever the cookie says. The cookie rolls for 7 days of inactivity; the
 * session itself ends SESSION_LIFETIME_DAYS after sign-in whatever happens.
 */
export const SESSION_LIFETIME_DAYS = 30;

/** Called once per sign-in (next-auth's jwt callback): the id the JWT carries as `sid`. */
export function startSession(db: Db, userId: string, now = new Date()): Promise<string> {
  return insertUserSession(
    db,
    userId,
    new Date(now.getTime() + SESSION_LIFETIME_DAYS * 24 * 60 * 60 * 1000),
  );
}

/** True when a cookie's session may act: the user exists, is not disabled, and the session is live. */
export async function isSessionLive(
  db: Db,
  token: { sub?: string; sid?: string },
): Promise<boolean> {
  if (
    !token.sub ||
    !token.sid ||
    !z.uuid().safeParse(token.sid).success ||
    !z.uuid().safeParse(token.sub).success
  )
    return false;
  const user = await findUserWithSession(db, token.sub, token.sid);
  return Boolean(user && !user.disabledAt && user.isSessionLive);
}

/** Sign-out (next-auth's signOut event): this session ends, the user's others go on. Audited. */
export async function endSession(
  db: Db,
  token: { sub?: string; sid?: string; email?: string | null; tenantId?: string | null },
): Promise<void> {
  if (!token.sub || !z.uuid().safeParse(token.sub).success) return;
  if (token.sid && z.uuid().safeParse(token.sid).success)
    await revokeUserSession(db, token.sub, token.sid, new Date());
  await insertAuditLog(db, {
    actorUserId: token.sub,
    actorLabel: token.email ?? token.sub,
    action: "auth.signout",
    tenantId: token.tenantId ?? null,
  });
}

/** "Sign out everywhere": every session of the caller ends, this one too. */
export function signOutEverywhere(ctx: ServiceContext): Promise<{ ended: number }> {
  return withAudit(ctx, async (tx) => {
    const ended = await revokeUserSessions(tx, ctx.actor.userId, new Date());
    return {
      value: { ended },
      audit: {
        action: "auth.signout_everywhere",
        targetType: "user",
        targetId: ctx.actor.userId,
        metadata: { ended },
      },
    };
  });
}

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password").max(1024),
  newPassword: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`)
    .max(1024, "At most 1,024 characters"),
});

/**
 * Changes the caller's password after checking the current one (wrong guesses count towards the
 * account's sign-in lock), and ends every other session of theirs: whoever held an old cookie is
 * signed out. The session it was changed from goes on.
 */
export async function changePassword(
  ctx: ServiceContext,
  input: z.infer<typeof changePasswordInput>,
  deps: { limiter: FailureLimiter },
): Promise<{ endedSessions: number }> {
  const user = await findUserById(ctx.db, ctx.actor.userId);
  if (!user?.passwordHash)
    throw new AppError(
      "FORBIDDEN",
      "This account signs in through a provider and has no password here.",
    );
  const key = user.email.toLowerCase();
  const waitSeconds = await deps.limiter.retryAfter(key);
  if (waitSeconds > 0) {
    throw new AppError(
      "RATE_LIMITED",
      `Too many wrong passwords. Try again in ${Math.ceil(waitSeconds / 60)} minutes.`,
      { retryAfterSeconds: waitSeconds },
    );
  }
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    await deps.limiter.recordFailure(key);
    await insertAuditLog(ctx.db, {
      actorUserId: user.id,
      actorLabel: user.email,
      action: "auth.password_change.failure",
      metadata: { reason: "wrong-password" },
      ip: ctx.meta.ip,
      userAgent: ctx.meta.userAgent,
    });
    throw new AppError("INVALID_INPUT", "That is not your current password.", {
      field: "currentPassword",
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return withAudit({ ...ctx, tenant: undefined }, async (tx) => {
    await setPasswordHash(tx, user.id, passwordHash);
    const endedSessions = await revokeUserSessions(tx, user.id, new Date(), ctx.meta.sessionId);
    return {
      value: { endedSessions },
      audit: {
        action: "auth.password_change",
        targetType: "user",
        targetId: user.id,
        tenantId: null,
        metadata: { endedSessions },
      },
    };
  });
}
