import { describe, expect, it } from "vitest";
import { BUILTIN_ENTRIES, padCatalog } from "./__fixtures__/catalog";
import { analyzeTask } from "./analyze-task";
import { buildDiscoveryIndex, discoverServers, shortNameOf } from "./server-discovery";

const index = buildDiscoveryIndex(BUILTIN_ENTRIES);
const padded = buildDiscoveryIndex(padCatalog(BUILTIN_ENTRIES, 240));
const discover = (task: string, ix = index) =>
  discoverServers(ix, analyzeTask(task)).servers.map((s) => s.shortName);

describe("shortNameOf", () => {
  it("strips affixes and applies aliases", () => {
    expect(shortNameOf("io.github.modelcontextprotocol/server-gdrive")).toBe("google-drive");
    expect(shortNameOf("io.github.modelcontextprotocol/server-brave-search")).toBe("brave-search");
    expect(shortNameOf("io.github.zcaceres/fetch")).toBe("fetch");
    expect(shortNameOf("local.imported/mcp-postgresql-server")).toBe("postgres");
    expect(shortNameOf("io.github.modelcontextprotocol/server-sequential-thinking")).toBe(
      "sequential-thinking",
    );
  });
});

describe("discoverServers", () => {
  it("maps each needed capability to the best entry, in the task's order", () => {
    expect(
      discover(
        "Save the titles of today's top stories from https://lobste.rs into a file called today.md",
      ),
    ).toEqual(["fetch", "filesystem"]);
    expect(discover("Summarize the schema of inventory.db")).toEqual(["sqlite"]);
    expect(discover("Find duplicate emails in the users table of the Postgres database")).toEqual([
      "postgres",
    ]);
    expect(discover("Open the onboarding checklist in Google Drive")).toEqual(["google-drive"]);
  });

  it("returns nothing for a task that needs no server", () => {
    expect(discover("Write a haiku about autumn")).toEqual([]);
    expect(discover("Produce three versions of this abstract")).toEqual([]);
  });

  it("prefers built-ins over look-alikes that fit equally", () => {
    const found = discoverServers(
      padded,
      analyzeTask("Fetch https://example.com and save it to page.md"),
    ).servers;
    expect(found.map((s) => s.name)).toEqual([
      "io.github.zcaceres/fetch",
      "io.github.modelcontextprotocol/server-filesystem",
    ]);
    expect(found.every((s) => s.isBuiltin)).toBe(true);
  });

  it("gives a score and a reason for each server", () => {
    const [server] = discoverServers(
      index,
      analyzeTask("Render our pricing page in a browser"),
    ).servers;
    expect(server).toMatchObject({ shortName: "puppeteer", capability: "browser-automation" });
    expect(server?.score).toBeGreaterThan(0.5);
    expect(server?.reason).toMatch(/browser-automation/);
  });

  it("lets a learned bias choose among entries that serve the same capability", () => {
    const features = analyzeTask("Search the web for rust web frameworks");
    const catalog = buildDiscoveryIndex([
      ...BUILTIN_ENTRIES,
      {
        name: "io.tavily/tavily-search",
        title: "Tavily Search",
        description: "Web search for agents.",
        tools: ["tavily_search"],
        category: "search",
      },
    ]);
    expect(discoverServers(catalog, features).servers[0]?.shortName).toBe("brave-search");
    expect(
      discoverServers(catalog, features, { serverBias: { "tavily-search": 3 } }).servers[0]
        ?.shortName,
    ).toBe("tavily-search");
  });

  it("finds a product the task names, and reports capabilities nothing serves", () => {
    const catalog = buildDiscoveryIndex([
      {
        name: "io.example/slack",
        title: "Slack",
        description: "Post messages to channels.",
        tools: ["post_message"],
        category: "productivity",
      },
    ]);
    const result = discoverServers(
      catalog,
      analyzeTask("Summarise report.md and post it to the team's Slack channel"),
    );
    expect(result.servers.map((s) => s.shortName)).toEqual(["slack"]);
    expect(result.missing).toEqual(["files"]);
  });

  it("can list alternatives per capability", () => {
    const result = discoverServers(padded, analyzeTask("Fetch https://example.com"), {
      alternatives: 2,
    });
    expect(result.alternatives).toHaveLength(2);
    expect(result.alternatives.every((s) => s.capability === "web-fetch" && !s.isBuiltin)).toBe(
      true,
    );
  });
});
