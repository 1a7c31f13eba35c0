import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/**
 * A local OAuth 2.1 authorization server and an MCP server it protects, on loopback, for tests
 * and e2e (written with node:http so every rule is visible here):
 * - the MCP server at `<resource>/mcp` answers 401 with `WWW-Authenticate: Bearer
 *   resource_metadata=…` without a valid token for its resource, and publishes RFC 9728 metadata;
 * - the authorization server publishes RFC 8414 metadata (S256 only, `iss` in responses), takes
 *   Client ID Metadata Documents (it fetches the client id URL and checks the redirect URI) and/or
 *   dynamic registration, shows a sign-in page, checks PKCE and the resource indicator on the code
 *   exchange, and rotates refresh tokens.
 * Tests switch behaviours through `options` and read what happened in `log`.
 */

export type OAuthServerOptions = {
  /** Advertise and accept Client ID Metadata Documents. */
  cimd: boolean;
  /** Offer dynamic client registration (RFC 7591). */
  dcr: boolean;
  /** Claim this issuer in the metadata instead of our own URL (the mix-up test). */
  claimedIssuer: string | null;
  /** Access token lifetime, seconds. */
  tokenLifetimeS: number;
  /** Refuse refresh grants (invalid_grant), as after a revoked sign-in. */
  refuseRefresh: boolean;
};

type Client = { clientId: string; redirectUris: string[]; via: "cimd" | "dcr" };
type Grant = {
  clientId: string;
  redirectUri: string;
  challenge: string;
  resource: string;
  scope: string;
};
type Token = { clientId: string; resource: string; expiresAt: number; serial: number };

export type OAuthServersLog = {
  registrations: number;
  metadataDocumentFetches: string[];
  authorizeRequests: URLSearchParams[];
  tokenRequests: URLSearchParams[];
  refreshes: number;
  /** Access tokens the MCP server accepted, in order. */
  acceptedTokens: string[];
  refusedRequests: number;
};

export type RunningOAuthServers = {
  /** The protected MCP server's URL (Streamable HTTP). */
  mcpUrl: string;
  issuer: string;
  options: OAuthServerOptions;
  log: OAuthServersLog;
  /** Every access and refresh token issued so far. */
  issuedTokens: () => string[];
  stop: () => Promise<void>;
};

const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
};

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");
const newSecret = () => randomBytes(24).toString("base64url");

const listen = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );

export async function startOAuthServers(
  initial: Partial<OAuthServerOptions> = {},
): Promise<RunningOAuthServers> {
  const options: OAuthServerOptions = {
    cimd: true,
    dcr: true,
    claimedIssuer: null,
    tokenLifetimeS: 3600,
    refuseRefresh: false,
    ...initial,
  };
  const log: OAuthServersLog = {
    registrations: 0,
    metadataDocumentFetches: [],
    authorizeRequests: [],
    tokenRequests: [],
    refreshes: 0,
    acceptedTokens: [],
    refusedRequests: 0,
  };
  const clients = new Map<string, Client>();
  const codes = new Map<string, Grant>();
  const accessTokens = new Map<string, Token>();
  const refreshTokens = new Map<string, { clientId: string; resource: string; scope: string }>();
  let serial = 0;
  const issued: string[] = [];

  const asServer = createServer();
  const rsServer = createServer();
  const issuer = `http://127.0.0.1:${await listen(asServer)}`;
  const rsOrigin = `http://127.0.0.1:${await listen(rsServer)}`;
  const resource = `${rsOrigin}/mcp`;
  const prmUrl = `${rsOrigin}/.well-known/oauth-protected-resource/mcp`;

  async function findClient(clientId: string): Promise<Client | null> {
    const known = clients.get(clientId);
    if (known) return known;
    if (!options.cimd || !/^https?:\/\//.test(clientId)) return null;
    log.metadataDocumentFetches.push(clientId);
    try {
      const response = await fetch(clientId, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) return null;
      const doc = (await response.json()) as { client_id?: string; redirect_uris?: string[] };
      if (doc.client_id !== clientId || !Array.isArray(doc.redirect_uris)) return null;
      return { clientId, redirectUris: doc.redirect_uris, via: "cimd" };
    } catch {
      return null;
    }
  }

  function issueTokens(
    res: ServerResponse,
    grant: { clientId: string; resource: string; scope: string },
  ) {
    const access = newSecret();
    const refresh = newSecret();
    serial += 1;
    issued.push(access, refresh);
    accessTokens.set(access, {
      clientId: grant.clientId,
      resource: grant.resource,
      expiresAt: Date.now() + options.tokenLifetimeS * 1000,
      serial,
    });
    refreshTokens.set(refresh, grant);
    json(res, 200, {
      access_token: access,
      token_type: "Bearer",
      expires_in: options.tokenLifetimeS,
      refresh_token: refresh,
      scope: grant.scope,
    });
  }

  asServer.on("request", (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", issuer);
      if (url.pathname === "/.well-known/oauth-authorization-server") {
        return json(res, 200, {
          issuer: options.claimedIssuer ?? issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          ...(options.dcr ? { registration_endpoint: `${issuer}/register` } : {}),
          response_types_supported: ["code"],
          grant_types_supported: ["authorization_code", "refresh_token"],
          code_challenge_methods_supported: ["S256"],
          token_endpoint_auth_methods_supported: ["none"],
          client_id_metadata_document_supported: options.cimd,
          authorization_response_iss_parameter_supported: true,
        });
      }
      if (url.pathname === "/register" && req.method === "POST" && options.dcr) {
        const body = JSON.parse(await readBody(req)) as { redirect_uris?: string[] };
        log.registrations += 1;
        const clientId = `dcr-${newSecret()}`;
        clients.set(clientId, { clientId, redirectUris: body.redirect_uris ?? [], via: "dcr" });
        return json(res, 201, {
          ...body,
          client_id: clientId,
          client_id_issued_at: Math.floor(Date.now() / 1000),
        });
      }
      if (url.pathname === "/authorize") {
        const params =
          req.method === "POST" ? new URLSearchParams(await readBody(req)) : url.searchParams;
        if (req.method === "GET") log.authorizeRequests.push(params);
        const client = await findClient(params.get("client_id") ?? "");
        const redirectUri = params.get("redirect_uri") ?? "";
        if (!client || !client.redirectUris.includes(redirectUri)) {
          res.writeHead(400, { "content-type": "text/plain" });
          return res.end("Unknown client or redirect URI");
        }
        if (params.get("code_challenge_method") !== "S256" || !params.get("code_challenge")) {
          res.writeHead(400, { "content-type": "text/plain" });
          return res.end("PKCE with S256 is required");
        }
        if (params.get("resource") !== resource) {
          res.writeHead(400, { "content-type": "text/plain" });
          return res.end(`Unknown resource ${params.get("resource")}`);
        }
        if (req.method === "GET") {
          const hidden = [...params]
            .map(
              ([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`,
            )
            .join("");
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(
            `<!doctype html><title>Test authorization server</title><main><h1>Test authorization server</h1>` +
              `<p>Maestro asks to use the protected MCP server as demo-user.</p>` +
              `<form method="post" action="/authorize">${hidden}<button type="submit">Sign in and allow</button></form></main>`,
          );
        }
        const code = newSecret();
        codes.set(code, {
          clientId: client.clientId,
          redirectUri,
          challenge: params.get("code_challenge")!,
          resource,
          scope: params.get("scope") ?? "",
        });
        const back = new URL(redirectUri);
        back.searchParams.set("code", code);
        back.searchParams.set("state", params.get("state") ?? "");
        back.searchParams.set("iss", options.claimedIssuer ?? issuer);
        res.writeHead(302, { location: back.href });
        return res.end();
      }
      if (url.pathname === "/token" && req.method === "POST") {
        const params = new URLSearchParams(await readBody(req));
        log.tokenRequests.push(params);
        const fail = (error: string, description: string) =>
          json(res, 400, { error, error_description: description });
        if (params.get("resource") !== resource) return fail("invalid_target", "wrong resource");
        if (params.get("grant_type") === "authorization_code") {
          const grant = codes.get(params.get("code") ?? "");
          codes.delete(params.get("code") ?? "");
          if (!grant) return fail("invalid_grant", "unknown or used code");
          if (grant.clientId !== params.get("client_id"))
            return fail("invalid_grant", "wrong client");
          if (grant.redirectUri !== params.get("redirect_uri"))
            return fail("invalid_grant", "wrong redirect URI");
          if (s256(params.get("code_verifier") ?? "") !== grant.challenge)
            return fail("invalid_grant", "PKCE verification failed");
          return issueTokens(res, grant);
        }
        if (params.get("grant_type") === "refresh_token") {
          log.refreshes += 1;
          const grant = refreshTokens.get(params.get("refresh_token") ?? "");
          if (options.refuseRefresh || !grant)
            return fail("invalid_grant", "the sign-in was revoked");
          refreshTokens.delete(params.get("refresh_token") ?? "");
          return issueTokens(res, grant);
        }
        return fail("unsupported_grant_type", "no");
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => {
      if (!res.headersSent)
        json(res, 500, { error: "server_error", error_description: String(error) });
    });
  });

  function makeMcpServer(token: Token) {
    const server = new McpServer({ name: "oauth-protected", version: "1.0.0" });
    server.registerTool(
      "whoami",
      { description: "Who the token belongs to", inputSchema: {} },
      () => ({
        content: [{ type: "text", text: `signed in as demo-user (token #${token.serial})` }],
      }),
    );
    server.registerTool(
      "echo",
      { description: "Echoes the message", inputSchema: { message: z.string() } },
      ({ message }) => ({ content: [{ type: "text", text: `echo: ${message}` }] }),
    );
    return server;
  }

  rsServer.on("request", (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", rsOrigin);
      if (url.pathname === "/.well-known/oauth-protected-resource/mcp") {
        return json(res, 200, {
          resource,
          authorization_servers: [issuer],
          scopes_supported: ["mcp:tools"],
          bearer_methods_supported: ["header"],
        });
      }
      if (url.pathname !== "/mcp") return res.writeHead(404).end();
      const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
      const token = bearer ? accessTokens.get(bearer) : undefined;
      if (!bearer || !token || token.expiresAt <= Date.now() || token.resource !== resource) {
        log.refusedRequests += 1;
        return json(
          res,
          401,
          { error: "invalid_token" },
          {
            "www-authenticate": `Bearer error="invalid_token", resource_metadata="${prmUrl}", scope="mcp:tools"`,
          },
        );
      }
      log.acceptedTokens.push(bearer);
      const body = req.method === "POST" ? JSON.parse(await readBody(req)) : undefined;
      const server = makeMcpServer(token);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(error) });
    });
  });

  return {
    mcpUrl: resource,
    issuer,
    options,
    log,
    issuedTokens: () => [...issued],
    stop: async () => {
      asServer.closeAllConnections();
      rsServer.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => asServer.close(resolve)),
        new Promise((resolve) => rsServer.close(resolve)),
      ]);
    },
  };
}
