import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { getMcpPool } from "@/server/mcp/pool";
import { findInstallation } from "@/server/repositories/mcp-installations";
import { runHealthRound } from "@/server/services/mcp-checks";
import { createTestDatabase } from "@/server/testing/database";
import { makeMemberCaller } from "@/server/testing/factories";

// The installation's "MCP revision" for stdio servers: a 2026-07-28 one (the v2 SDK's serveStdio)
// and the Everything server from npm (2025-11-25), each asked server/discover first, through the
// tRPC API as a user adds and checks them.

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

describe("the negotiated protocol revision of a stdio installation", () => {
  it("a check stores 2026-07-28 for a 2026-07-28 stdio server and 2025-11-25 for the Everything server; tools work in both", async () => {
    const { caller, tenant } = await makeMemberCaller(database.db, "admin");
    const modern = await caller.mcp.addServer({
      kind: "command",
      name: "modern-stdio",
      command: process.execPath,
      args: [join(process.cwd(), "server/mcp/testing/modern-stdio-server.mjs")],
    });
    const legacy = await caller.mcp.addServer({
      kind: "npm",
      name: "everything-stdio",
      package: "@modelcontextprotocol/server-everything",
    });

    const modernCheck = await caller.mcp.check({ id: modern.id });
    expect(modernCheck.report).toMatchObject({ status: "up", protocolVersion: "2026-07-28" });
    const legacyCheck = await caller.mcp.check({ id: legacy.id });
    expect(legacyCheck.report).toMatchObject({ status: "up", protocolVersion: "2025-11-25" });
    expect((await caller.mcp.getInstallation({ id: modern.id })).protocolVersion).toBe(
      "2026-07-28",
    );
    expect((await caller.mcp.getInstallation({ id: legacy.id })).protocolVersion).toBe(
      "2025-11-25",
    );

    const sum = await caller.mcp.runTool({ id: modern.id, tool: "add", args: { a: 4, b: 5 } });
    expect(sum.structuredContent).toEqual({ sum: 9 });
    const echoed = await caller.mcp.runTool({
      id: legacy.id,
      tool: "echo",
      args: { message: "stdio legacy" },
    });
    expect(JSON.stringify(echoed.content)).toContain("stdio legacy");

    // The periodic probe keeps the same answer.
    await runHealthRound(database.db, { staleMs: 0, now: new Date(Date.now() + 60_000) });
    expect(await findInstallation(database.db, tenant.id, modern.id)).toMatchObject({
      status: "up",
      protocolVersion: "2026-07-28",
    });
  });
});
