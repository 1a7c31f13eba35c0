import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHTTPTransport,
} from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import type { TokenScope } from "@/server/auth/permissions";
import { getEnv } from "@/server/env";
import { getMcpPool } from "@/server/mcp/pool";
import { createMcpToolPort } from "@/server/mcp/tool-port";
import { listRuns } from "@/server/repositories/runs";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { useAppGlobals } from "@/server/testing/app-globals";
import { createTestDatabase } from "@/server/testing/database";
import { makeMemberCaller } from "@/server/testing/factories";
import { serveFrontDoor } from "@/server/front-door";

/**
 * The MCP endpoint as MCP clients see it: the v1 SDK's Client (a 2025-11-25 client) and the v2
 * SDK's Client pinned to 2026-07-28, over Streamable HTTP against the endpoint served on 127.0.0.1 through the front door, a real database and run system (PostgreSQL + BullMQ/Redis
 * with DATABASE_URL/REDIS_URL), and real MCP servers for tool steps. No LLM is involved.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let system: RunSystem;
let http: Server;
let endpoint: URL;

/** The endpoint as `npm start` serves it: Node's HTTP server with the app's front door (server/front-door.ts). */
function serveRoute(): Promise<Server> {
  const server = createServer((req, res) => {
    if (!serveFrontDoor(req, res)) res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  system = createRunSystem({
    db,
    redisUrl: getEnv().redisUrl,
    queueName: `mcp-endpoint-test-${randomBytes(4).toString("hex")}`,
    tools: (tenantId, onCall) => createMcpToolPort({ db, tenantId, onCall }),
  });
  await system.startWorkers(4);
  useAppGlobals(database, system);
  endpoint = new URL("http://127.0.0.1/api/mcp");
  http = await serveRoute();
  endpoint.port = String((http.address() as AddressInfo).port);
});
afterAll(async () => {
  http?.closeAllConnections();
  await new Promise((resolve) => http?.close(resolve));
  await getMcpPool().closeAll();
  await system?.close();
  await database?.close();
});

const greeting = makeWorkflow({
  name: "Greeting",
  description: "Greets someone by name.",
  nodes: [
    makeNode("input", "in", {
      schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    }),
    makeNode("transform", "greet", { template: { message: "Hello, {{input.name}}!" } }),
    makeNode("output", "out", { name: "greeting" }),
  ],
  edges: chain("in", "greet", "out"),
});

/** Fails at once and for good: its tool step names a server the tenant has not installed. */
const broken = makeWorkflow({
  name: "Broken",
  nodes: [
    makeNode("input", "in"),
    makeNode("tool", "lookup", { server: "nowhere", tool: "find", args: {} }),
    makeNode("output", "out", { name: "found" }),
  ],
  edges: chain("in", "lookup", "out"),
});

/** Runs for a minute on the Everything MCP server: long enough to be cancelled while it runs. */
const slow = makeWorkflow({
  name: "Slow",
  nodes: [
    makeNode("input", "in"),
    makeNode("tool", "wait", {
      server: "everything",
      tool: "trigger-long-running-operation",
      args: { duration: 60, steps: 60 },
    }),
    makeNode("output", "out", { name: "done" }),
  ],
  edges: chain("in", "wait", "out"),
});

type Caller = Awaited<ReturnType<typeof makeMemberCaller>>["caller"];

async function publish(
  caller: Caller,
  document: WorkflowDocument,
  options: { expose?: boolean } = {},
) {
  const workflow = await caller.workflow.create({
    name: `${document.name} ${randomBytes(3).toString("hex")}`,
    description: document.description ?? "",
  });
  const { version } = await caller.workflow.get({ id: workflow.id });
  await caller.workflow.saveDraft({
    id: workflow.id,
    baseVersion: version,
    document: { ...document, name: workflow.name },
  });
  await caller.workflow.publish({ workflowId: workflow.id });
  const tool =
    options.expose === false ? null : await caller.mcpTool.expose({ workflowId: workflow.id });
  return { workflow, toolName: tool?.toolName ?? "" };
}

async function tokenOf(caller: Caller, scopes: TokenScope[]) {
  return (
    await caller.token.create({ name: `mcp ${scopes.join(" ")}`, scopes, expiry: { in: "never" } })
  ).secret;
}

const clients: Client[] = [];
async function connect(secret: string): Promise<Client> {
  const client = new Client({ name: "maestro-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(endpoint, {
      requestInit: { headers: { authorization: `Bearer ${secret}` } },
    }),
  );
  clients.push(client);
  return client;
}
const modernClients: ModernClient[] = [];
/** A 2026-07-28 client: no initialize, a per-request envelope, cancel by hanging up. */
async function connectModern(secret: string): Promise<ModernClient> {
  const client = new ModernClient(
    { name: "maestro-test-2026", version: "1.0.0" },
    { versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(
    new ModernHTTPTransport(endpoint, {
      requestInit: { headers: { authorization: `Bearer ${secret}` } },
    }),
  );
  modernClients.push(client);
  return client;
}
afterAll(async () => {
  await Promise.all([...clients, ...modernClients].map((c) => c.close().catch(() => undefined)));
});

describe("/api/mcp for a 2026-07-28 client (v2 SDK)", () => {
  it("negotiates 2026-07-28 and lists the tenant's exposed workflows with their schemas", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const exposed = await publish(caller, greeting);
    await publish((await makeMemberCaller(database.db, "owner")).caller, greeting); // another tenant's tool

    const client = await connectModern(await tokenOf(caller, ["workflows:read"]));
    expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
    const { tools } = await client.listTools(undefined, { cacheMode: "bypass" });
    expect(tools).toEqual([
      expect.objectContaining({
        name: exposed.toolName,
        inputSchema: {
          type: "object",
          properties: { name: { type: "string" } },
          required: ["name"],
        },
        outputSchema: { type: "object", properties: { greeting: {} } },
      }),
    ]);
  });

  it("tells an open subscriptions/listen stream when its tenant's tool list changes, and never another tenant's", async () => {
    const listening = async () => {
      const member = await makeMemberCaller(database.db, "owner");
      const { workflow } = await publish(member.caller, greeting, { expose: false });
      const client = await connectModern(await tokenOf(member.caller, ["workflows:read"]));
      const heard = { changes: 0 };
      client.setNotificationHandler(
        "notifications/tools/list_changed",
        () => void (heard.changes += 1),
      );
      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });
      return { caller: member.caller, workflowId: workflow.id, client, heard, subscription };
    };
    const mine = await listening();
    const theirs = await listening();

    await theirs.caller.mcpTool.expose({ workflowId: theirs.workflowId });
    await mine.caller.mcpTool.expose({ workflowId: mine.workflowId });
    await expect
      .poll(() => [mine.heard.changes, theirs.heard.changes], { timeout: 20_000, interval: 50 })
      .toEqual([1, 1]);
    await mine.caller.mcpTool.update({ workflowId: mine.workflowId, description: "Says hello." });
    await mine.caller.workflow.publish({ workflowId: mine.workflowId }); // a new version: new schemas
    await mine.caller.mcpTool.hide({ workflowId: mine.workflowId });
    await theirs.caller.mcpTool.hide({ workflowId: theirs.workflowId });
    await theirs.caller.workflow.publish({ workflowId: theirs.workflowId }); // hidden: not a tool any more
    await expect
      .poll(() => [mine.heard.changes, theirs.heard.changes], { timeout: 20_000, interval: 50 })
      .toEqual([4, 2]);
    expect((await mine.client.listTools(undefined, { cacheMode: "bypass" })).tools).toEqual([]);

    await mine.subscription.close();
    await expect(mine.subscription.closed).resolves.toBe("local");
  });

  it("an API token holds at most 8 listen streams (429 beyond), and a closed one frees its place", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const client = await connectModern(await tokenOf(caller, ["workflows:read"]));
    const open = [];
    for (let i = 0; i < 8; i++) open.push(await client.listen({ toolsListChanged: true }));
    await expect(client.listen({ toolsListChanged: true })).rejects.toThrow(
      /429|8 open subscriptions\/listen streams/,
    );
    // Another token of the same tenant has its own places.
    const other = await connectModern(await tokenOf(caller, ["workflows:read"]));
    await (await other.listen({ toolsListChanged: true })).close();

    await open[0]!.close();
    await expect
      .poll(
        async () =>
          client
            .listen({ toolsListChanged: true })
            .then((s) => open.push(s))
            .then(
              () => true,
              () => false,
            ),
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
    await Promise.all(open.map((s) => s.close()));
  });

  it("a call runs the workflow (trigger mcp) and answers its output, with progress going up to the step count", async () => {
    const { caller, tenant } = await makeMemberCaller(database.db, "owner");
    const { workflow, toolName } = await publish(caller, greeting);
    const client = await connectModern(await tokenOf(caller, ["runs:write"]));
    const progress: { progress: number; total?: number }[] = [];
    const result = await client.callTool(
      { name: toolName, arguments: { name: "Ada" } },
      { onprogress: (p) => progress.push(p) },
    );

    expect(result.isError).toBe(false);
    expect(result.structuredContent).toEqual({ greeting: { message: "Hello, Ada!" } });
    expect(progress.map((p) => p.progress)).toEqual(
      [...new Set(progress.map((p) => p.progress))].sort((a, b) => a - b),
    );
    expect(progress.at(-1)).toMatchObject({ progress: 3, total: 3 });
    const runs = await listRuns(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      limit: 10,
    });
    expect(runs.items).toEqual([expect.objectContaining({ trigger: "mcp", status: "completed" })]);
  });

  it("a failed run, bad input and a refused call are tool results with isError", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const failing = await publish(caller, broken);
    const good = await publish(caller, greeting);
    const client = await connectModern(await tokenOf(caller, ["runs:write"]));

    const failed = await client.callTool({ name: failing.toolName, arguments: {} });
    expect(failed.isError).toBe(true);
    expect((failed.content[0] as { text: string }).text).toMatch(
      /failed at step "lookup": No MCP server named "nowhere"/,
    );
    const invalid = await client.callTool({ name: good.toolName, arguments: { name: 42 } });
    expect(invalid.isError).toBe(true);
    expect((invalid.content[0] as { text: string }).text).toMatch(/input is invalid: .*name/);

    const reader = await connectModern(await tokenOf(caller, ["workflows:read"]));
    const refused = await reader.callTool({ name: good.toolName, arguments: { name: "Ada" } });
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toMatch(/runs:write/);
  });

  it("cancelling a call (the client's AbortSignal) cancels its run", async () => {
    const { caller, tenant } = await makeMemberCaller(database.db, "owner");
    const catalog = await caller.mcp.listCatalog({ search: "everything" });
    await caller.mcp.install({
      catalogEntryId: catalog.items.find((i) => i.title === "Everything")!.id,
      name: "everything",
      values: {},
    });
    const { workflow, toolName } = await publish(caller, slow);
    const client = await connectModern(await tokenOf(caller, ["runs:write"]));

    const abort = new AbortController();
    const call = client.callTool(
      { name: toolName, arguments: {} },
      { signal: abort.signal, timeout: 120_000 },
    );
    const runOf = async () =>
      (await listRuns(database.db, { tenantId: tenant.id, workflowId: workflow.id, limit: 1 }))
        .items[0];
    await expect
      .poll(async () => (await runOf())?.status, { timeout: 20_000, interval: 100 })
      .toBe("running");
    abort.abort("changed my mind");
    await expect(call).rejects.toThrow();
    await expect
      .poll(async () => (await runOf())?.status, { timeout: 20_000, interval: 100 })
      .toBe("cancelled");
  }, 60_000);

  it("refuses a missing or bad token with 401", async () => {
    await expect(connectModern("mst_not-a-real-token")).rejects.toThrow(
      /401|Unauthorized|API token/i,
    );
  });
});

describe("/api/mcp", () => {
  it("lists the tenant's exposed workflows, and only those, with their input and output schemas", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const exposed = await publish(caller, greeting);
    await publish(caller, greeting, { expose: false });
    const other = await makeMemberCaller(database.db, "owner");
    await publish(other.caller, greeting); // another tenant's tool

    const client = await connect(await tokenOf(caller, ["workflows:read"]));
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
    const { tools } = await client.listTools();
    expect(tools).toEqual([
      expect.objectContaining({
        name: exposed.toolName,
        description: "Greets someone by name.",
        inputSchema: {
          type: "object",
          properties: { name: { type: "string" } },
          required: ["name"],
        },
        outputSchema: { type: "object", properties: { greeting: {} } },
      }),
    ]);
    expect(exposed.toolName).toMatch(/^greeting_[0-9a-f]{6}$/);

    // Tools are read per request: a hidden workflow is gone from the next listing.
    await caller.mcpTool.hide({ workflowId: exposed.workflow.id });
    expect((await client.listTools()).tools).toEqual([]);
  });

  it("a call runs the latest published version (trigger mcp) and answers its output as structured content and text, with progress", async () => {
    const { caller, tenant } = await makeMemberCaller(database.db, "owner");
    const { workflow, toolName } = await publish(caller, greeting);
    const client = await connect(await tokenOf(caller, ["runs:write"]));
    const progress: { progress: number; total?: number; message?: string }[] = [];
    const result = (await client.callTool(
      { name: toolName, arguments: { name: "Ada" } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    )) as CallToolResult;

    expect(result.isError).toBe(false);
    expect(result.structuredContent).toEqual({ greeting: { message: "Hello, Ada!" } });
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual({
      greeting: { message: "Hello, Ada!" },
    });
    // Progress as steps settle, always going up, ending at the step count.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map((p) => p.progress)).toEqual(
      [...progress.map((p) => p.progress)].sort((a, b) => a - b),
    );
    expect(new Set(progress.map((p) => p.progress)).size).toBe(progress.length);
    expect(progress.at(-1)).toMatchObject({ progress: 3, total: 3 });

    const runs = await listRuns(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      limit: 10,
    });
    expect(runs.items).toEqual([expect.objectContaining({ trigger: "mcp", status: "completed" })]);
    expect(result._meta).toEqual({ "maestro/runId": runs.items[0]!.id });
  });

  it("a run that fails is a tool result with isError and the reason, not a protocol error; bad input and unknown tools too", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const failing = await publish(caller, broken);
    const good = await publish(caller, greeting);
    const client = await connect(await tokenOf(caller, ["runs:write"]));

    const failed = (await client.callTool({
      name: failing.toolName,
      arguments: {},
    })) as CallToolResult;
    expect(failed.isError).toBe(true);
    expect((failed.content[0] as { text: string }).text).toMatch(
      /failed at step "lookup": No MCP server named "nowhere"/,
    );

    const invalid = (await client.callTool({
      name: good.toolName,
      arguments: { name: 42 },
    })) as CallToolResult;
    expect(invalid.isError).toBe(true);
    expect((invalid.content[0] as { text: string }).text).toMatch(/input is invalid: .*name/);

    const unknown = (await client.callTool({
      name: "no_such_tool",
      arguments: {},
    })) as CallToolResult;
    expect(unknown.isError).toBe(true);
    expect((unknown.content[0] as { text: string }).text).toMatch(/No tool "no_such_tool"/);

    // Names no tool can have are unknown tools; a NUL byte, which the database cannot hold, is refused as such.
    for (const name of ["with space", "x".repeat(65)]) {
      const odd = (await client.callTool({ name, arguments: {} })) as CallToolResult;
      expect(odd.isError).toBe(true);
      expect((odd.content[0] as { text: string }).text).toMatch(/^No tool "/);
    }
    const nul = (await client.callTool({ name: "a\u0000b", arguments: {} })) as CallToolResult;
    expect(nul.isError).toBe(true);
    expect((nul.content[0] as { text: string }).text).toMatch(/toolName: contains a NUL character/);
  });

  it("cancelling a call (the client's AbortSignal) cancels its run", async () => {
    const { caller, tenant } = await makeMemberCaller(database.db, "owner");
    const catalog = await caller.mcp.listCatalog({ search: "everything" });
    await caller.mcp.install({
      catalogEntryId: catalog.items.find((i) => i.title === "Everything")!.id,
      name: "everything",
      values: {},
    });
    const { workflow, toolName } = await publish(caller, slow);
    const client = await connect(await tokenOf(caller, ["runs:write"]));

    const abort = new AbortController();
    const call = client.callTool({ name: toolName, arguments: {} }, undefined, {
      signal: abort.signal,
      timeout: 120_000,
    });
    const runOf = async () =>
      (await listRuns(database.db, { tenantId: tenant.id, workflowId: workflow.id, limit: 1 }))
        .items[0];
    await expect
      .poll(async () => (await runOf())?.status, { timeout: 20_000, interval: 100 })
      .toBe("running");
    abort.abort("changed my mind");
    await expect(call).rejects.toThrow();
    await expect
      .poll(async () => (await runOf())?.status, { timeout: 20_000, interval: 100 })
      .toBe("cancelled");
  }, 60_000);

  it("a client that hangs up on a call (the 2026-07-28 way to cancel) cancels its run too", async () => {
    const { caller, tenant } = await makeMemberCaller(database.db, "owner");
    const catalog = await caller.mcp.listCatalog({ search: "everything" });
    await caller.mcp.install({
      catalogEntryId: catalog.items.find((i) => i.title === "Everything")!.id,
      name: "everything",
      values: {},
    });
    const { workflow, toolName } = await publish(caller, slow);
    const secret = await tokenOf(caller, ["runs:write"]);

    const hangUp = new AbortController();
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2025-11-25",
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: toolName, arguments: {} },
      }),
      signal: hangUp.signal,
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const runOf = async () =>
      (await listRuns(database.db, { tenantId: tenant.id, workflowId: workflow.id, limit: 1 }))
        .items[0];
    await expect
      .poll(async () => (await runOf())?.status, { timeout: 20_000, interval: 100 })
      .toBe("running");
    hangUp.abort();
    await expect
      .poll(async () => (await runOf())?.status, { timeout: 20_000, interval: 100 })
      .toBe("cancelled");
  }, 60_000);

  it("refuses a missing or bad token with 401, a token that cannot see workflows with 403, and calls without runs:write", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const { toolName } = await publish(caller, greeting);

    for (const secret of ["mst_not-a-real-token", "not even a token"]) {
      await expect(connect(secret)).rejects.toMatchObject({ code: 401 });
    }
    const anonymous = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: "{}",
    });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.message).toMatch(/Authorization: Bearer mst_/);

    await expect(connect(await tokenOf(caller, ["analytics:read"]))).rejects.toMatchObject({
      code: 403,
    });

    const reader = await connect(await tokenOf(caller, ["workflows:read"]));
    expect((await reader.listTools()).tools.map((t) => t.name)).toEqual([toolName]);
    const refused = (await reader.callTool({
      name: toolName,
      arguments: { name: "Ada" },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toMatch(/runs:write/);
  });

  it("our own marketplace adds the endpoint as a remote server from the .mcp.json snippet, and its workflows run as tools and as tool steps", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const { toolName } = await publish(caller, greeting);
    const snippet = {
      mcpServers: {
        maestro: {
          type: "http",
          url: endpoint.toString(),
          headers: { Authorization: "Bearer ${MAESTRO_TOKEN}" },
        },
      },
    };
    const imported = await caller.mcp.importEntries({
      kind: "mcp-servers",
      text: JSON.stringify(snippet),
    });
    const entry = await caller.mcp.getEntry({ id: imported.imported[0]!.id });
    expect(entry.inputs).toEqual([
      expect.objectContaining({ key: "header:Authorization", isSecret: true }),
    ]);
    const secret = await tokenOf(caller, ["runs:write"]);
    const installed = await caller.mcp.install({
      catalogEntryId: entry.id,
      name: "maestro",
      values: { "header:Authorization": `Bearer ${secret}` },
    });

    const listed = await caller.mcp.listTools({ id: installed.id });
    expect(listed.tools.map((t) => t.name)).toEqual([toolName]);
    const ran = await caller.mcp.runTool({
      id: installed.id,
      tool: toolName,
      args: { name: "Grace" },
    });
    expect(ran).toMatchObject({
      isError: false,
      structuredContent: { greeting: { message: "Hello, Grace!" } },
    });

    // A workflow whose tool step calls another workflow through the endpoint.
    const nested = makeWorkflow({
      name: "Nested",
      nodes: [
        makeNode("input", "in"),
        makeNode("tool", "call", {
          server: "maestro",
          tool: toolName,
          args: { name: "{{input.who}}" },
        }),
        makeNode("output", "out", { name: "inner" }),
      ],
      edges: chain("in", "call", "out"),
    });
    const outer = await publish(caller, nested, { expose: false });
    const run = await caller.run.start({ workflowId: outer.workflow.id, input: { who: "Lin" } });
    await expect
      .poll(async () => (await caller.run.get({ id: run.id })).run, {
        timeout: 20_000,
        interval: 100,
      })
      .toMatchObject({
        status: "completed",
        output: { inner: { greeting: { message: "Hello, Lin!" } } },
      });
  });

  it("answers bad requests with a 4xx and a JSON-RPC error, never a 500", async () => {
    const { caller } = await makeMemberCaller(database.db, "owner");
    const secret = await tokenOf(caller, ["runs:write"]);
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(endpoint, {
        method: "POST",
        headers: {
          authorization: `Bearer ${secret}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...headers,
        },
        body,
      });
    const notJson = await post("{ nope");
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.code).toBe(-32700);
    expect((await post(JSON.stringify({ hello: "world" }))).status).toBe(400);
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" });
    expect((await post(ping, { accept: "application/json" })).status).toBe(406);
    expect((await post(ping, { "content-type": "text/plain" })).status).toBe(415);
    // The 2026-07-28 path: a request claiming the revision without its envelope, one naming a
    // revision we do not serve, and a call whose arguments are not an object.
    const envelope = (version: string) => ({
      "io.modelcontextprotocol/protocolVersion": version,
      "io.modelcontextprotocol/clientCapabilities": {},
    });
    const modern = (version: string, body: unknown) =>
      post(JSON.stringify(body), { "mcp-protocol-version": version });
    const bare = await modern("2026-07-28", { jsonrpc: "2.0", id: 2, method: "tools/list" });
    expect(bare.status).toBe(400);
    const future = await modern("2099-01-01", {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/list",
      params: { _meta: envelope("2099-01-01") },
    });
    expect(future.status).toBe(400);
    expect((await future.json()).error).toMatchObject({
      message: /Unsupported protocol version/,
      data: { supported: expect.arrayContaining(["2026-07-28"]) },
    });
    const badArguments = await modern("2026-07-28", {
      jsonrpc: "2.0",
      id: 4,
      method: "tools/call",
      params: { name: "x", arguments: "nope", _meta: envelope("2026-07-28") },
    });
    expect(badArguments.status).toBeGreaterThanOrEqual(400);
    expect(badArguments.status).toBeLessThan(500);
    const get = await fetch(endpoint, {
      headers: { authorization: `Bearer ${secret}`, accept: "text/event-stream" },
    });
    expect(get.status).toBe(405);
    // Last in the file: the answer comes before the body is read, so the connection is not reused after it.
    expect((await post("x".repeat(getEnv().maxRequestBytes + 1))).status).toBe(413);
  });
});
