import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { getMcpPool } from "@/server/mcp/pool";
import { findInstallation } from "@/server/repositories/mcp-installations";
import type { z } from "zod";
import type { addServerInput } from "@/server/services/mcp-add-server";
import { runHealthRound } from "@/server/services/mcp-checks";
import { createTestDatabase } from "@/server/testing/database";
import { expectTrpcError, makeMemberCaller } from "@/server/testing/factories";

// The platform admin allows this Node for the tests' own servers (read once, before anything else).
vi.hoisted(() => {
  process.env.MCP_ALLOWED_COMMANDS = process.execPath;
});

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await getMcpPool().closeAll();
  await database?.close();
});

const node = process.execPath;
const script = (name: string) => join(process.cwd(), "server/mcp/testing", name);

describe("adding a server by hand", () => {
  it("adds an npm package, which installs, answers calls, and exports as server.json", async () => {
    const { caller } = await makeMemberCaller(database.db, "admin");
    const added = await caller.mcp.addServer({
      kind: "npm",
      name: "everything",
      package: "@modelcontextprotocol/server-everything",
      version: "2026.8.31",
      env: [{ name: "API_KEY", value: "sk-secret-1", isSecret: true }],
    });
    expect(added.secretKeys).toEqual(["env:API_KEY"]);
    const echoed = await caller.mcp.runTool({
      id: added.id,
      tool: "echo",
      args: { message: "added by hand" },
    });
    expect(JSON.stringify(echoed.content)).toContain("added by hand");

    const exported = await caller.mcp.exportServerJson({ id: added.id });
    expect(exported.serverJson).toMatchObject({
      $schema: expect.stringContaining("2025-12-11/server.schema.json"),
      name: "local.added/everything",
      packages: [
        {
          registryType: "npm",
          identifier: "@modelcontextprotocol/server-everything",
          version: "2026.8.31",
          transport: { type: "stdio" },
          environmentVariables: [{ name: "API_KEY", isSecret: true, isRequired: true }],
        },
      ],
    });
    expect(JSON.stringify(exported)).not.toContain("sk-secret-1");
    const config = await caller.mcp.exportConfig();
    expect(config.config.mcpServers.everything).toEqual({
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-everything@2026.8.31"],
      env: { API_KEY: "${API_KEY}" },
    });
  });

  it("refuses a command the platform has not allowed, saying how to allow it, and a taken name", async () => {
    const { caller } = await makeMemberCaller(database.db, "admin");
    const refused = await expectTrpcError(
      caller.mcp.addServer({ kind: "command", name: "py", command: "python3", args: ["x.py"] }),
      "FORBIDDEN",
    );
    expect(refused.message).toMatch(/"python3" is not an allowed command/);
    expect(refused.message).toContain("MCP_ALLOWED_COMMANDS");

    await caller.mcp.addServer({ kind: "url", name: "docs", url: "https://mcp.invalid/mcp" });
    const taken = await expectTrpcError(
      caller.mcp.addServer({ kind: "url", name: "docs", url: "https://mcp.invalid/other" }),
      "CONFLICT",
    );
    expect(taken.message).toContain('"docs" is already installed');
  });

  it("lets a viewer do none of it", async () => {
    const { caller } = await makeMemberCaller(database.db, "viewer");
    await expectTrpcError(
      caller.mcp.addServer({ kind: "url", name: "docs", url: "https://mcp.invalid/mcp" }),
      "FORBIDDEN",
    );
  });
});

describe("the manual check and the periodic probe", () => {
  // Three states a server can be in; both must report each the same way, from the one test.
  const STATES: {
    state: string;
    add: z.input<typeof addServerInput>;
    status: "up" | "down";
    error: RegExp | null;
  }[] = [
    {
      state: "healthy",
      add: { kind: "npm", name: "probe-me", package: "@modelcontextprotocol/server-memory" },
      status: "up",
      error: null,
    },
    {
      state: "tool list fails",
      add: {
        kind: "command",
        name: "probe-me",
        command: node,
        args: [script("broken-list-server.mjs")],
      },
      status: "down",
      error: /the tool catalog is unavailable/,
    },
    {
      state: "won't start",
      add: {
        kind: "command",
        name: "probe-me",
        command: node,
        args: ["-e", "console.error('no config file'); process.exit(3)"],
      },
      status: "down",
      error: /./,
    },
  ];

  it.each(STATES)("agree on a server whose $state", async ({ add, status, error }) => {
    const { caller, tenant } = await makeMemberCaller(database.db, "admin");
    const added = await caller.mcp.addServer(add);
    const stored = async () => {
      const row = await findInstallation(database.db, tenant.id, added.id);
      return { status: row?.status, error: row?.lastError ?? null };
    };

    const checked = await caller.mcp.check({ id: added.id });
    expect(checked.report.status).toBe(status);
    const afterCheck = await stored();

    await runHealthRound(database.db, { staleMs: 0, now: new Date(Date.now() + 60_000) });
    const afterProbe = await stored();

    expect(afterProbe).toEqual(afterCheck);
    expect(afterProbe.status).toBe(status);
    if (error) expect(afterProbe.error).toMatch(error);
    else expect(afterProbe.error).toBeNull();
  });

  it("agree when the probe finds the server already open in the pool", async () => {
    const { caller, tenant } = await makeMemberCaller(database.db, "admin");
    const added = await caller.mcp.addServer({
      kind: "npm",
      name: "busy",
      package: "@modelcontextprotocol/server-everything",
    });
    await caller.mcp.runTool({ id: added.id, tool: "echo", args: { message: "open" } });
    const checked = await caller.mcp.check({ id: added.id });
    await runHealthRound(database.db, { staleMs: 0, now: new Date(Date.now() + 60_000) });
    const row = await findInstallation(database.db, tenant.id, added.id);
    expect(row?.status).toBe(checked.report.status);
    expect(row?.lastError ?? null).toBe(checked.report.error ?? checked.report.problems[0] ?? null);
  });
});
