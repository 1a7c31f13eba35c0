/**
 * A count of changes to who may do what in this process: an API token revoked, a member removed or
 * their role changed, a tenant suspended or resumed, its limits changed, a password changed or
 * sessions ended. server/services/audit.ts counts them as they commit; caches of verified access
 * (api-tokens.ts) drop what they verified before the last one.
 */
let generation = 0;

/** Audit actions that change access: their commit bumps the count. */
export const ACCESS_ACTIONS = /^(token|member|tenant|limits|remediation|auth|invitation)\./;

export function accessChanged(): void {
  generation += 1;
}

export function accessGeneration(): number {
  return generation;
}
