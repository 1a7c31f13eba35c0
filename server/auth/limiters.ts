import { getEnv } from "@/server/env";
import { getRedis } from "@/server/redis";
import { createFailureLimiter, type FailureLimiter } from "./failure-limiter";

/** The process's sign-in limiters (on globalThis: Next bundles route handlers separately). */
const globalForLimiters = globalThis as unknown as { signInLimiters?: SignInLimiters };

export interface SignInLimiters {
  /** Failed sign-ins per account (e-mail): locks the account for everyone. */
  account: FailureLimiter;
  /** Failed sign-ins per client address, whatever the accounts: stops one client trying many accounts. */
  client: FailureLimiter;
}

export function getSignInLimiters(): SignInLimiters {
  const { signIn } = getEnv();
  globalForLimiters.signInLimiters ??= {
    account: createFailureLimiter({
      maxFailures: signIn.maxFailures,
      windowSeconds: signIn.lockoutSeconds,
      redis: getRedis(),
    }),
    client: createFailureLimiter({
      maxFailures: signIn.maxFailuresPerClient,
      windowSeconds: signIn.lockoutSeconds,
      redis: getRedis(),
      keyPrefix: "signin-failures-client",
    }),
  };
  return globalForLimiters.signInLimiters;
}
