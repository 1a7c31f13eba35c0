import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { mcpCatalogEntries } from "@/db/schema";
import { startLocalRegistry, type RunningRegistry } from "@/server/mcp/testing/registry-server";
import { claimRegistrySource } from "@/server/repositories/mcp-registry-sources";
import { createTestDatabase } from "@/server/testing/database";
import { expectTrpcError, makeMemberCaller } from "@/server/testing/factories";
import { runRegistrySyncRound, syncRegistrySource } from "./mcp-registry-sync";

let database: Database;
const running: RunningRegistry[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
  await database?.close();
});

async function registry(servers = 400, seed = 5) {
  const started = await startLocalRegistry({ servers, seed });
  running.push(started);
  return started;
}

/** Name → registry status of the tenant's entries from registries, failing on a duplicate name. */
async function entriesOf(tenantId: string) {
  const rows = await database.db
    .select({ name: mcpCatalogEntries.name, status: mcpCatalogEntries.registryStatus })
    .from(mcpCatalogEntries)
    .where(
      and(
        eq(mcpCatalogEntries.ownerTenantId, tenantId),
        sql`${mcpCatalogEntries.registrySourceId} is not null`,
      ),
    );
  const byName = new Map(rows.map((r) => [r.name, r.status]));
  expect(byName.size, "no duplicate names").toBe(rows.length);
  return byName;
}

async function adminWithSource(url: string) {
  const { caller, tenant } = await makeMemberCaller(database.db, "admin");
  const source = await caller.mcp.addRegistrySource({ url });
  return { caller, tenant, sourceId: source.id };
}

describe("registry sources", () => {
  it("syncs every page of a registry, then only changes, without duplicates, marking deprecated and removed entries", async () => {
    const { url, registry: reg } = await registry();
    const { caller, tenant, sourceId } = await adminWithSource(url);

    const first = await caller.mcp.syncRegistrySource({ id: sourceId });
    const live = reg.liveNames;
    expect(first).toMatchObject({ mode: "full", added: live.length, updated: 0, removed: 0 });
    expect(first.pages).toBe(Math.ceil(live.length / 100));
    let entries = await entriesOf(tenant.id);
    expect([...entries.keys()].sort()).toEqual([...live].sort());
    const deprecated = reg.records.filter((r) => r.meta.isLatest && r.meta.status === "deprecated");
    expect(deprecated.length).toBeGreaterThan(0);
    for (const r of deprecated) expect(entries.get(r.server.name)).toBe("deprecated");

    // The catalog finds a synced entry by words of its title, and shows its registry status.
    const target = reg.records.find((r) => r.meta.isLatest && r.meta.status === "active")!;
    const found = await caller.mcp.listCatalog({ search: target.server.title!, limit: 10 });
    expect(found.items.map((i) => i.name)).toContain(target.server.name);
    expect(found.items.find((i) => i.name === target.server.name)).toMatchObject({
      registryStatus: "active",
      registrySourceId: sourceId,
    });

    // Changes in the registry: an update, a deletion, a new server, and one taken out altogether.
    const [changed, deleted, vanished] = live.filter((n) => n !== target.server.name);
    reg.update(changed!, { description: "MCP server, now with more tools" });
    reg.setStatus(deleted!, "deleted");
    reg.add({
      name: "io.github.newcomer/fresh-server",
      description: "A brand new server",
      version: "0.1.0",
      remotes: [{ type: "streamable-http", url: "https://fresh.example.com/mcp" }],
    });
    reg.remove(vanished!);
    const requestsBefore = reg.requests.length;

    const second = await caller.mcp.syncRegistrySource({ id: sourceId });
    expect(second).toMatchObject({ mode: "incremental", added: 1, updated: 1, removed: 1 });
    expect(second.pages).toBe(1);
    const asked = reg.requests[requestsBefore]!;
    expect(asked.get("updated_since")).toBeTruthy();
    expect(asked.get("version")).toBe("latest");
    entries = await entriesOf(tenant.id);
    expect(entries.get(deleted!)).toBe("deleted");
    expect(entries.get("io.github.newcomer/fresh-server")).toBe("active");
    // Only a full listing can tell that a server is gone without a trace.
    expect(entries.get(vanished!)).toBe("active");
    const changedEntry = await caller.mcp.listCatalog({ search: "now with more tools" });
    expect(changedEntry.items.map((i) => i.name)).toEqual([changed]);

    const full = await caller.mcp.syncRegistrySource({ id: sourceId, full: true });
    expect(full).toMatchObject({ mode: "full", added: 0, updated: 0, removed: 1 });
    entries = await entriesOf(tenant.id);
    expect(entries.get(vanished!)).toBe("deleted");
    expect(entries.size).toBe(live.length + 1);

    // A removed entry stays visible but cannot be installed.
    const removedId = (await caller.mcp.listCatalog({ search: deleted!, limit: 5 })).items.find(
      (i) => i.name === deleted,
    )!.id;
    expect((await caller.mcp.getEntry({ id: removedId })).registryStatus).toBe("deleted");
    const refused = await expectTrpcError(
      caller.mcp.install({ catalogEntryId: removedId, name: "gone", values: {} }),
      "CONFLICT",
    );
    expect(refused.message).toContain("removed from its registry");

    // Installations count towards popularity, across names; this tenant's figures come along.
    const fresh = (await caller.mcp.listCatalog({ search: "fresh server" })).items[0]!;
    const one = await caller.mcp.install({ catalogEntryId: fresh.id, name: "fresh-a", values: {} });
    await caller.mcp.install({ catalogEntryId: fresh.id, name: "fresh-b", values: {} });
    const top = (await caller.mcp.listCatalog({ sort: "popularity", limit: 1 })).items[0];
    expect(top).toMatchObject({ id: fresh.id, popularity: 2, installedCount: 2 });
    await caller.mcp.uninstall({ id: one.id });
    expect(
      (await caller.mcp.listCatalog({ status: "installed", search: "fresh" })).items,
    ).toMatchObject([{ id: fresh.id, popularity: 1, installedCount: 1 }]);

    // A PyPI server cannot be fetched here without uvx: its check says so.
    const pypi = reg.records.find(
      (r) =>
        r.meta.isLatest &&
        r.meta.status === "active" &&
        r.server.packages?.[0]?.registryType === "pypi",
    )!.server;
    const pypiEntry = (await caller.mcp.listCatalog({ search: pypi.title!, limit: 5 })).items.find(
      (i) => i.name === pypi.name,
    )!;
    const secret = pypi.packages![0]!.environmentVariables![0]!.name;
    const py = await caller.mcp.install({
      catalogEntryId: pypiEntry.id,
      name: "python-server",
      values: { [`env:${secret}`]: "not-a-real-key" },
    });
    const checked = await caller.mcp.check({ id: py.id });
    expect(checked.report.status).toBe("down");
    expect(checked.report.error).toContain(
      "uvx is not installed on this host, so PyPI packages cannot be fetched or started here",
    );

    const [source] = await caller.mcp.listRegistrySources();
    expect(source).toMatchObject({
      url,
      lastStatus: "ok",
      lastError: null,
      entryCount: live.length + 1,
      isSyncing: false,
    });
    expect(source!.lastFullSyncAt).toBeInstanceOf(Date);
    expect(source!.watermark).toBeInstanceOf(Date);
  });

  it("syncs a source once when two syncs start together", async () => {
    const { url, registry: reg } = await registry(300, 6);
    const { caller, tenant, sourceId } = await adminWithSource(url);
    const outcomes = await Promise.all([
      syncRegistrySource(database.db, sourceId),
      syncRegistrySource(database.db, sourceId),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["busy", "synced"]);
    expect(reg.requests).toHaveLength(Math.ceil(reg.liveNames.length / 100));
    expect((await entriesOf(tenant.id)).size).toBe(reg.liveNames.length);

    // "Sync now" while another process holds the source says so.
    expect(
      await claimRegistrySource(database.db, sourceId, "elsewhere", new Date(), 60_000),
    ).toBeTruthy();
    const busy = await expectTrpcError(caller.mcp.syncRegistrySource({ id: sourceId }), "CONFLICT");
    expect(busy.message).toContain("being synced right now");
    expect((await caller.mcp.listRegistrySources())[0]?.isSyncing).toBe(true);
  });

  it("keeps everything when the registry answers badly, and says what went wrong", async () => {
    const { url, registry: reg } = await registry(350, 7);
    const { caller, tenant, sourceId } = await adminWithSource(url);
    await caller.mcp.syncRegistrySource({ id: sourceId });
    const before = await entriesOf(tenant.id);

    reg.update(reg.liveNames[0]!, { description: "An update that must not land half-way" });
    reg.failNext("status-500", 2);
    const failed = await expectTrpcError(
      caller.mcp.syncRegistrySource({ id: sourceId, full: true }),
      "PRECONDITION_FAILED",
    );
    expect(failed.message).toMatch(
      /nothing was changed: The registry at .* \(page 3\) answered 500/,
    );
    expect(await entriesOf(tenant.id)).toEqual(before);
    expect((await caller.mcp.listCatalog({ search: "must not land half-way" })).items).toEqual([]);
    let [source] = await caller.mcp.listRegistrySources();
    expect(source).toMatchObject({ lastStatus: "error", isSyncing: false });
    expect(source!.lastError).toContain("answered 500");

    reg.failNext("not-json");
    await expect(caller.mcp.syncRegistrySource({ id: sourceId })).rejects.toThrow(
      "did not answer a server list",
    );
    reg.failNext("hang-up", 1);
    await expect(caller.mcp.syncRegistrySource({ id: sourceId, full: true })).rejects.toThrow(
      "could not be reached",
    );
    expect(await entriesOf(tenant.id)).toEqual(before);

    // The next good sync takes the update, and the error is cleared.
    const after = await caller.mcp.syncRegistrySource({ id: sourceId });
    expect(after.updated).toBe(1);
    [source] = await caller.mcp.listRegistrySources();
    expect(source).toMatchObject({ lastStatus: "ok", lastError: null });
  });

  it("syncs due sources on a schedule, and refuses bad input and other tenants' sources", async () => {
    const { url } = await registry(120, 8);
    const { caller, tenant, sourceId } = await adminWithSource(url);
    const other = await makeMemberCaller(database.db, "admin");
    await expectTrpcError(other.caller.mcp.syncRegistrySource({ id: sourceId }), "NOT_FOUND");
    await expectTrpcError(
      caller.mcp.addRegistrySource({ url: "file:///etc/passwd" }),
      "BAD_REQUEST",
    );
    const viewer = await makeMemberCaller(database.db, "viewer");
    await expectTrpcError(viewer.caller.mcp.addRegistrySource({ url }), "FORBIDDEN");
    // The same URL again is the same source.
    expect((await caller.mcp.addRegistrySource({ url: `${url}/` })).id).toBe(sourceId);

    // A round far in the future finds every source due; ours among them gets synced.
    const outcomes = await runRegistrySyncRound(database.db, {
      now: () => new Date(Date.now() + 365 * 86_400_000),
    });
    expect(outcomes.some((o) => o.status === "synced")).toBe(true);
    expect((await entriesOf(tenant.id)).size).toBeGreaterThan(100);
  });
});
