import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getInspectorSessions } from "@/server/mcp/inspector-sessions";
import { freePort, startEverythingHttp } from "@/server/mcp/testing/servers";
import { listAuditLogs } from "@/server/repositories/audit";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, expectTrpcError, makeTenant, makeUser } from "@/server/testing/factories";

/**
 * The inspector's procedures as a user calls them: a session with an installed Everything server
 * (stdio) belongs to its tenant and user; a URL is tried over Streamable HTTP, then SSE; bad input
 * and unreachable URLs are clear 4xx answers that name no internals.
 */

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await getInspectorSessions().closeAll();
  await database?.close();
});

async function setup() {
  const { db } = database;
  const tenant = await makeTenant(db);
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
  const asAdmin = await callerFor(db, admin, tenant);
  const asEditor = await callerFor(db, editor, tenant);
  const { items } = await asAdmin.mcp.listCatalog({ search: "Everything", limit: 50 });
  const entry = items.find((i) => i.title === "Everything")!;
  const installation = await asAdmin.mcp.install({
    catalogEntryId: entry.id,
    name: `everything-${randomUUID().slice(0, 8)}`,
    values: {},
  });
  return { tenant, asAdmin, asEditor, installation };
}

describe("inspector sessions of an installed server", () => {
  it("opens one session per user and installation, reads, gets prompts, calls tools, streams history; others cannot reach it", async () => {
    const { tenant, asAdmin, asEditor, installation } = await setup();
    const opened = await asEditor.inspector.openInstallation({ installationId: installation.id });
    expect(opened.capabilities.resources).toBe(true);
    expect(opened.target).toMatchObject({ kind: "installation", name: installation.name });
    const again = await asEditor.inspector.openInstallation({ installationId: installation.id });
    expect(again.sessionId).toBe(opened.sessionId);
    const { sessionId } = opened;

    const { resources, templates } = await asEditor.inspector.listResources({ sessionId });
    expect(resources.length).toBeGreaterThan(0);
    expect(templates.some((t) => t.variables.includes("resourceId"))).toBe(true);
    const read = await asEditor.inspector.readResource({
      sessionId,
      uriTemplate: "demo://resource/dynamic/text/{resourceId}",
      values: { resourceId: "5" },
    });
    expect(JSON.stringify(read.contents)).toContain("Resource 5");
    const prompt = await asEditor.inspector.getPrompt({
      sessionId,
      name: "args-prompt",
      args: { city: "Turin" },
    });
    expect(JSON.stringify(prompt.messages)).toContain("Turin");
    const outcome = await asEditor.inspector.callTool({
      sessionId,
      callId: randomUUID(),
      tool: "echo",
      args: { message: "hello" },
    });
    expect(outcome).toMatchObject({ status: "done", isError: false });

    const events = await asEditor.inspector.events({ sessionId });
    const methods: string[] = [];
    // Each event is tracked, [id, event] as the SSE stream sends it, so a reconnect can resume.
    const iterator = (
      events as AsyncIterable<[string, { type: string; entry?: { method: string } }]>
    )[Symbol.asyncIterator]();
    const deadline = Date.now() + 2_000;
    while (Date.now() < deadline) {
      const next = await Promise.race([
        iterator.next(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 300)),
      ]);
      if (!next || next.done) break;
      const [, event] = next.value;
      if (event.type === "history" && event.entry) methods.push(event.entry.method);
    }
    // The stream stays open (as a browser's would) until the session closes below.
    expect(methods).toEqual(
      expect.arrayContaining(["initialize", "resources/list", "prompts/get", "tools/call"]),
    );

    // Another user of the tenant, and anyone of another tenant, get NOT_FOUND for this session.
    await expectTrpcError(asAdmin.inspector.listTools({ sessionId }), "NOT_FOUND");
    const outsiderTenant = await makeTenant(database.db);
    const outsider = await makeUser(database.db, { memberships: [[outsiderTenant, "owner"]] });
    const asOutsider = await callerFor(database.db, outsider, outsiderTenant);
    await expectTrpcError(asOutsider.inspector.get({ sessionId }), "NOT_FOUND");
    await expectTrpcError(
      asOutsider.inspector.openInstallation({ installationId: installation.id }),
      "NOT_FOUND",
    );

    const audit = await listAuditLogs(database.db, {
      tenantId: tenant.id,
      action: "tool.run",
      limit: 10,
    });
    expect(audit.items[0]?.metadata).toMatchObject({ tool: "echo", via: "inspector", ok: true });

    await asEditor.inspector.close({ sessionId });
    await expectTrpcError(asEditor.inspector.get({ sessionId }), "NOT_FOUND");
  });

  it("refuses bad input with a 4xx that names the field", async () => {
    const { asEditor, installation } = await setup();
    const { sessionId } = await asEditor.inspector.openInstallation({
      installationId: installation.id,
    });
    await expectTrpcError(asEditor.inspector.listTools({ sessionId: "nope" }), "BAD_REQUEST");
    const args = await expectTrpcError(
      asEditor.inspector.callTool({
        sessionId,
        callId: randomUUID(),
        tool: "get-sum",
        args: { a: "x" },
      }),
      "BAD_REQUEST",
    );
    expect(args.message).toMatch(/schema/);
    const prompt = await expectTrpcError(
      asEditor.inspector.getPrompt({ sessionId, name: "args-prompt", args: {} }),
      "BAD_REQUEST",
    );
    expect(prompt.message).toContain('"city" is required');
    await expectTrpcError(
      asEditor.inspector.setLogLevel({ sessionId, level: "loud" as "info" }),
      "BAD_REQUEST",
    );
    await expectTrpcError(
      asEditor.inspector.getPrompt({ sessionId, name: "no-such-prompt", args: {} }),
      "NOT_FOUND",
    );
    // Trying a URL is the right to install: editors may not.
    await expectTrpcError(
      asEditor.inspector.connectUrl({ url: "http://127.0.0.1:9/mcp" }),
      "FORBIDDEN",
    );
  });
});

describe("connecting to a URL before installing", () => {
  let redirect: Server;
  let redirectUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    redirect = createServer((_req, res) => {
      res.writeHead(307, { location: "http://169.254.169.254/latest/meta-data" }).end();
    });
    await new Promise<void>((resolve) => redirect.listen(port, "127.0.0.1", resolve));
    redirectUrl = `http://127.0.0.1:${port}/mcp`;
  });
  afterAll(() => redirect?.close());

  it("connects over Streamable HTTP with headers, and falls back to SSE for an SSE-only server", async () => {
    const { tenant, asAdmin } = await setup();
    const http = await startEverythingHttp("streamableHttp");
    const sse = await startEverythingHttp("sse");
    try {
      const viaHttp = await asAdmin.inspector.connectUrl({
        url: http.url,
        headers: [{ name: "X-Api-Key", value: "secret-value" }],
      });
      expect(viaHttp.target).toMatchObject({ kind: "url", url: http.url });
      const { prompts } = await asAdmin.inspector.listPrompts({ sessionId: viaHttp.sessionId });
      expect(prompts.map((p) => p.name)).toContain("args-prompt");

      const viaSse = await asAdmin.inspector.connectUrl({ url: sse.url, transport: "auto" });
      const read = await asAdmin.inspector.readResource({
        sessionId: viaSse.sessionId,
        uriTemplate: "demo://resource/dynamic/text/{resourceId}",
        values: { resourceId: "9" },
      });
      expect(JSON.stringify(read.contents)).toContain("Resource 9");

      const audit = await listAuditLogs(database.db, {
        tenantId: tenant.id,
        action: "inspector.connect",
        limit: 10,
      });
      expect(audit.items.map((a) => a.metadata.transport).sort()).toEqual([
        "sse",
        "streamable-http",
      ]);
      expect(JSON.stringify(audit.items)).not.toContain("secret-value");
      await asAdmin.inspector.close({ sessionId: viaHttp.sessionId });
      await asAdmin.inspector.close({ sessionId: viaSse.sessionId });
    } finally {
      http.stop();
      sse.stop();
    }
  });

  it("refuses bad URLs and headers, and says why a URL failed without internals", async () => {
    const { asAdmin } = await setup();
    for (const url of ["ftp://example.test/mcp", "not a url", "http://user:pw@127.0.0.1:9/mcp"])
      await expectTrpcError(asAdmin.inspector.connectUrl({ url }), "BAD_REQUEST");
    await expectTrpcError(
      asAdmin.inspector.connectUrl({
        url: "http://127.0.0.1:9/mcp",
        headers: [{ name: "Host", value: "internal" }],
      }),
      "BAD_REQUEST",
    );
    await expectTrpcError(
      asAdmin.inspector.connectUrl({
        url: "http://127.0.0.1:9/mcp",
        headers: [{ name: "X-A", value: "one\r\nX-B: two" }],
      }),
      "BAD_REQUEST",
    );

    const port = await freePort();
    const refused = await expectTrpcError(
      asAdmin.inspector.connectUrl({ url: `http://127.0.0.1:${port}/mcp` }),
      "PRECONDITION_FAILED",
    );
    expect(refused.message).toBe(
      `Could not connect to http://127.0.0.1:${port}/mcp (Streamable HTTP: the connection was refused; SSE: the connection was refused)`,
    );

    const redirected = await expectTrpcError(
      asAdmin.inspector.connectUrl({ url: redirectUrl, transport: "streamable-http" }),
      "PRECONDITION_FAILED",
    );
    expect(redirected.message).toContain("redirect, which is not followed");
    expect(redirected.message).not.toContain("169.254");
  });
});
