import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { getMcpPool } from "@/server/mcp/pool";
import { startModernServer, type ModernTestServer } from "@/server/mcp/testing/modern-server";
import { startEverythingHttp } from "@/server/mcp/testing/servers";
import { findInstallation } from "@/server/repositories/mcp-installations";
import { runHealthRound } from "@/server/services/mcp-checks";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";

// The installation page's "MCP revision": what a check or a health probe negotiated with each
// server is stored on the installation and in the check's report, through the tRPC API.

let database: Database;
let modern: ModernTestServer;
let everything: Awaited<ReturnType<typeof startEverythingHttp>>;

beforeAll(async () => {
  [database, modern, everything] = await Promise.all([
    createTestDatabase(),
    startModernServer(),
    startEverythingHttp("streamableHttp"),
  ]);
});
afterAll(async () => {
  await getMcpPool().closeAll();
  everything?.stop();
  await modern?.close();
  await database?.close();
});

async function installRemotes() {
  const tenant = await makeTenant(database.db);
  const admin = await makeUser(database.db, { memberships: [[tenant, "admin"]] });
  const asAdmin = await callerFor(database.db, admin, tenant);
  const imported = await asAdmin.mcp.importEntries({
    kind: "mcp-servers",
    text: JSON.stringify({
      mcpServers: { modern: { url: modern.url }, everything: { url: everything.url } },
    }),
  });
  const idOf = (name: string) => imported.imported.find((e) => e.name.endsWith(`/${name}`))!.id;
  const modernInstall = await asAdmin.mcp.install({
    catalogEntryId: idOf("modern"),
    name: "modern",
    values: {},
  });
  const legacyInstall = await asAdmin.mcp.install({
    catalogEntryId: idOf("everything"),
    name: "everything",
    values: {},
  });
  return { tenant, asAdmin, modernInstall, legacyInstall };
}

describe("the negotiated protocol revision of an installation", () => {
  it("a check stores 2026-07-28 for a modern server and 2025-11-25 for the Everything server; the page's API shows both", async () => {
    const { asAdmin, modernInstall, legacyInstall } = await installRemotes();
    expect(
      (await asAdmin.mcp.getInstallation({ id: modernInstall.id })).protocolVersion,
    ).toBeNull();

    const modernCheck = await asAdmin.mcp.check({ id: modernInstall.id });
    expect(modernCheck.report).toMatchObject({ status: "up", protocolVersion: "2026-07-28" });
    expect(modernCheck.report.call).toMatchObject({ tool: "whoami", ok: true });
    const legacyCheck = await asAdmin.mcp.check({ id: legacyInstall.id });
    expect(legacyCheck.report.protocolVersion).toBe("2025-11-25");

    const modernPage = await asAdmin.mcp.getInstallation({ id: modernInstall.id });
    expect(modernPage.protocolVersion).toBe("2026-07-28");
    expect(modernPage.lastCheck?.report).toMatchObject({ protocolVersion: "2026-07-28" });
    const legacyPage = await asAdmin.mcp.getInstallation({ id: legacyInstall.id });
    expect(legacyPage.protocolVersion).toBe("2025-11-25");
    const listed = await asAdmin.mcp.listInstallations({});
    expect(Object.fromEntries(listed.items.map((i) => [i.name, i.protocolVersion]))).toEqual({
      modern: "2026-07-28",
      everything: "2025-11-25",
    });

    // Tools list and call through the API in both eras.
    const sum = await asAdmin.mcp.runTool({
      id: modernInstall.id,
      tool: "add",
      args: { a: 1, b: 2 },
    });
    expect(sum.structuredContent).toEqual({ sum: 3 });
    const echoed = await asAdmin.mcp.runTool({
      id: legacyInstall.id,
      tool: "echo",
      args: { message: "legacy" },
    });
    expect(JSON.stringify(echoed.content)).toContain("legacy");
  });

  it("the periodic probe stores it too, and a probe that finds the server down keeps the last known revision", async () => {
    const { tenant, modernInstall } = await installRemotes();
    await runHealthRound(database.db, { staleMs: 0, limit: 1_000, pool: getMcpPool() });
    const probed = await findInstallation(database.db, tenant.id, modernInstall.id);
    expect(probed).toMatchObject({ status: "up", protocolVersion: "2026-07-28" });

    await getMcpPool().closeAll();
    await modern.close();
    await runHealthRound(database.db, { staleMs: 0, limit: 1_000, pool: getMcpPool() });
    const down = await findInstallation(database.db, tenant.id, modernInstall.id);
    expect(down?.status).toBe("down");
    expect(down?.lastError).toMatch(/could not be reached/);
    expect(down?.protocolVersion).toBe("2026-07-28");
  });
});
