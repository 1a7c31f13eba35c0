import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/db/client";
import { AppError, notFound } from "@/engine/errors";
import type { Identity } from "./identity";
import { TOKEN_SCOPE_NAMES, TOKEN_SCOPES } from "@/server/auth/permissions";
import * as repo from "@/server/repositories/api-tokens";
import type { PageInput } from "@/server/repositories/pagination";
import { ExpiringMap } from "@/server/expiring-map";
import { accessGeneration } from "./access-changes";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

/**
 * API tokens: `mst_` + 32 random bytes (base64url). The secret is shown once, at creation; only its
 * SHA-256 hash is stored (a token has 256 bits of entropy, so a fast hash is enough: there is
 * nothing to guess), with a short prefix so people can tell their tokens apart.
 */
export const TOKEN_PREFIX = "mst_";
const SECRET_BYTES = 32;
/** How much of the token the list shows: `mst_` and 6 characters of the random part. */
const DISPLAY_LENGTH = TOKEN_PREFIX.length + 6;
/** A token's lastUsedAt is written at most this often, to spare a write on every request. */
const TOUCH_INTERVAL_MS = 60_000;
const MAX_EXPIRY_DAYS = 5 * 366;

export const EXPIRY_DAYS = [7, 30, 90] as const;

export const tokenName = z
  .string()
  .trim()
  .min(1, "Give the token a name")
  .max(80, "At most 80 characters");
export const tokenExpiry = z.discriminatedUnion("in", [
  z.object({ in: z.literal("never") }),
  z.object({ in: z.literal("days"), days: z.union(EXPIRY_DAYS.map((d) => z.literal(d))) }),
  z.object({ in: z.literal("date"), date: z.date() }),
]);
export const createTokenInput = z.object({
  name: tokenName,
  scopes: z
    .array(z.enum(TOKEN_SCOPE_NAMES))
    .min(1, "Pick at least one scope")
    .max(TOKEN_SCOPE_NAMES.length),
  expiry: tokenExpiry,
});
export type CreateTokenInput = z.infer<typeof createTokenInput>;

/** The scopes a token may be given, in the order the form shows them. */
export function listTokenScopes() {
  return TOKEN_SCOPE_NAMES.map((name) => ({
    name,
    label: TOKEN_SCOPES[name].label,
    permissions: [...TOKEN_SCOPES[name].permissions],
  }));
}

export type TokenStatus = "active" | "expired" | "revoked";
export type ApiTokenItem = repo.ApiTokenSummary & { status: TokenStatus };

export function hashToken(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function statusOf(
  token: Pick<repo.ApiTokenRow, "revokedAt" | "expiresAt">,
  now: Date,
): TokenStatus {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && token.expiresAt <= now) return "expired";
  return "active";
}

function expiryDate(expiry: CreateTokenInput["expiry"], now: Date): Date | null {
  if (expiry.in === "never") return null;
  if (expiry.in === "days") return new Date(now.getTime() + expiry.days * 86_400_000);
  if (expiry.date <= now)
    throw new AppError("INVALID_INPUT", "Pick an expiry date in the future.", { field: "expiry" });
  if (expiry.date.getTime() - now.getTime() > MAX_EXPIRY_DAYS * 86_400_000) {
    throw new AppError("INVALID_INPUT", "Pick an expiry date within five years (or no expiry).", {
      field: "expiry",
    });
  }
  return expiry.date;
}

/**
 * Creates a token for the acting member in the active tenant. The secret is in the answer and
 * nowhere else: not in the database, the list, or the audit log.
 */
export async function createApiToken(
  ctx: TenantContext,
  input: CreateTokenInput,
  now = new Date(),
) {
  const expiresAt = expiryDate(input.expiry, now);
  const secret = TOKEN_PREFIX + randomBytes(SECRET_BYTES).toString("base64url");
  const scopes = [...new Set(input.scopes)];
  return withAudit(ctx, async (tx) => {
    const { tokenHash: _hidden, ...row } = await repo.insertApiToken(tx, {
      tenantId: ctx.tenant.id,
      userId: ctx.actor.userId,
      name: input.name,
      prefix: secret.slice(0, DISPLAY_LENGTH),
      tokenHash: hashToken(secret),
      scopes,
      expiresAt,
    });
    const token: ApiTokenItem = {
      ...row,
      createdByName: ctx.actor.name,
      createdByEmail: ctx.actor.email,
      status: statusOf(row, now),
    };
    return {
      value: { token, secret },
      audit: {
        action: "token.create",
        targetType: "api_token",
        targetId: row.id,
        metadata: {
          name: row.name,
          prefix: row.prefix,
          scopes,
          expiresAt: expiresAt?.toISOString() ?? null,
        },
      },
    };
  });
}

export async function listApiTokens(
  ctx: TenantContext,
  page: PageInput & { limit: number },
  now = new Date(),
) {
  const result = await repo.listApiTokens(ctx.db, {
    tenantId: ctx.tenant.id,
    cursor: page.cursor,
    limit: page.limit,
  });
  return {
    ...result,
    items: result.items.map((t): ApiTokenItem => ({ ...t, status: statusOf(t, now) })),
  };
}

/** Revokes a token of this tenant at once; the next request with it gets 401. */
export async function revokeApiToken(
  ctx: TenantContext,
  id: string,
  now = new Date(),
): Promise<ApiTokenItem> {
  const existing = await repo.findApiTokenSummary(ctx.db, ctx.tenant.id, id);
  if (!existing) throw notFound("API token", id);
  if (existing.revokedAt) return { ...existing, status: "revoked" };
  return withAudit(ctx, async (tx) => {
    await repo.revokeApiToken(tx, ctx.tenant.id, id, now);
    return {
      value: { ...existing, revokedAt: now, status: "revoked" as const },
      audit: {
        action: "token.revoke",
        targetType: "api_token",
        targetId: id,
        metadata: { name: existing.name, prefix: existing.prefix },
      },
    };
  });
}

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", message);

/** The secret of an `Authorization: Bearer …` header, or null when the request does not use one. */
export function readBearerToken(authorization: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1] ?? null;
}

/**
 * Who a bearer token acts as: its creator, in the token's tenant (never one from the request),
 * limited to the token's scopes. Throws UNAUTHENTICATED, saying why, for a token that is unknown,
 * revoked or expired, or whose creator is disabled or no longer in the tenant. Records the use.
 */
export async function authenticateApiToken(
  db: Db,
  secret: string,
  now = new Date(),
): Promise<Identity> {
  return (await verifyApiToken(db, secret, now)).identity;
}

/** authenticateApiToken, with when the token expires (null: never). */
async function verifyApiToken(
  db: Db,
  secret: string,
  now: Date,
  tokenHash = hashToken(secret),
): Promise<{ identity: Identity; expiresAt: Date | null }> {
  if (!secret.startsWith(TOKEN_PREFIX))
    throw unauthenticated(`That is not a Maestro API token (they start with ${TOKEN_PREFIX}).`);
  // One query reads the token, its creator and the creator's role: the context needs nothing more.
  const token = await repo.findApiTokenWithHolder(db, tokenHash);
  if (!token)
    throw unauthenticated(
      "Unknown API token: check that it was copied whole, or create a new one.",
    );
  if (token.revokedAt)
    throw unauthenticated(
      `This API token ("${token.name}") was revoked on ${token.revokedAt.toISOString()}.`,
    );
  if (token.expiresAt && token.expiresAt <= now) {
    throw unauthenticated(
      `This API token ("${token.name}") expired on ${token.expiresAt.toISOString()}.`,
    );
  }
  const { user, tenant } = token;
  if (!user || user.disabledAt)
    throw unauthenticated(`The account that created the API token "${token.name}" is disabled.`);
  // A superadmin acts as owner in any tenant, as resolveActiveTenant has it for sessions.
  const role = token.role ?? (user.isSuperadmin ? "owner" : null);
  if (!tenant || !role) {
    throw unauthenticated(
      `The member who created the API token "${token.name}" no longer belongs to its tenant.`,
    );
  }
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    await repo.touchApiToken(db, token.id, now, new Date(now.getTime() - TOUCH_INTERVAL_MS));
  }
  const identity: Identity = {
    userId: user.id,
    tenantId: token.tenantId,
    apiToken: { id: token.id, name: token.name, scopes: token.scopes },
    verified: {
      actor: {
        userId: user.id,
        email: user.email,
        name: user.name,
        isSuperadmin: user.isSuperadmin,
      },
      tenant: { ...tenant, role },
      standing: token.standing ?? undefined,
    },
  };
  return { identity, expiresAt: token.expiresAt };
}

/** How long a request's verified token is taken at its word by the next requests (see below). */
export const TOKEN_RECHECK_MS = 1_000;

type Verified = { identity: Identity; expiresAt: Date | null; generation: number };
// On globalThis, like access-changes.ts: one cache for all of Next's bundles and the front door.
const globalForTokens = globalThis as unknown as {
  verifiedApiTokens?: WeakMap<Db, ExpiringMap<string, Verified>>;
};
const verifiedTokens = (globalForTokens.verifiedApiTokens ??= new WeakMap());

/**
 * The identity of a request that carries `Authorization: Bearer …`, or null when it carries none
 * (the caller then falls back to the session cookie). Throws UNAUTHENTICATED for a bad token.
 * A token verified in the last TOKEN_RECHECK_MS is taken at its word, so a script's burst of calls
 * costs one query a second, not one each; its expiry is still checked every time, and an audited
 * change to access in this process (access-changes.ts: a token revoked, a member removed or
 * demoted, a tenant suspended) drops it at once. Another process sees such a change within
 * TOKEN_RECHECK_MS (SECURITY.md).
 */
export async function identityFromAuthorization(
  db: Db,
  authorization: string | null | undefined,
): Promise<Identity | null> {
  if (!authorization) return null;
  const secret = readBearerToken(authorization);
  if (!secret) throw unauthenticated("Send the API token as `Authorization: Bearer mst_…`.");
  let verified = verifiedTokens.get(db);
  if (!verified) {
    verified = new ExpiringMap({ ttlMs: TOKEN_RECHECK_MS, maxEntries: 10_000 });
    verifiedTokens.set(db, verified);
  }
  const now = new Date();
  const key = hashToken(secret);
  const hit = verified.get(key);
  if (hit && hit.generation === accessGeneration() && !(hit.expiresAt && hit.expiresAt <= now))
    return hit.identity;
  const generation = accessGeneration();
  const fresh = await verifyApiToken(db, secret, now, key);
  verified.set(key, { ...fresh, generation });
  return fresh.identity;
}
