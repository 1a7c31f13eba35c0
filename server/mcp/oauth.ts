import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  exchangeAuthorization,
  extractWWWAuthenticateParams,
  refreshAuthorization,
  registerClient,
  startAuthorization,
} from "@modelcontextprotocol/sdk/client/auth.js";
import {
  checkResourceAllowed,
  resourceUrlFromServerUrl,
} from "@modelcontextprotocol/sdk/shared/auth-utils.js";
import type {
  AuthorizationServerMetadata,
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthProtectedResourceMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import type { OAuthDiscovery } from "@/db/schema/mcp-oauth";

/**
 * The protocol half of MCP authorization (OAuth 2.1), on the SDK's client helpers: discovery
 * (RFC 9728 protected resource metadata, then RFC 8414 / OpenID Connect metadata), the checks the
 * SDK leaves to us (the metadata's issuer is the authorization server we were sent to, S256 PKCE
 * is offered, the resource indicator fits the server), the client (a Client ID Metadata Document
 * URL when the server takes one, else RFC 7591 registration), the authorization URL, the code
 * exchange and refresh. No database here: server/services/mcp-oauth.ts keeps the state.
 */

/** Why sign-in cannot go ahead, in words for the installation page. */
export class OAuthFlowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OAuthFlowError";
  }
}

export type ClientChoice = {
  clientId: string;
  kind: "metadata-document" | "registered";
  clientSecret: string | null;
};

/** What our app says about itself as an OAuth client (the CIMD and the registration body). */
export function clientMetadataOf(urls: { clientId: string; redirectUri: string }) {
  return {
    client_id: urls.clientId,
    client_name: "Maestro",
    redirect_uris: [urls.redirectUri],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    application_type: "web",
  } as const;
}

function sameUrl(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a).href, new URL(b).href];
    return x === y || x.replace(/\/$/, "") === y.replace(/\/$/, "");
  } catch {
    return a === b;
  }
}

/**
 * A 401's challenge, if the server answered one to a request without a token: the resource
 * metadata URL and scope from `WWW-Authenticate: Bearer …`.
 */
export function challengeOf(response: Response): { resourceMetadataUrl?: URL; scope?: string } {
  const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(response);
  return { ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}), ...(scope ? { scope } : {}) };
}

/**
 * Asks the server, without a token, whether it wants one: an MCP `initialize` POST answered 401
 * with `WWW-Authenticate: Bearer`. Null when it answers anything else (or cannot be reached).
 */
export async function probeAuthChallenge(
  serverUrl: string,
  headers: Record<string, string> = {},
  fetchFn: typeof fetch = fetch,
): Promise<{ resourceMetadataUrl?: URL; scope?: string } | null> {
  try {
    const response = await fetchFn(serverUrl, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "maestro", version: "0.1.0" },
        },
      }),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (response.status !== 401) return null;
    if (!/^bearer/i.test(response.headers.get("www-authenticate") ?? "")) return null;
    return challengeOf(response);
  } catch {
    return null;
  }
}

/**
 * Discovery for one MCP server URL. Refuses an authorization server whose metadata names another
 * issuer (RFC 8414 §3.3, mix-up attacks), one without S256 PKCE (MCP: "MUST refuse to proceed"),
 * and protected resource metadata for a different resource than the server's URL.
 */
export async function discoverAuthorization(
  serverUrl: string,
  options: { resourceMetadataUrl?: URL; scope?: string; fetchFn?: typeof fetch } = {},
): Promise<OAuthDiscovery> {
  let resourceMetadata: OAuthProtectedResourceMetadata | undefined;
  try {
    resourceMetadata = await discoverOAuthProtectedResourceMetadata(
      serverUrl,
      options.resourceMetadataUrl ? { resourceMetadataUrl: options.resourceMetadataUrl } : {},
      options.fetchFn,
    );
  } catch {
    resourceMetadata = undefined; // older servers: the server's origin is its authorization server
  }
  if (
    resourceMetadata &&
    !checkResourceAllowed({
      requestedResource: serverUrl,
      configuredResource: resourceMetadata.resource,
    })
  ) {
    throw new OAuthFlowError(
      `The server's protected resource metadata is for ${resourceMetadata.resource}, not ${serverUrl}: refused`,
    );
  }
  const issuer = resourceMetadata?.authorization_servers?.[0] ?? new URL(serverUrl).origin;
  let metadata: AuthorizationServerMetadata | undefined;
  try {
    metadata = await discoverAuthorizationServerMetadata(
      issuer,
      options.fetchFn ? { fetchFn: options.fetchFn } : {},
    );
  } catch (error) {
    throw new OAuthFlowError(
      `The authorization server's metadata at ${issuer} could not be read (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!metadata)
    throw new OAuthFlowError(`${issuer} publishes no OAuth authorization server metadata`);
  if (!sameUrl(metadata.issuer, issuer)) {
    throw new OAuthFlowError(
      `The authorization server's metadata names issuer ${metadata.issuer}, not ${issuer}: refused (issuer mismatch)`,
    );
  }
  // OAuth 2.1: every authorization server endpoint is https, except on a loopback host.
  for (const [name, url] of [
    ["issuer", metadata.issuer],
    ["authorization_endpoint", metadata.authorization_endpoint],
    ["token_endpoint", metadata.token_endpoint],
    ["registration_endpoint", metadata.registration_endpoint],
  ] as const) {
    if (url !== undefined && !isSecureOrLoopback(url))
      throw new OAuthFlowError(
        `${issuer}'s ${name} ${url} is not https: refused (OAuth 2.1 allows plain http only on this machine's own address)`,
      );
  }
  if (!metadata.code_challenge_methods_supported?.includes("S256")) {
    throw new OAuthFlowError(
      `${issuer} does not offer PKCE with S256 (code_challenge_methods_supported), which MCP requires: refused`,
    );
  }
  const scope = options.scope ?? resourceMetadata?.scopes_supported?.join(" ") ?? null;
  return {
    issuer,
    // The metadata's resource verbatim (exact-match servers), else the server URL made canonical.
    resource: resourceMetadata?.resource ?? resourceUrlFromServerUrl(serverUrl).href,
    metadata: metadata as unknown as Record<string, unknown>,
    scope: scope || null,
  };
}

const metadataOf = (discovery: OAuthDiscovery) =>
  discovery.metadata as unknown as AuthorizationServerMetadata;

/** An https URL, or an http one on a loopback host (local development, tests). */
function isSecureOrLoopback(url: string): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "https:") return true;
    return (
      parsed.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname)
    );
  } catch {
    return false;
  }
}

/** A CIMD URL is offered over https, or over http on a loopback host (local development, tests). */
export function isOfferableClientIdUrl(url: string): boolean {
  try {
    return new URL(url).pathname !== "/" && isSecureOrLoopback(url);
  } catch {
    return false;
  }
}

/**
 * The client to sign in as: our Client ID Metadata Document URL when the authorization server
 * says it takes them, else a registration (RFC 7591), else a clear refusal.
 */
export async function chooseClient(
  discovery: OAuthDiscovery,
  urls: { clientId: string; redirectUri: string },
  fetchFn?: typeof fetch,
): Promise<ClientChoice> {
  const metadata = metadataOf(discovery);
  if (
    metadata.client_id_metadata_document_supported === true &&
    isOfferableClientIdUrl(urls.clientId)
  ) {
    return { clientId: urls.clientId, kind: "metadata-document", clientSecret: null };
  }
  if (!metadata.registration_endpoint) {
    throw new OAuthFlowError(
      `${discovery.issuer} takes neither client ID metadata documents nor dynamic client registration, so Maestro cannot sign in there`,
    );
  }
  const { client_id: _self, ...registration } = clientMetadataOf(urls);
  try {
    const registered = await registerClient(discovery.issuer, {
      metadata,
      clientMetadata: registration as unknown as OAuthClientMetadata,
      ...(discovery.scope ? { scope: discovery.scope } : {}),
      ...(fetchFn ? { fetchFn } : {}),
    });
    return {
      clientId: registered.client_id,
      kind: "registered",
      clientSecret: registered.client_secret ?? null,
    };
  } catch (error) {
    throw new OAuthFlowError(
      `Registering with ${discovery.issuer} failed (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

const clientInformationOf = (client: ClientChoice): OAuthClientInformationMixed => ({
  client_id: client.clientId,
  ...(client.clientSecret ? { client_secret: client.clientSecret } : {}),
});

/** The URL to send the browser to, with PKCE (S256), state and the resource indicator. */
export function buildAuthorizationUrl(
  discovery: OAuthDiscovery,
  client: ClientChoice,
  options: { redirectUri: string; state: string },
): Promise<{ authorizationUrl: URL; codeVerifier: string }> {
  return startAuthorization(discovery.issuer, {
    metadata: metadataOf(discovery),
    clientInformation: clientInformationOf(client),
    redirectUrl: options.redirectUri,
    state: options.state,
    resource: discovery.resource,
    ...(discovery.scope ? { scope: discovery.scope } : {}),
  });
}

/**
 * RFC 9207: an authorization response's `iss` must be the issuer we sent the browser to. It is
 * required when the server says it sends one.
 */
export function checkResponseIssuer(discovery: OAuthDiscovery, iss: string | null): void {
  const announced = discovery.metadata.authorization_response_iss_parameter_supported === true;
  if (iss === null) {
    if (announced)
      throw new OAuthFlowError("The authorization response has no issuer (iss): refused");
    return;
  }
  if (!sameUrl(iss, discovery.issuer))
    throw new OAuthFlowError(
      `The authorization response came from issuer ${iss}, not ${discovery.issuer}: refused (issuer mismatch)`,
    );
}

export function exchangeCode(
  discovery: OAuthDiscovery,
  client: ClientChoice,
  options: { code: string; codeVerifier: string; redirectUri: string; fetchFn?: typeof fetch },
): Promise<OAuthTokens> {
  return exchangeAuthorization(discovery.issuer, {
    metadata: metadataOf(discovery),
    clientInformation: clientInformationOf(client),
    authorizationCode: options.code,
    codeVerifier: options.codeVerifier,
    redirectUri: options.redirectUri,
    resource: discovery.resource,
    ...(options.fetchFn ? { fetchFn: options.fetchFn } : {}),
  });
}

export function refreshTokens(
  discovery: OAuthDiscovery,
  client: ClientChoice,
  refreshToken: string,
  fetchFn?: typeof fetch,
): Promise<OAuthTokens> {
  return refreshAuthorization(discovery.issuer, {
    metadata: metadataOf(discovery),
    clientInformation: clientInformationOf(client),
    refreshToken,
    resource: discovery.resource,
    ...(fetchFn ? { fetchFn } : {}),
  });
}
