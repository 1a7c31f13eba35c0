/**
 * A count of changes to who may do what in this process: an API token revoked, a member removed or
 * their role changed, a tenant suspended or resumed, its limits changed, a password changed or
 * sessions ended. server/services/audit.ts counts them as they commit (and the watcher's
 * remediation when it changes a tenant's limits); caches of verified access (api-tokens.ts) drop
 * what they verified before the last one.
 */
// On globalThis: a built app has one copy of this module per bundle (the tRPC route's, the front
// door's), and a change counted in one must reach the caches of all.
const globalForAccess = globalThis as unknown as { accessGeneration?: { count: number } };
const generation = (globalForAccess.accessGeneration ??= { count: 0 });

/** Audit actions that change access: their commit bumps the count. */
export const ACCESS_ACTIONS = /^(token|member|tenant|limits|auth|invitation)\./;

export function accessChanged(): void {
  generation.count += 1;
}

export function accessGeneration(): number {
  return generation.count;
}
