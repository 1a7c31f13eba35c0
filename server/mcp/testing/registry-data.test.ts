import { describe, expect, it } from "vitest";
import { ServerJsonSchema } from "@/engine/schema/catalog";
import { generateRegistryRecords, kindOfServer } from "./registry-data";
import { LocalRegistry, OFFICIAL_META_KEY } from "./registry-server";

describe("the registry generator", () => {
  const records = generateRegistryRecords({ servers: 5_000, seed: 3 });
  const latest = records.filter((r) => r.meta.isLatest);

  it("makes the asked number of servers, each with one latest version and several versions in all", () => {
    expect(latest).toHaveLength(5_000);
    expect(new Set(latest.map((r) => r.server.name)).size).toBe(5_000);
    expect(records.length).toBeGreaterThan(10_000);
  });

  it("writes valid server.json entries of every kind, some deprecated or deleted", () => {
    for (const record of records) ServerJsonSchema.parse(record.server);
    const kinds = new Map<string, number>();
    for (const r of latest)
      kinds.set(kindOfServer(r.server), (kinds.get(kindOfServer(r.server)) ?? 0) + 1);
    for (const kind of ["npm", "pypi", "oci", "remote"])
      expect(kinds.get(kind)).toBeGreaterThan(500);
    const statuses = latest.map((r) => r.meta.status);
    expect(statuses.filter((s) => s === "deprecated").length).toBeGreaterThan(50);
    expect(statuses.filter((s) => s === "deleted").length).toBeGreaterThan(20);
  });

  it("gives the same registry for the same seed and another for another seed", () => {
    const again = generateRegistryRecords({ servers: 5_000, seed: 3 });
    expect(again).toEqual(records);
    const other = generateRegistryRecords({ servers: 5_000, seed: 4 });
    expect(other.map((r) => r.server.description)).not.toEqual(
      records.map((r) => r.server.description),
    );
  });
});

describe("the local registry's list answer", () => {
  const registry = () => new LocalRegistry(generateRegistryRecords({ servers: 250, seed: 9 }));
  const params = (query: Record<string, string>) => new URLSearchParams(query);

  it("pages through every latest, undeleted server once with cursors", () => {
    const r = registry();
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = r.list(
        params({ limit: "40", version: "latest", ...(cursor ? { cursor } : {}) }),
      );
      if ("error" in page) throw new Error(page.error);
      expect(page.metadata.count).toBe(page.servers.length);
      for (const item of page.servers) {
        expect(item._meta[OFFICIAL_META_KEY]?.isLatest).toBe(true);
        names.push(item.server.name);
      }
      cursor = page.metadata.nextCursor;
    } while (cursor);
    expect(names.sort()).toEqual([...r.liveNames].sort());
  });

  it("lists changes since a time, deleted ones included, and searches names", () => {
    const r = registry();
    const [first, second] = r.liveNames;
    const since = new Date(Date.now() + 365 * 86_400_000).toISOString();
    r.update(first!, { description: "changed" });
    r.setStatus(second!, "deleted");
    const changed = r.list(params({ version: "latest", updated_since: "2000-01-01T00:00:00Z" }));
    if ("error" in changed) throw new Error(changed.error);
    const deleted = changed.servers.find((s) => s.server.name === second);
    expect(deleted?._meta[OFFICIAL_META_KEY]?.status).toBe("deleted");
    const recent = r.list(params({ version: "latest", updated_since: since }));
    if ("error" in recent) throw new Error(recent.error);
    expect(recent.servers).toEqual([]);
    const search = r.list(params({ search: first!.split("/")[1]!, version: "latest" }));
    if ("error" in search) throw new Error(search.error);
    expect(search.servers.map((s) => s.server.description)).toEqual(["changed"]);
    expect(r.list(params({ limit: "1000" }))).toEqual({
      error: "limit must be an integer from 1 to 100",
    });
    expect(r.list(params({ cursor: "nonsense" }))).toEqual({ error: "invalid cursor" });
  });
});
