import { z } from "zod";
import type { Db } from "@/db/client";
import { getDummyHash, verifyPassword } from "@/server/auth/password";
import type { FailureLimiter } from "@/server/auth/failure-limiter";
import { insertAuditLog } from "@/server/repositories/audit";
import { listTenantsOfUser } from "@/server/repositories/tenants";
import { findUserByEmail } from "@/server/repositories/users";
import type { RequestMeta } from "./context";

export const credentialsInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email("Enter an e-mail address")),
  password: z.string().min(1, "Enter your password").max(1024),
});

/** The one message for an unknown e-mail and a wrong password alike: it must not reveal which. */
export const WRONG_CREDENTIALS = "Wrong e-mail or password.";

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string }; tenantId: string | null }
  | { ok: false; message: string; retryAfterSeconds?: number };

function lockedMessage(what: "account" | "client", seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  const from = what === "account" ? "for this account" : "from your network";
  return `Too many failed sign-ins ${from}. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/**
 * Checks an e-mail and password. Failures are counted per account (`limiter`: the account locks)
 * and per client address (`clientLimiter`: one client cannot try many accounts); a success clears
 * the account's count only, or a guesser could clear their own by signing into an account of theirs.
 * Every attempt, good or bad, is audited.
 */
export async function signInWithPassword(
  deps: { db: Db; limiter: FailureLimiter; clientLimiter: FailureLimiter },
  credentials: unknown,
  meta: RequestMeta,
): Promise<SignInResult> {
  const parsed = credentialsInput.safeParse(credentials);
  if (!parsed.success) return { ok: false, message: WRONG_CREDENTIALS };
  const { email, password } = parsed.data;
  const { db, limiter, clientLimiter } = deps;
  // Clients whose address is unknown (no proxy header) share one count.
  const client = meta.ip ?? "unknown";

  const audit = (
    action: string,
    user: { id: string; lastTenantId: string | null } | undefined,
    reason?: string,
  ) =>
    insertAuditLog(db, {
      tenantId: user?.lastTenantId ?? null,
      actorUserId: user?.id ?? null,
      actorLabel: email,
      action,
      metadata: reason ? { reason } : {},
      ip: meta.ip,
      userAgent: meta.userAgent,
    });

  const [clientWait, accountWait] = await Promise.all([
    clientLimiter.retryAfter(client),
    limiter.retryAfter(email),
  ]);
  const user = await findUserByEmail(db, email);
  if (clientWait > 0) {
    await audit("auth.signin.failure", user, "client-throttled");
    return {
      ok: false,
      message: lockedMessage("client", clientWait),
      retryAfterSeconds: clientWait,
    };
  }
  if (accountWait > 0) {
    await audit("auth.signin.failure", user, "locked");
    return {
      ok: false,
      message: lockedMessage("account", accountWait),
      retryAfterSeconds: accountWait,
    };
  }

  // Hash even when there is no such user, so the answer takes as long either way.
  const isValid = await verifyPassword(password, user?.passwordHash ?? (await getDummyHash()));
  if (!user || !user.passwordHash || !isValid || user.disabledAt) {
    await Promise.all([limiter.recordFailure(email), clientLimiter.recordFailure(client)]);
    await audit(
      "auth.signin.failure",
      user,
      !user ? "unknown-email" : user.disabledAt ? "disabled" : "wrong-password",
    );
    return { ok: false, message: WRONG_CREDENTIALS };
  }

  await limiter.reset(email);
  const tenants = await listTenantsOfUser(db, user.id);
  const tenantId = tenants.find((t) => t.id === user.lastTenantId)?.id ?? tenants[0]?.id ?? null;
  await audit("auth.signin.success", { id: user.id, lastTenantId: tenantId });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name }, tenantId };
}
