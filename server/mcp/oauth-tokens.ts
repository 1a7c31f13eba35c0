import { checkResourceAllowed } from "@modelcontextprotocol/sdk/shared/auth-utils.js";
import type { Db } from "@/db/client";
import * as repo from "@/server/repositories/mcp-oauth";
import type { OAuthConnectionRow } from "@/server/repositories/mcp-oauth";
import { decryptSecret, encryptSecret } from "@/server/secrets";
import { McpToolError } from "./errors";
import type { RequestAuthorizer } from "./launch";
import { refreshTokens, type ClientChoice } from "./oauth";

/**
 * Bearer tokens for the requests to a remote installation, from its stored OAuth connection:
 * decrypted only here, refreshed before they expire, never written anywhere but the encrypted
 * column. One process at a time renews a connection: it takes a lease on the row first
 * (`refresh_lease_until`), and the others use the current token while it lasts or wait for the
 * renewed row, so a rotating refresh token is never spent twice (a second use may even make the
 * authorization server revoke the whole grant). Writes are compare-and-set on the row's version.
 */

export type StoredTokens = {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  scope?: string;
};

/** A token is refreshed when less than this remains, or half its lifetime for short-lived ones. */
export const REFRESH_MARGIN_MS = 60_000;
/** How long a process trusts its copy before it reads the row again (a disconnect elsewhere). */
const CACHE_MS = 30_000;
/** How long a renewal may take before another process may take it over (the first one died). */
export const REFRESH_LEASE_MS = 30_000;
/** How often a process waiting on another's renewal reads the row again. */
const LEASE_POLL_MS = 100;

type Cached = {
  version: number;
  header: string;
  refreshAt: number;
  readAt: number;
  resource: string;
};
// On globalThis: a built app has one copy of this module per bundle (the worker's, the routes').
const globalForTokens = globalThis as unknown as {
  mcpOAuthTokens?: { cache: Map<string, Cached>; refreshing: Map<string, Promise<string>> };
};
globalForTokens.mcpOAuthTokens ??= { cache: new Map(), refreshing: new Map() };
const { cache, refreshing } = globalForTokens.mcpOAuthTokens;

/** Forgets this process's copies (after connect or disconnect here; tests). */
export function forgetCachedTokens(installationId?: string) {
  if (installationId) cache.delete(installationId);
  else cache.clear();
}

export function encryptTokens(tokens: StoredTokens): string {
  const { access_token, refresh_token, token_type, scope } = tokens;
  return encryptSecret(
    JSON.stringify({
      access_token,
      token_type,
      ...(refresh_token ? { refresh_token } : {}),
      ...(scope ? { scope } : {}),
    }),
  );
}

/** When to refresh: REFRESH_MARGIN_MS before expiry, or halfway for a token living under two margins. */
export function refreshAtOf(row: Pick<OAuthConnectionRow, "expiresAt" | "issuedAt">): number {
  if (!row.expiresAt) return Number.POSITIVE_INFINITY;
  const expires = row.expiresAt.getTime();
  const lifetime = expires - row.issuedAt.getTime();
  return expires - Math.min(REFRESH_MARGIN_MS, Math.max(0, lifetime / 2));
}

export function clientOf(
  row: Pick<OAuthConnectionRow, "clientId" | "clientKind" | "clientSecretEncrypted">,
): ClientChoice {
  return {
    clientId: row.clientId,
    kind: row.clientKind,
    clientSecret: row.clientSecretEncrypted ? decryptSecret(row.clientSecretEncrypted) : null,
  };
}

export const authRequired = (server: string, reason: string) =>
  new McpToolError("AUTH_REQUIRED", `${server}: ${reason}`, { server });

const RECONNECT =
  "its OAuth sign-in has expired and could not be renewed: an admin opens the server's installation page and presses Reconnect";
const CONNECT =
  "the server asks for an OAuth sign-in: an admin opens the server's installation page and presses Connect";

const URL_CHANGED =
  "its URL is no longer the one it was signed in for, so its OAuth token is not sent there: an admin opens the server's installation page and presses Reconnect";

/** Whether a token issued for `resource` (RFC 8707) may go to the server at `url`. */
function isForUrl(resource: string, url: string): boolean {
  try {
    return checkResourceAllowed({ requestedResource: url, configuredResource: resource });
  } catch {
    return false;
  }
}

const headerOf = (tokens: StoredTokens) =>
  `${/^bearer$/i.test(tokens.token_type) || !tokens.token_type ? "Bearer" : tokens.token_type} ${tokens.access_token}`;

/**
 * The authorizer a remote installation's launch spec carries. Without a connection row it adds
 * nothing (a server without OAuth); a 401 then says how to connect. With one it sends the access
 * token, refreshing first when it is due; a failed refresh marks the connection `reconnect` and
 * every call says so until someone signs in again. Given the server's `url`, a token is sent only
 * there while it fits the resource it was issued for: an entry whose URL changed since (an import
 * or a registry sync replaced it) gets no token, and a call says to Reconnect.
 */
export function oauthAuthorizer(
  db: Db,
  installation: { id: string; tenantId: string; name: string },
  options: { now?: () => number; fetchFn?: typeof fetch; url?: string } = {},
): RequestAuthorizer {
  const now = options.now ?? Date.now;
  const server = installation.name;
  const checkUrl = (resource: string) => {
    if (options.url !== undefined && !isForUrl(resource, options.url))
      throw authRequired(server, URL_CHANGED);
  };

  async function refresh(row: OAuthConnectionRow, afterRefusal = false): Promise<string> {
    const tokens = JSON.parse(decryptSecret(row.tokensEncrypted)) as StoredTokens;
    if (!tokens.refresh_token)
      return markReconnect(row, "the access token expired and no refresh token was issued");
    const leased = await repo.claimRefreshLease(
      db,
      row.id,
      row.version,
      new Date(now() + REFRESH_LEASE_MS),
      new Date(now()),
    );
    if (!leased) return renewedElsewhere(row, tokens, afterRefusal);
    let fresh;
    try {
      fresh = await refreshTokens(
        row.discovery,
        clientOf(row),
        tokens.refresh_token,
        options.fetchFn,
      );
    } catch (error) {
      const again = await repo.findConnection(db, installation.tenantId, installation.id);
      // Another process refreshed first: its tokens are the ones to use.
      if (again && again.version !== row.version && again.status === "connected")
        return headerNow(again);
      const message = error instanceof Error ? error.message : String(error);
      // The authorization server is away: a token that has not expired yet still works.
      if (/fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|HTTP 5\d\d/i.test(message)) {
        await repo.releaseRefreshLease(db, row.id, row.version).catch(() => undefined);
        if (row.expiresAt && row.expiresAt.getTime() > now()) return headerOf(tokens);
        throw new McpToolError(
          "CONNECT_FAILED",
          `${server}: its OAuth token could not be renewed (${message.slice(0, 200)}); trying again later`,
          { server },
        );
      }
      return markReconnect(row, `refreshing the token failed: ${message.slice(0, 300)}`);
    }
    const issued = now();
    const next: StoredTokens = {
      access_token: fresh.access_token,
      token_type: fresh.token_type,
      // A server that does not rotate refresh tokens keeps the one we had.
      ...(fresh.refresh_token || tokens.refresh_token
        ? { refresh_token: fresh.refresh_token ?? tokens.refresh_token }
        : {}),
      ...(fresh.scope ? { scope: fresh.scope } : {}),
    };
    const updated = await repo.updateConnectionIfVersion(db, row.id, row.version, {
      tokensEncrypted: encryptTokens(next),
      issuedAt: new Date(issued),
      expiresAt: fresh.expires_in ? new Date(issued + fresh.expires_in * 1000) : null,
      status: "connected",
      lastError: null,
    });
    if (updated) return headerNow(updated);
    const winner = await repo.findConnection(db, installation.tenantId, installation.id);
    if (winner?.status === "connected") return headerNow(winner);
    throw authRequired(server, RECONNECT);
  }

  /**
   * Another process holds the lease and is renewing: its renewed row when it lands, or, while the
   * current token has not expired, that token at once, unless the server has just refused it
   * (`afterRefusal`: sending it again would be refused again and mark the connection Reconnect
   * while the other process renews it). A lease that runs out without a renewal (that process
   * died) is taken over.
   */
  async function renewedElsewhere(
    row: OAuthConnectionRow,
    tokens: StoredTokens,
    afterRefusal: boolean,
  ): Promise<string> {
    if (!afterRefusal && row.expiresAt && row.expiresAt.getTime() > now()) return headerOf(tokens);
    const until = Date.now() + REFRESH_LEASE_MS + LEASE_POLL_MS;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_POLL_MS));
      const again = await repo.findConnection(db, installation.tenantId, installation.id);
      if (!again) throw authRequired(server, CONNECT);
      if (again.version !== row.version) return headerNow(again);
      if (!again.refreshLeaseUntil || again.refreshLeaseUntil.getTime() < now())
        return refresh(again, afterRefusal);
    }
    throw new McpToolError(
      "CONNECT_FAILED",
      `${server}: its OAuth token is being renewed by another process that has not finished; trying again later`,
      { server },
    );
  }

  async function markReconnect(row: OAuthConnectionRow, why: string): Promise<never> {
    await repo.updateConnectionIfVersion(db, row.id, row.version, {
      status: "reconnect",
      lastError: why,
    });
    cache.delete(installation.id);
    throw authRequired(server, RECONNECT);
  }

  /** The header for a row, refreshing first when it is due. */
  async function headerFor(row: OAuthConnectionRow, force = false): Promise<string> {
    if (row.status === "reconnect") throw authRequired(server, RECONNECT);
    if (force || now() >= refreshAtOf(row)) return refreshOnce(row, force);
    return headerNow(row);
  }

  /**
   * The header for a row as it is, remembered for this process. Inside a refresh the row was just
   * renewed (here or by another process) and is used even if it already looks due: refreshing it
   * from there would wait on the refresh in progress, i.e. on itself, for ever.
   */
  function headerNow(row: OAuthConnectionRow): string {
    if (row.status === "reconnect") throw authRequired(server, RECONNECT);
    const header = headerOf(JSON.parse(decryptSecret(row.tokensEncrypted)) as StoredTokens);
    cache.set(installation.id, {
      version: row.version,
      header,
      refreshAt: refreshAtOf(row),
      readAt: now(),
      resource: row.discovery.resource,
    });
    return header;
  }

  /** One refresh at a time per installation in this process; callers meanwhile share it. */
  function refreshOnce(row: OAuthConnectionRow, afterRefusal: boolean): Promise<string> {
    let pending = refreshing.get(installation.id);
    if (!pending) {
      pending = refresh(row, afterRefusal).finally(() => refreshing.delete(installation.id));
      refreshing.set(installation.id, pending);
    }
    return pending;
  }

  return {
    id: `oauth:${installation.id}`,
    async authorization({ renew }) {
      const cached = cache.get(installation.id);
      const at = now();
      if (!renew && cached && at < cached.refreshAt && at - cached.readAt < CACHE_MS) {
        checkUrl(cached.resource);
        return cached.header;
      }
      const row = await repo.findConnection(db, installation.tenantId, installation.id);
      if (!row) {
        cache.delete(installation.id);
        if (renew) throw authRequired(server, CONNECT);
        return null;
      }
      checkUrl(row.discovery.resource);
      // A 401 to the token we just read: refresh, unless another process already did.
      return headerFor(row, renew && (cached === undefined || cached.version === row.version));
    },
    async refused() {
      const row = await repo.findConnection(db, installation.tenantId, installation.id);
      if (!row) throw authRequired(server, CONNECT);
      return markReconnect(row, "the server refused a freshly renewed token");
    },
  };
}
