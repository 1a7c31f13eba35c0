import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { mcpInstallations, mcpOAuthConnections } from "@/db/schema";
import { StepError } from "@/engine/runtime/step-error";
import { encryptTokens, forgetCachedTokens, oauthAuthorizer } from "@/server/mcp/oauth-tokens";
import { poolKeyOf } from "@/server/mcp/installation-launch";
import { getMcpPool } from "@/server/mcp/pool";
import { startOAuthServers, type RunningOAuthServers } from "@/server/mcp/testing/oauth-servers";
import { createMcpToolPort } from "@/server/mcp/tool-port";
import { listAuditLogs } from "@/server/repositories/audit";
import { claimRefreshLease, updateConnectionIfVersion } from "@/server/repositories/mcp-oauth";
import { createTestDatabase } from "@/server/testing/database";
import {
  callerFor,
  expectTrpcError,
  makeTenant,
  makeUser,
  testMeta,
} from "@/server/testing/factories";
import type { TenantContext } from "./context";
import { clientMetadataDocument, finishOAuthConnect, startOAuthConnect } from "./mcp-oauth";

/**
 * OAuth sign-in of remote MCP servers against a local authorization server and a protected MCP
 * server (server/mcp/testing/oauth-servers.ts) on loopback. Our Client ID Metadata Document is
 * served on loopback too, as the app serves it at /api/mcp-oauth/client.
 */

let database: Database;
let appServer: Server;
let appUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  appServer = createServer((req, res) => {
    if (req.url !== "/api/mcp-oauth/client") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(clientMetadataDocument(appUrl)));
  });
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await getMcpPool().closeAll();
  await new Promise((resolve) => appServer?.close(resolve));
  await database?.close();
});

const running: RunningOAuthServers[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
});

async function setup(options: Parameters<typeof startOAuthServers>[0] = {}) {
  const servers = await startOAuthServers(options);
  running.push(servers);
  const { db } = database;
  const tenant = await makeTenant(db);
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const asAdmin = await callerFor(db, admin, tenant);
  const ctx: TenantContext = {
    db,
    actor: { userId: admin.id, email: admin.email, name: admin.name, isSuperadmin: false },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "admin" },
    meta: testMeta,
  };
  const imported = await asAdmin.mcp.importEntries({
    kind: "mcp-servers",
    text: JSON.stringify({ mcpServers: { protected: { url: servers.mcpUrl } } }),
  });
  const installation = await asAdmin.mcp.install({
    catalogEntryId: imported.imported[0]!.id,
    name: "protected",
    values: {},
  });
  /** What the browser does: open the authorization URL, press "Sign in and allow", come back. */
  const authorize = async (as: TenantContext = ctx) => {
    const { authorizationUrl } = await startOAuthConnect(as, installation.id, { appUrl });
    const url = new URL(authorizationUrl);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Sign in and allow");
    const approved = await fetch(new URL("/authorize", url), {
      method: "POST",
      body: url.searchParams,
      redirect: "manual",
    });
    const back = new URL(approved.headers.get("location")!);
    expect(back.origin + back.pathname).toBe(`${appUrl}/api/mcp-oauth/callback`);
    return {
      state: back.searchParams.get("state")!,
      code: back.searchParams.get("code")!,
      iss: back.searchParams.get("iss")!,
    };
  };
  const connect = async () => {
    const outcome = await finishOAuthConnect(ctx, await authorize());
    expect(outcome).toEqual({ installationId: installation.id, error: null });
  };
  const connection = async () =>
    (
      await db
        .select()
        .from(mcpOAuthConnections)
        .where(eq(mcpOAuthConnections.installationId, installation.id))
    )[0]!;
  /** Moves an hour-long access token towards its expiry (as time passing would), forgetting this process's copy. */
  const expireIn = async (ms: number) => {
    await db
      .update(mcpOAuthConnections)
      .set({
        expiresAt: new Date(Date.now() + ms),
        issuedAt: new Date(Date.now() + ms - 3_600_000),
      })
      .where(eq(mcpOAuthConnections.installationId, installation.id));
    forgetCachedTokens(installation.id);
  };
  return {
    servers,
    tenant,
    admin,
    asAdmin,
    ctx,
    installation,
    authorize,
    connect,
    connection,
    expireIn,
  };
}

const textOf = (answer: { content: unknown[] }) => JSON.stringify(answer.content);

describe("signing in to a remote MCP server with OAuth", () => {
  it("discovers the servers, signs in with our client ID metadata document, PKCE S256 and the resource indicator, then calls with the token", async () => {
    const { servers, asAdmin, installation, connect } = await setup({ cimd: true, dcr: true });

    expect((await asAdmin.mcpOAuth.status({ id: installation.id })).state).toBe("needed");
    const refused = await expectTrpcError(
      asAdmin.mcp.listTools({ id: installation.id }),
      "PRECONDITION_FAILED",
    );
    expect(refused.message).toMatch(/asks for an OAuth sign-in.*presses Connect/);

    await connect();

    expect(new Set(servers.log.metadataDocumentFetches)).toEqual(
      new Set([`${appUrl}/api/mcp-oauth/client`]),
    );
    expect(servers.log.registrations).toBe(0);
    const authorizeRequest = servers.log.authorizeRequests[0]!;
    expect(authorizeRequest.get("client_id")).toBe(`${appUrl}/api/mcp-oauth/client`);
    expect(authorizeRequest.get("code_challenge_method")).toBe("S256");
    expect(authorizeRequest.get("resource")).toBe(servers.mcpUrl);
    const tokenRequest = servers.log.tokenRequests[0]!;
    expect(tokenRequest.get("resource")).toBe(servers.mcpUrl);
    expect(tokenRequest.get("code_verifier")).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);

    const status = await asAdmin.mcpOAuth.status({ id: installation.id });
    expect(status).toMatchObject({
      state: "connected",
      issuer: servers.issuer,
      clientKind: "metadata-document",
    });
    const tools = await asAdmin.mcp.listTools({ id: installation.id });
    expect(tools.tools.map((t) => t.name).sort()).toEqual(["echo", "whoami"]);
    const answer = await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} });
    expect(textOf(answer)).toContain("signed in as demo-user");
  });

  it("registers dynamically (RFC 7591) when the authorization server takes no metadata documents", async () => {
    const { servers, asAdmin, installation, connect } = await setup({ cimd: false, dcr: true });
    await connect();
    expect(servers.log.registrations).toBe(1);
    expect(servers.log.metadataDocumentFetches).toEqual([]);
    expect((await asAdmin.mcpOAuth.status({ id: installation.id })).clientKind).toBe("registered");
    const answer = await asAdmin.mcp.runTool({
      id: installation.id,
      tool: "echo",
      args: { message: "registered" },
    });
    expect(textOf(answer)).toContain("echo: registered");
  });

  it("refuses an authorization server whose metadata names another issuer, and one that offers no way to be a client", async () => {
    const mixUp = await setup({ claimedIssuer: "https://attacker.example" });
    await expect(startOAuthConnect(mixUp.ctx, mixUp.installation.id, { appUrl })).rejects.toThrow(
      /names issuer https:\/\/attacker\.example.*issuer mismatch/,
    );
    expect(mixUp.servers.log.authorizeRequests).toEqual([]);

    const closed = await setup({ cimd: false, dcr: false });
    await expect(startOAuthConnect(closed.ctx, closed.installation.id, { appUrl })).rejects.toThrow(
      /neither client ID metadata documents nor dynamic client registration/,
    );
  });

  it("takes a sign-in's state once, only for the person who started it, and not after it expired", async () => {
    const { ctx, tenant, authorize, installation } = await setup();
    const first = await authorize();
    await finishOAuthConnect(ctx, first);
    await expect(finishOAuthConnect(ctx, first)).rejects.toThrow(/expired or was already used/);

    const colleague = await makeUser(database.db, { memberships: [[tenant, "admin"]] });
    const asColleague: TenantContext = {
      ...ctx,
      actor: { ...ctx.actor, userId: colleague.id, email: colleague.email },
    };
    await expect(finishOAuthConnect(asColleague, await authorize())).rejects.toThrow(
      /started by another person/,
    );

    const late = await authorize();
    await expect(
      finishOAuthConnect(ctx, late, { now: new Date(Date.now() + 11 * 60_000) }),
    ).rejects.toThrow(/expired or was already used/);

    // An authorization response from another issuer is refused (RFC 9207).
    const mixed = await authorize();
    const outcome = await finishOAuthConnect(ctx, { ...mixed, iss: "https://attacker.example" });
    expect(outcome).toEqual({
      installationId: installation.id,
      error: expect.stringMatching(/issuer mismatch/),
    });
  });

  it("refreshes the access token before it expires", async () => {
    const { servers, asAdmin, installation, connect, connection, expireIn } = await setup();
    await connect();
    expect(
      textOf(await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} })),
    ).toContain("token #1");
    const before = await connection();

    await expireIn(30_000); // under a minute left: due
    const answer = await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} });
    expect(textOf(answer)).toContain("token #2");
    expect(servers.log.refreshes).toBe(1);
    expect(servers.log.refusedRequests).toBe(1); // only the call before Connect
    const after = await connection();
    expect(after.version).toBe(before.version + 1);
    expect(after.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it("uses another process's renewed token when its own refresh is refused, even one already due, without waiting on itself", async () => {
    const { tenant, installation, connect, connection, expireIn } = await setup();
    await connect();
    await expireIn(10_000); // due
    // The other process renews first (its token living 2 s: due at once) and rotates the refresh
    // token, so this process's refresh is refused.
    const fetchFn: typeof fetch = async () => {
      const row = await connection();
      await updateConnectionIfVersion(database.db, row.id, row.version, {
        tokensEncrypted: encryptTokens({ access_token: "from-elsewhere", token_type: "Bearer" }),
        issuedAt: new Date(Date.now() - 1_000),
        expiresAt: new Date(Date.now() + 1_000),
      });
      return Response.json({ error: "invalid_grant" }, { status: 400 });
    };
    const authorizer = oauthAuthorizer(
      database.db,
      { id: installation.id, tenantId: tenant.id, name: "protected" },
      { fetchFn },
    );
    const header = await Promise.race([
      authorizer.authorization({ renew: false }),
      new Promise<string>((resolve) =>
        setTimeout(() => resolve("still waiting after 10 s"), 10_000),
      ),
    ]);
    expect(header).toBe("Bearer from-elsewhere");
    expect((await connection()).status).toBe("connected");
  });

  it("never spends the refresh token while another process renews it: the current token while it lasts, then the renewed row", async () => {
    const { servers, tenant, installation, connect, connection, expireIn } = await setup();
    await connect();
    await expireIn(30_000); // due, not expired
    const before = await connection();
    // The other process took the lease and is talking to the authorization server.
    expect(
      await claimRefreshLease(
        database.db,
        before.id,
        before.version,
        new Date(Date.now() + 30_000),
        new Date(),
      ),
    ).toBeDefined();
    const asServer = { id: installation.id, tenantId: tenant.id, name: "protected" };
    const current = await oauthAuthorizer(database.db, asServer).authorization({ renew: false });
    expect(current).toMatch(/^Bearer /);

    await expireIn(-1_000); // expired: wait for the other process's renewal
    const waiting = oauthAuthorizer(database.db, asServer).authorization({ renew: false });
    const row = await connection();
    await updateConnectionIfVersion(database.db, row.id, row.version, {
      tokensEncrypted: encryptTokens({ access_token: "renewed-elsewhere", token_type: "Bearer" }),
      issuedAt: new Date(),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
    expect(await waiting).toBe("Bearer renewed-elsewhere");
    expect(servers.log.refreshes).toBe(0);
    expect((await connection()).refreshLeaseUntil).toBeNull();
  });

  it("after the server refused the current token, waits for the renewal another process holds instead of sending that token again (which would mark Reconnect)", async () => {
    const { servers, tenant, installation, connect, connection } = await setup();
    await connect();
    const before = await connection(); // an hour left: not due
    const asServer = { id: installation.id, tenantId: tenant.id, name: "protected" };
    const authorizer = oauthAuthorizer(database.db, asServer);
    const refusedToken = await authorizer.authorization({ renew: false });
    // The other process is renewing (its authorization server revoked the old access token), and
    // dies before it stores anything: its lease runs out.
    expect(
      await claimRefreshLease(
        database.db,
        before.id,
        before.version,
        new Date(Date.now() + 300),
        new Date(),
      ),
    ).toBeDefined();
    // Our request was answered 401: a renewal is asked for, and it is not the refused token.
    const renewed = await authorizer.authorization({ renew: true });
    expect(renewed).toMatch(/^Bearer /);
    expect(renewed).not.toBe(refusedToken);
    expect(servers.log.refreshes).toBe(1);
    expect((await connection()).status).toBe("connected");
  });

  it("takes over a renewal whose process died (its lease ran out)", async () => {
    const { servers, asAdmin, installation, connect, connection, expireIn } = await setup();
    await connect();
    await expireIn(-1_000);
    const row = await connection();
    await claimRefreshLease(database.db, row.id, row.version, new Date(Date.now() - 1), new Date());
    const answer = await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} });
    expect(textOf(answer)).toContain("token #2");
    expect(servers.log.refreshes).toBe(1);
    expect((await connection()).refreshLeaseUntil).toBeNull();
  });

  it("shows Reconnect when a refresh fails; calls and runs fail saying so, and a new sign-in mends it", async () => {
    const { servers, tenant, asAdmin, installation, connect, connection, expireIn } = await setup();
    await connect();
    servers.options.refuseRefresh = true;
    await expireIn(10_000);

    const refused = await expectTrpcError(
      asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} }),
      "PRECONDITION_FAILED",
    );
    expect(refused.message).toMatch(/could not be renewed.*presses Reconnect/);
    const status = await asAdmin.mcpOAuth.status({ id: installation.id });
    expect(status.state).toBe("reconnect");
    expect(status.lastError).toMatch(/refreshing the token failed/);

    // What a run's step sees: a clear step error naming the reconnect, never retried as a crash.
    const tools = createMcpToolPort({ db: database.db, tenantId: tenant.id });
    const failure = await tools
      .callTool(
        { server: "protected", tool: "whoami", args: {} },
        { signal: new AbortController().signal },
      )
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StepError);
    expect(failure).toMatchObject({ code: "AUTH_REQUIRED", retryable: false });
    expect((failure as StepError).message).toMatch(/presses Reconnect/);

    servers.options.refuseRefresh = false;
    const stale = await connection();
    await connect();
    expect((await asAdmin.mcpOAuth.status({ id: installation.id })).state).toBe("connected");
    // A process that read the row before the new sign-in loses its compare-and-set: it can
    // neither mark the new sign-in for Reconnect nor store the old grant's tokens over it.
    expect((await connection()).version).toBeGreaterThan(stale.version);
    expect(
      await updateConnectionIfVersion(database.db, stale.id, stale.version, {
        status: "reconnect",
      }),
    ).toBeUndefined();
    const answer = await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} });
    expect(textOf(answer)).toContain("signed in as demo-user");
  });

  it("sends no token to a URL the entry was changed to after the sign-in (an import replaced it), and says to Reconnect", async () => {
    const { asAdmin, installation, connect } = await setup();
    await connect();
    expect(
      textOf(await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} })),
    ).toContain("token #1");
    const seen: (string | undefined)[] = [];
    const elsewhere = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { "www-authenticate": "Bearer" }).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/mcp`;
      await asAdmin.mcp.importEntries({
        kind: "mcp-servers",
        text: JSON.stringify({ mcpServers: { protected: { url } } }),
      });
      await getMcpPool().evict(poolKeyOf(installation));
      const refused = await expectTrpcError(
        asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} }),
        "PRECONDITION_FAILED",
      );
      expect(refused.message).toMatch(/no longer the one it was signed in for.*Reconnect/);
      expect(seen.filter((header) => header !== undefined)).toEqual([]);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it("answers the sign-in box of an installation that cannot start with a 4xx saying why, not a failure of ours", async () => {
    const { asAdmin, installation } = await setup();
    await database.db
      .update(mcpInstallations)
      .set({ secretsEncrypted: "not-a-sealed-value", secretKeys: ["header:X-Key"] })
      .where(eq(mcpInstallations.id, installation.id));
    const refused = await expectTrpcError(
      asAdmin.mcpOAuth.status({ id: installation.id }),
      "PRECONDITION_FAILED",
    );
    expect(refused.message).toMatch(/^protected: /);
    await expectTrpcError(asAdmin.mcpOAuth.connect({ id: installation.id }), "PRECONDITION_FAILED");
  });

  it("never lets a token out of the server: not in any API answer, the audit log, or the database in plain text", async () => {
    const { servers, tenant, asAdmin, installation, connect, connection, expireIn } = await setup();
    await connect();
    await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} });
    await expireIn(30_000);
    await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} });
    const answers = [
      await asAdmin.mcpOAuth.status({ id: installation.id }),
      await asAdmin.mcp.getInstallation({ id: installation.id }),
      await asAdmin.mcp.listInstallations({ limit: 50 }),
      await asAdmin.mcp.listTools({ id: installation.id }),
      await asAdmin.mcp.runTool({ id: installation.id, tool: "whoami", args: {} }),
      await asAdmin.mcp.exportConfig(),
      await asAdmin.mcp.check({ id: installation.id }),
      await listAuditLogs(database.db, { tenantId: tenant.id, limit: 100 }),
    ];
    const everything = JSON.stringify(answers) + JSON.stringify(await connection());
    const tokens = servers.issuedTokens();
    expect(tokens.length).toBe(4); // the first sign-in and one refresh: access + refresh each
    for (const token of tokens) expect(everything).not.toContain(token);
  });
});
