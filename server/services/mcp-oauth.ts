import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError, conflict, forbidden, notFound } from "@/engine/errors";
import { getEnv } from "@/server/env";
import { isMcpToolError } from "@/server/mcp/errors";
import { launchSpecOf, poolKeyOf } from "@/server/mcp/installation-launch";
import {
  buildAuthorizationUrl,
  checkResponseIssuer,
  chooseClient,
  clientMetadataOf,
  discoverAuthorization,
  exchangeCode,
  OAuthFlowError,
  probeAuthChallenge,
} from "@/server/mcp/oauth";
import { clientOf, encryptTokens, forgetCachedTokens } from "@/server/mcp/oauth-tokens";
import { getMcpPool } from "@/server/mcp/pool";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as installations from "@/server/repositories/mcp-installations";
import * as repo from "@/server/repositories/mcp-oauth";
import { ExpiringMap } from "@/server/expiring-map";
import { decryptSecret, encryptSecret } from "@/server/secrets";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

/**
 * Signing a tenant's remote installation in with OAuth (MCP authorization): Connect starts a flow
 * (discovery, client, PKCE, a state bound to this user, tenant and installation for 10 minutes),
 * the callback finishes it once (code exchange, tokens stored encrypted), Disconnect forgets it.
 * What calls use the tokens: server/mcp/oauth-tokens.ts. The API answers statuses only; no token,
 * verifier or client secret ever leaves the server.
 */

const FLOW_TTL_MS = 10 * 60_000;
const PROBE_CACHE_MS = 60_000;

/** Where our app is reached: NEXTAUTH_URL (the public URL), as the sign-in pages use. */
export function appUrlOf(): string {
  return (getEnv().nextAuthUrl ?? "http://localhost:3000").replace(/\/$/, "");
}

/** Our stable OAuth client URLs: the Client ID Metadata Document and the redirect URI. */
export function oauthClientUrls(appUrl = appUrlOf()) {
  return {
    clientId: `${appUrl}/api/mcp-oauth/client`,
    redirectUri: `${appUrl}/api/mcp-oauth/callback`,
  };
}

/** The Client ID Metadata Document our app serves at its client id URL. */
export function clientMetadataDocument(appUrl = appUrlOf()) {
  return clientMetadataOf(oauthClientUrls(appUrl));
}

export const finishInput = z.object({
  state: z.string().min(16).max(200),
  code: z.string().max(2000).optional(),
  iss: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  errorDescription: z.string().max(1000).optional(),
});

const hashState = (state: string) => createHash("sha256").update(state).digest("base64url");

async function remoteOf(ctx: TenantContext, id: string) {
  const installation = await installations.findInstallation(ctx.db, ctx.tenant.id, id);
  if (!installation) throw notFound("installed server", id);
  const entry = await catalog.findCatalogEntry(ctx.db, installation.catalogEntryId);
  if (!entry) throw notFound("catalog entry", installation.catalogEntryId);
  let spec;
  try {
    spec = launchSpecOf(installation, entry);
  } catch (error) {
    // The installation cannot start as it is (a command no longer allowed, a value missing, a
    // secret that no longer decrypts): said as such, as a 4xx, not a failure of ours.
    if (isMcpToolError(error)) throw new AppError("UNAVAILABLE", error.message);
    throw error;
  }
  return { installation, spec: spec.transport === "stdio" ? null : spec };
}

/** Bounded: expired answers go as new ones come, and never more than this many are kept. */
const MAX_PROBES_KEPT = 2_000;
const probes = new ExpiringMap<string, boolean>({
  ttlMs: PROBE_CACHE_MS,
  maxEntries: MAX_PROBES_KEPT,
});

/**
 * Whether the server asks for a sign-in, by a request without a token (a 401 with a Bearer
 * challenge); remembered for a minute so the installation page does not probe on every render.
 */
async function isAskingForSignIn(id: string, url: string, headers: Record<string, string>) {
  const known = probes.get(id);
  if (known !== undefined) return known;
  const isAsking = (await probeAuthChallenge(url, headers)) !== null;
  probes.set(id, isAsking);
  return isAsking;
}

export type OAuthStatus = {
  /** A remote server (the only kind that signs in with OAuth). */
  isRemote: boolean;
  /**
   * none: no sign-in and the server asks for none; needed: it asks and nobody connected;
   * connected; reconnect: the sign-in expired and could not be renewed.
   */
  state: "none" | "needed" | "connected" | "reconnect";
  issuer: string | null;
  clientKind: "metadata-document" | "registered" | null;
  scope: string | null;
  expiresAt: Date | null;
  connectedAt: Date | null;
  lastError: string | null;
};

export async function getOAuthStatus(ctx: TenantContext, id: string): Promise<OAuthStatus> {
  const { installation, spec } = await remoteOf(ctx, id);
  const empty = {
    issuer: null,
    clientKind: null,
    scope: null,
    expiresAt: null,
    connectedAt: null,
    lastError: null,
  };
  if (!spec) return { isRemote: false, state: "none", ...empty };
  const row = await repo.findConnection(ctx.db, ctx.tenant.id, installation.id);
  if (!row) {
    const isAsking = await isAskingForSignIn(installation.id, spec.url, spec.headers);
    return { isRemote: true, state: isAsking ? "needed" : "none", ...empty };
  }
  return {
    isRemote: true,
    state: row.status,
    issuer: row.discovery.issuer,
    clientKind: row.clientKind,
    scope: row.discovery.scope,
    expiresAt: row.expiresAt,
    connectedAt: row.createdAt,
    lastError: row.lastError,
  };
}

const unavailable = (error: unknown) =>
  error instanceof OAuthFlowError
    ? new AppError("UNAVAILABLE", error.message)
    : new AppError(
        "UNAVAILABLE",
        `Signing in failed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`,
      );

/**
 * Connect (or Reconnect): discovery, the client, PKCE, and the URL to send the browser to. The
 * state and verifier are kept (hashed, encrypted) for this user, tenant and installation only.
 */
export async function startOAuthConnect(
  ctx: TenantContext,
  id: string,
  options: { appUrl?: string; now?: Date } = {},
): Promise<{ authorizationUrl: string }> {
  const { installation, spec } = await remoteOf(ctx, id);
  if (!spec)
    throw conflict(
      `${installation.name} runs on this host (stdio); only remote servers sign in with OAuth`,
    );
  const urls = oauthClientUrls(options.appUrl);
  const now = options.now ?? new Date();
  try {
    const challenge = await probeAuthChallenge(spec.url, spec.headers);
    const discovery = await discoverAuthorization(spec.url, challenge ?? {});
    const client = await chooseClient(discovery, urls);
    const state = randomBytes(32).toString("base64url");
    const { authorizationUrl, codeVerifier } = await buildAuthorizationUrl(discovery, client, {
      redirectUri: urls.redirectUri,
      state,
    });
    await repo.deleteExpiredFlows(ctx.db, now);
    await repo.insertFlow(ctx.db, {
      stateHash: hashState(state),
      tenantId: ctx.tenant.id,
      installationId: installation.id,
      userId: ctx.actor.userId,
      codeVerifierEncrypted: encryptSecret(codeVerifier),
      discovery,
      clientId: client.clientId,
      clientKind: client.kind,
      clientSecretEncrypted: client.clientSecret ? encryptSecret(client.clientSecret) : null,
      redirectUri: urls.redirectUri,
      expiresAt: new Date(now.getTime() + FLOW_TTL_MS),
    });
    return { authorizationUrl: authorizationUrl.href };
  } catch (error) {
    throw unavailable(error);
  }
}

/**
 * The callback: takes the flow named by `state` (once, unexpired, started by this user in this
 * tenant), checks the response's issuer, exchanges the code with the PKCE verifier and the
 * resource indicator, and stores the tokens encrypted. Answers the installation to go back to and
 * whether it worked; a state nobody started (or used, or expired) is refused.
 */
export async function finishOAuthConnect(
  ctx: TenantContext,
  input: z.infer<typeof finishInput>,
  options: { now?: Date } = {},
): Promise<{ installationId: string; error: string | null }> {
  const now = options.now ?? new Date();
  const flow = await repo.takeFlow(ctx.db, hashState(input.state), now);
  if (!flow)
    throw new AppError(
      "INVALID_INPUT",
      "This sign-in has expired or was already used: open the server's page and press Connect again",
    );
  if (flow.userId !== ctx.actor.userId || flow.tenantId !== ctx.tenant.id)
    throw forbidden("This sign-in was started by another person or in another tenant");
  const back = (error: string | null) => ({ installationId: flow.installationId, error });
  if (input.error)
    return back(
      `The authorization server refused: ${input.error}${input.errorDescription ? ` (${input.errorDescription})` : ""}`,
    );
  if (!input.code) return back("The authorization server answered without a code");
  const installation = await installations.findInstallation(
    ctx.db,
    ctx.tenant.id,
    flow.installationId,
  );
  if (!installation) throw notFound("installed server", flow.installationId);
  let tokens;
  try {
    checkResponseIssuer(flow.discovery, input.iss ?? null);
    tokens = await exchangeCode(flow.discovery, clientOf(flow), {
      code: input.code,
      codeVerifier: decryptSecret(flow.codeVerifierEncrypted),
      redirectUri: flow.redirectUri,
    });
  } catch (error) {
    return back(unavailable(error).message);
  }
  const issued = now.getTime();
  await withAudit(ctx, async (tx) => {
    await repo.upsertConnection(tx, {
      tenantId: ctx.tenant.id,
      installationId: installation.id,
      status: "connected",
      discovery: flow.discovery,
      clientId: flow.clientId,
      clientKind: flow.clientKind,
      clientSecretEncrypted: flow.clientSecretEncrypted,
      tokensEncrypted: encryptTokens(tokens),
      issuedAt: new Date(issued),
      expiresAt: tokens.expires_in ? new Date(issued + tokens.expires_in * 1000) : null,
      connectedBy: ctx.actor.userId,
    });
    return {
      value: null,
      audit: {
        action: "server.oauth.connect",
        targetType: "mcp_installation",
        targetId: installation.id,
        metadata: {
          name: installation.name,
          issuer: flow.discovery.issuer,
          client: flow.clientKind,
        },
      },
    };
  });
  await afterChange(installation.id);
  return back(null);
}

/** Forgets the sign-in: calls go out without a token again (and a server that needs one says so). */
export async function disconnectOAuth(ctx: TenantContext, id: string) {
  const installation = await installations.findInstallation(ctx.db, ctx.tenant.id, id);
  if (!installation) throw notFound("installed server", id);
  await withAudit(ctx, async (tx) => {
    const removed = await repo.deleteConnection(tx, ctx.tenant.id, id);
    if (!removed) throw conflict(`${installation.name} has no OAuth sign-in`);
    return {
      value: null,
      audit: {
        action: "server.oauth.disconnect",
        targetType: "mcp_installation",
        targetId: id,
        metadata: { name: installation.name },
      },
    };
  });
  await afterChange(id);
  return { id };
}

/** The pool's connection opened with the old credentials (or none) goes; the next call reconnects. */
async function afterChange(installationId: string) {
  forgetCachedTokens(installationId);
  probes.delete(installationId);
  await getMcpPool().evict(poolKeyOf({ id: installationId }));
}
