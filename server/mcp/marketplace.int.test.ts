import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { StepError } from "@/engine/runtime/step-error";
import { getEnv } from "@/server/env";
import { listAuditLogs } from "@/server/repositories/audit";
import { findInstallation } from "@/server/repositories/mcp-installations";
import { findRollups } from "@/server/repositories/metric-rollups";
import { runHealthRound, startMcpHealthChecks } from "@/server/services/mcp-checks";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";
import { launchSpecOf } from "./installation-launch";
import { startEverythingHttp } from "./testing/servers";
import { getMcpPool } from "./pool";
import { createMcpToolPort } from "./tool-port";

let database: Database;
const dir = mkdtempSync(join(tmpdir(), "maestro-market-"));
writeFileSync(join(dir, "notes.txt"), "remember the milk");

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await getMcpPool().closeAll();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function trpcError(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

async function setup() {
  const { db } = database;
  const tenant = await makeTenant(db);
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
  const viewer = await makeUser(db, { memberships: [[tenant, "viewer"]] });
  return {
    tenant,
    asAdmin: await callerFor(db, admin, tenant),
    asEditor: await callerFor(db, editor, tenant),
    asViewer: await callerFor(db, viewer, tenant),
  };
}

async function entryId(
  caller: Awaited<ReturnType<typeof callerFor>>,
  search: string,
  title: string,
) {
  const { items } = await caller.mcp.listCatalog({ search, sort: "name" });
  const found = items.find((i) => i.title === title);
  expect(found, `catalog entry ${title}`).toBeTruthy();
  return found!.id;
}

describe("the catalog", () => {
  it("lists the built-in servers, searchable by name, description and tool names, and filterable", async () => {
    const { asViewer } = await setup();
    const all = await asViewer.mcp.listCatalog({ limit: 50 });
    const titles = all.items.map((i) => i.title);
    for (const title of [
      "Fetch",
      "Filesystem",
      "GitHub",
      "SQLite",
      "Puppeteer",
      "PostgreSQL",
      "Brave Search",
      "Google Drive",
      "Memory",
      "Everything",
      "Sequential Thinking",
    ]) {
      expect(titles).toContain(title);
    }
    expect(
      (await asViewer.mcp.listCatalog({ search: "list_directory" })).items.map((i) => i.title),
    ).toEqual(["Filesystem"]);
    expect(
      (await asViewer.mcp.listCatalog({ search: "knowledge graph" })).items.map((i) => i.title),
    ).toEqual(["Memory"]);
    expect(
      (await asViewer.mcp.listCatalog({ category: "database", sort: "name" })).items.map(
        (i) => i.title,
      ),
    ).toEqual(["PostgreSQL", "SQLite"]);
    expect((await asViewer.mcp.listCatalog({ transport: "sse" })).items).toEqual([]);

    const page1 = await asViewer.mcp.listCatalog({ limit: 4, sort: "name" });
    const page2 = await asViewer.mcp.listCatalog({
      limit: 4,
      sort: "name",
      cursor: page1.nextCursor,
    });
    expect(page2.items[0]?.title).not.toBe(page1.items[0]?.title);
    expect(new Set([...page1.items, ...page2.items].map((i) => i.id)).size).toBe(8);

    const detail = await asViewer.mcp.getEntry({
      id: await entryId(asViewer, "filesystem", "Filesystem"),
    });
    expect(detail.inputs).toEqual([
      expect.objectContaining({
        key: "arg:allowed_directory",
        isRequired: true,
        isRepeated: true,
        kind: "argument",
      }),
    ]);
  });
});

describe("installing, checking and running", () => {
  it("only admins install; values are validated; names are unique per tenant", async () => {
    const { asAdmin, asEditor, asViewer } = await setup();
    const catalogEntryId = await entryId(asAdmin, "filesystem", "Filesystem");
    await trpcError(
      asViewer.mcp.install({
        catalogEntryId,
        name: "files",
        values: { "arg:allowed_directory": [dir] },
      }),
      "FORBIDDEN",
    );
    await trpcError(
      asEditor.mcp.install({
        catalogEntryId,
        name: "files",
        values: { "arg:allowed_directory": [dir] },
      }),
      "FORBIDDEN",
    );
    const missing = await trpcError(
      asAdmin.mcp.install({ catalogEntryId, name: "files", values: {} }),
      "BAD_REQUEST",
    );
    expect(missing.message).toContain("allowed_directory is required");
    const relative = await trpcError(
      asAdmin.mcp.install({
        catalogEntryId,
        name: "files",
        values: { "arg:allowed_directory": ["tmp"] },
      }),
      "BAD_REQUEST",
    );
    expect(relative.message).toContain("absolute path");
    await trpcError(
      asAdmin.mcp.install({ catalogEntryId, name: "Bad Name", values: {} }),
      "BAD_REQUEST",
    );
    // Stdio servers run on this host: no path may reach the app's data directory (database, secrets key) or system folders.
    for (const path of ["/", getEnv().dataDir, join(getEnv().dataDir, "pglite"), "/proc/self"]) {
      const refused = await trpcError(
        asAdmin.mcp.install({
          catalogEntryId,
          name: "files",
          values: { "arg:allowed_directory": [path] },
        }),
        "BAD_REQUEST",
      );
      expect(refused.message).toMatch(/data directory|system directories/);
    }

    await asAdmin.mcp.install({
      catalogEntryId,
      name: "files",
      values: { "arg:allowed_directory": [dir] },
    });
    const taken = await trpcError(
      asAdmin.mcp.install({
        catalogEntryId,
        name: "files",
        values: { "arg:allowed_directory": [dir] },
      }),
      "CONFLICT",
    );
    expect(taken.message).toContain("already installed");
  });

  it("keeps secrets encrypted and never returns them", async () => {
    const { asAdmin, tenant } = await setup();
    const catalogEntryId = await entryId(asAdmin, "github", "GitHub");
    const token = "ghp_supersecretvalue123";
    const installed = await asAdmin.mcp.install({
      catalogEntryId,
      name: "gh",
      values: { "env:GITHUB_PERSONAL_ACCESS_TOKEN": token },
    });
    expect(installed.secretKeys).toEqual(["env:GITHUB_PERSONAL_ACCESS_TOKEN"]);
    expect(JSON.stringify(installed)).not.toContain(token);
    expect(JSON.stringify(await asAdmin.mcp.getInstallation({ id: installed.id }))).not.toContain(
      token,
    );
    expect(JSON.stringify(await asAdmin.mcp.listInstallations({}))).not.toContain(token);
    expect(JSON.stringify(await asAdmin.mcp.exportConfig())).not.toContain(token);

    const row = await findInstallation(database.db, tenant.id, installed.id);
    expect(row?.secretsEncrypted).toMatch(/^v1\./);
    expect(row?.secretsEncrypted).not.toContain(token);
    const entry = await asAdmin.mcp.getEntry({ id: catalogEntryId });
    const spec = launchSpecOf(row!, { ...entry, serverJson: entry.serverJson });
    expect(spec.transport === "stdio" && spec.env.GITHUB_PERSONAL_ACCESS_TOKEN).toBe(token);

    // An update that leaves the secret empty keeps it.
    await asAdmin.mcp.updateInstallation({
      id: installed.id,
      values: { "env:GITHUB_PERSONAL_ACCESS_TOKEN": "" },
    });
    const kept = await findInstallation(database.db, tenant.id, installed.id);
    expect(kept?.secretKeys).toEqual(["env:GITHUB_PERSONAL_ACCESS_TOKEN"]);

    // A server that needs the internet installs, then fails its check with a clear reason.
    const check = await asAdmin.mcp.check({ id: installed.id });
    expect(check.report.status).toBe("down");
    expect(check.report.error).toMatch(/internet/);
  });

  it("checks the filesystem server, stores the report, and runs list_directory from the tool runner", async () => {
    const { asAdmin, asEditor, asViewer, tenant } = await setup();
    const catalogEntryId = await entryId(asAdmin, "filesystem", "Filesystem");
    const installed = await asAdmin.mcp.install({
      catalogEntryId,
      name: "files",
      values: { "arg:allowed_directory": [dir] },
    });

    await trpcError(asViewer.mcp.check({ id: installed.id }), "FORBIDDEN");
    const check = await asEditor.mcp.check({ id: installed.id });
    expect(check.report).toMatchObject({
      status: "up",
      error: null,
      call: { tool: "list_allowed_directories", ok: true },
    });
    expect(check.report.connectMs).toBeGreaterThan(0);
    expect(check.report.tools.map((t) => t.name)).toContain("list_directory");

    const listed = await asViewer.mcp.listCatalog({ search: "filesystem" });
    expect(listed.items[0]).toMatchObject({
      installedCount: 1,
      status: "up",
      lastCheck: { status: "up" },
    });
    expect((await asViewer.mcp.getEntry({ id: catalogEntryId })).lastCheck?.report).toMatchObject({
      status: "up",
    });
    expect((await asViewer.mcp.listChecks({ installationId: installed.id })).items).toHaveLength(1);

    await trpcError(
      asViewer.mcp.runTool({ id: installed.id, tool: "list_directory", args: { path: dir } }),
      "FORBIDDEN",
    );
    const run = await asEditor.mcp.runTool({
      id: installed.id,
      tool: "list_directory",
      args: { path: dir },
    });
    expect(run.isError).toBe(false);
    expect(JSON.stringify(run)).toContain("notes.txt");
    await trpcError(
      asEditor.mcp.runTool({ id: installed.id, tool: "list_directory", args: { path: 7 } }),
      "BAD_REQUEST",
    );

    const tools = await asEditor.mcp.listTools({ id: installed.id });
    expect(tools.tools.find((t) => t.name === "list_directory")?.inputSchema).toMatchObject({
      type: "object",
    });

    const port = createMcpToolPort({ db: database.db, tenantId: tenant.id });
    const signal = new AbortController().signal;
    const result = await port.callTool(
      { server: "files", tool: "read_text_file", args: { path: join(dir, "notes.txt") } },
      { signal },
    );
    expect(JSON.stringify(result)).toContain("remember the milk");
    const unknown = await port
      .callTool({ server: "nope", tool: "x", args: {} }, { signal })
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(StepError);
    expect((unknown as StepError).code).toBe("TOOL_NOT_FOUND");
    const invalid = await port
      .callTool({ server: "files", tool: "list_directory", args: {} }, { signal })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: "INVALID_ARGUMENTS", retryable: false });

    const { items } = await listAuditLogs(database.db, { tenantId: tenant.id, limit: 20 });
    expect(items.map((e) => e.action)).toEqual(
      expect.arrayContaining(["server.install", "server.check", "tool.run"]),
    );
  });

  it("disables, enables and uninstalls; another tenant's ids find nothing", async () => {
    const { asAdmin, asEditor } = await setup();
    const other = await setup();
    const catalogEntryId = await entryId(asAdmin, "memory", "Memory");
    const installed = await asAdmin.mcp.install({
      catalogEntryId,
      name: "memory",
      values: { "env:MEMORY_FILE_PATH": join(dir, "graph.jsonl") },
    });

    await trpcError(other.asAdmin.mcp.getInstallation({ id: installed.id }), "NOT_FOUND");
    await trpcError(other.asAdmin.mcp.uninstall({ id: installed.id }), "NOT_FOUND");
    await trpcError(
      other.asEditor.mcp.runTool({ id: installed.id, tool: "read_graph", args: {} }),
      "NOT_FOUND",
    );

    await asAdmin.mcp.setEnabled({ id: installed.id, enabled: false });
    const disabled = await trpcError(
      asEditor.mcp.runTool({ id: installed.id, tool: "read_graph", args: {} }),
      "CONFLICT",
    );
    expect(disabled.message).toContain("disabled");
    await asAdmin.mcp.setEnabled({ id: installed.id, enabled: true });
    expect(
      (await asEditor.mcp.runTool({ id: installed.id, tool: "read_graph", args: {} })).isError,
    ).toBe(false);

    await asAdmin.mcp.uninstall({ id: installed.id });
    await trpcError(asAdmin.mcp.getInstallation({ id: installed.id }), "NOT_FOUND");
  });

  it("a health round agrees with a check: a server that cannot reach its online service stays down", async () => {
    const { asAdmin, tenant } = await setup();
    const catalogEntryId = await entryId(asAdmin, "github", "GitHub");
    const installed = await asAdmin.mcp.install({
      catalogEntryId,
      name: "github",
      values: { "env:GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_offline" },
    });
    expect((await asAdmin.mcp.check({ id: installed.id })).report.status).toBe("down");
    await runHealthRound(database.db, { staleMs: 0, limit: 100 });
    const row = await findInstallation(database.db, tenant.id, installed.id);
    expect(row).toMatchObject({
      status: "down",
      lastError: expect.stringMatching(/search_repositories.*internet/),
    });
    const history = await asAdmin.mcp.listChecks({ installationId: installed.id });
    expect(history.items.map((c) => [c.kind, c.status])).toEqual([
      ["health", "down"],
      ["check", "down"],
    ]);
  });

  it("periodic health checks record status and latency", async () => {
    const { asAdmin, tenant } = await setup();
    const catalogEntryId = await entryId(asAdmin, "everything", "Everything");
    const installed = await asAdmin.mcp.install({ catalogEntryId, name: "everything", values: {} });
    const { probed } = await runHealthRound(database.db, { staleMs: 0, limit: 100 });
    expect(probed).toBeGreaterThanOrEqual(1);
    const row = await findInstallation(database.db, tenant.id, installed.id);
    expect(row).toMatchObject({ status: "up" });
    expect(row?.latencyMs).toBeGreaterThanOrEqual(0);
    const history = await asAdmin.mcp.listChecks({ installationId: installed.id });
    expect(history.items.map((c) => c.kind)).toEqual(["health"]);
    // The round also feeds the anomaly watcher's health series of the server.
    const rollups = await findRollups(database.db, {
      tenantId: tenant.id,
      source: "mcp_health",
      subject: "everything",
      since: new Date(0),
    });
    expect(rollups.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(1);
    expect(rollups.reduce((n, r) => n + r.errors, 0)).toBe(0);
  });
});

describe("import and export", () => {
  let registry: Server;
  let registryUrl = "";
  const requests: URL[] = [];
  beforeAll(async () => {
    registry = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      requests.push(url);
      const page = url.searchParams.get("cursor") === "p2" ? 2 : 1;
      const server = (n: number) => ({
        server: {
          name: `io.example/registry-${n}`,
          description: `Registry server ${n}`,
          version: "1.0.0",
          remotes: [{ type: "streamable-http", url: `https://example.com/${n}/mcp` }],
        },
        _meta: {},
      });
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify(
          page === 1
            ? { servers: [server(1), server(2)], metadata: { nextCursor: "p2" } }
            : { servers: [server(3), { server: { name: "bad" } }], metadata: {} },
        ),
      );
    });
    await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
    const address = registry.address();
    registryUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => registry.close(() => resolve())));

  it("imports from a registry endpoint, following cursors, and says what it skipped", async () => {
    const { asAdmin, asEditor } = await setup();
    await trpcError(
      asEditor.mcp.importEntries({ kind: "registry", url: registryUrl }),
      "FORBIDDEN",
    );
    const since = new Date("2026-01-01T00:00:00Z");
    const result = await asAdmin.mcp.importEntries({
      kind: "registry",
      url: registryUrl,
      updatedSince: since,
    });
    expect(result.imported.map((e) => e.name)).toEqual([
      "io.example/registry-1",
      "io.example/registry-2",
      "io.example/registry-3",
    ]);
    expect(result.skipped).toHaveLength(1);
    expect(requests.slice(0, 2).map((u) => u.searchParams.get("cursor"))).toEqual([null, "p2"]);
    expect(requests[0]?.searchParams.get("updated_since")).toBe(since.toISOString());
    expect(
      (await asAdmin.mcp.listCatalog({ transport: "streamable-http", search: "registry server" }))
        .items,
    ).toHaveLength(3);

    // Imports belong to the importing tenant: another tenant neither sees nor installs them, and may import the same names.
    const other = await setup();
    expect((await other.asAdmin.mcp.listCatalog({ search: "registry server" })).items).toEqual([]);
    const theirs = result.imported[0]!.id;
    await trpcError(other.asAdmin.mcp.getEntry({ id: theirs }), "NOT_FOUND");
    await trpcError(
      other.asAdmin.mcp.install({ catalogEntryId: theirs, name: "stolen", values: {} }),
      "NOT_FOUND",
    );
    const again = await other.asAdmin.mcp.importEntries({ kind: "registry", url: registryUrl });
    expect(again.imported.map((e) => e.id)).not.toContain(theirs);
    expect((await asAdmin.mcp.getEntry({ id: theirs })).name).toBe("io.example/registry-1");

    const unreachable = await trpcError(
      asAdmin.mcp.importEntries({ kind: "registry", url: "http://127.0.0.1:9" }),
      "BAD_REQUEST",
    );
    expect(unreachable.message).toContain("could not be reached");
  });

  it("imports a server.json file and an mcpServers config without keeping secret values, and exports installed servers", async () => {
    const { asAdmin } = await setup();
    const serverJson = {
      name: "io.example/weather",
      description: "Weather forecasts",
      version: "2.0.0",
      packages: [
        {
          registryType: "npm",
          identifier: "@example/weather-mcp",
          version: "2.0.0",
          transport: { type: "stdio" },
          environmentVariables: [{ name: "WEATHER_API_KEY", isRequired: true, isSecret: true }],
        },
      ],
    };
    const file = await asAdmin.mcp.importEntries({
      kind: "server-json",
      text: JSON.stringify(serverJson),
    });
    expect(file.imported.map((e) => e.name)).toEqual(["io.example/weather"]);
    const weather = await asAdmin.mcp.getEntry({ id: file.imported[0]!.id });
    expect(weather.inputs).toEqual([
      expect.objectContaining({ key: "env:WEATHER_API_KEY", isSecret: true }),
    ]);

    const config = {
      mcpServers: {
        notes: {
          command: "npx",
          args: ["-y", "@example/notes-mcp@1.2.3", "--dir", "/srv/notes"],
          env: { NOTES_TOKEN: "tok_live_123", NOTES_MODE: "fast" },
        },
        remote: {
          type: "http",
          url: "https://mcp.example.com/mcp",
          headers: { Authorization: "Bearer sk_live_456" },
        },
        custom: { command: "/usr/local/bin/thing" },
      },
    };
    const imported = await asAdmin.mcp.importEntries({
      kind: "mcp-servers",
      text: JSON.stringify(config),
    });
    expect(imported.imported.map((e) => e.name).sort()).toEqual([
      "local.config/notes",
      "local.config/remote",
    ]);
    expect(imported.skipped).toEqual([expect.objectContaining({ name: "custom" })]);
    const stored =
      JSON.stringify(await asAdmin.mcp.listCatalog({ search: "mcpServers config", limit: 50 })) +
      JSON.stringify(
        await Promise.all(imported.imported.map((e) => asAdmin.mcp.getEntry({ id: e.id }))),
      );
    expect(stored).not.toContain("tok_live_123");
    expect(stored).not.toContain("sk_live_456");
    expect(stored).toContain("fast");

    const bad = await trpcError(
      asAdmin.mcp.importEntries({ kind: "server-json", text: "{ nope" }),
      "BAD_REQUEST",
    );
    expect(bad.message).toContain("not JSON");

    const filesystem = await entryId(asAdmin, "filesystem", "Filesystem");
    await asAdmin.mcp.install({
      catalogEntryId: filesystem,
      name: "files",
      values: { "arg:allowed_directory": [dir] },
    });
    await asAdmin.mcp.install({
      catalogEntryId: file.imported[0]!.id,
      name: "weather",
      values: { "env:WEATHER_API_KEY": "wk_secret" },
    });
    const exported = await asAdmin.mcp.exportConfig();
    expect(exported.config.mcpServers.files).toEqual({
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-filesystem@2026.8.31", dir],
    });
    expect(exported.config.mcpServers.weather).toMatchObject({
      command: "npx",
      env: { WEATHER_API_KEY: "${WEATHER_API_KEY}" },
    });
  });
});

describe("a Cursor-style remote entry", () => {
  it("imports a url-only entry as a Streamable HTTP remote that installs and answers calls", async () => {
    const everything = await startEverythingHttp("streamableHttp");
    try {
      const { asAdmin } = await setup();
      const config = {
        mcpServers: { everything: { url: everything.url }, broken: { url: "ftp://x" } },
      };
      const imported = await asAdmin.mcp.importEntries({
        kind: "mcp-servers",
        text: JSON.stringify(config),
      });
      expect(imported.imported.map((e) => e.name)).toEqual(["local.config/everything"]);
      expect(imported.skipped).toEqual([
        { name: "broken", reason: expect.stringContaining("http(s) URL") },
      ]);
      const installed = await asAdmin.mcp.install({
        catalogEntryId: imported.imported[0]!.id,
        name: "remote-everything",
        values: {},
      });
      const echoed = await asAdmin.mcp.runTool({
        id: installed.id,
        tool: "echo",
        args: { message: "over http" },
      });
      expect(JSON.stringify(echoed.content)).toContain("over http");
    } finally {
      everything.stop();
    }
  });
});

describe("the periodic health checker", () => {
  it("runs rounds on its interval without crashing, and stops", async () => {
    const { asAdmin, tenant } = await setup();
    const catalogEntryId = await entryId(asAdmin, "memory", "Memory");
    const installed = await asAdmin.mcp.install({
      catalogEntryId,
      name: "memory",
      values: { "env:MEMORY_FILE_PATH": join(dir, "health.jsonl") },
    });
    const stop = startMcpHealthChecks({ intervalMs: 200, getDb: async () => database });
    try {
      await expect
        .poll(async () => (await findInstallation(database.db, tenant.id, installed.id))?.status, {
          timeout: 15_000,
          interval: 200,
        })
        .toBe("up");
    } finally {
      stop();
    }
    const failing = startMcpHealthChecks({
      intervalMs: 50,
      getDb: () => Promise.reject(new Error("database is away")),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    failing();
  });
});
