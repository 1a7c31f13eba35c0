import { describe, expect, it } from "vitest";
import { BUILTIN_CATALOG } from "./builtin-catalog";
import {
  fetchRegistryListings,
  parseMcpServersConfig,
  parseServerJsonText,
  toMcpServersConfig,
} from "./config-io";

describe("importing catalog entries", () => {
  it("reads one server.json, a list, or a registry answer, and says what it skipped", () => {
    const one = { name: "io.example/a", description: "A", version: "1.0.0" };
    expect(parseServerJsonText(JSON.stringify(one)).entries.map((e) => e.name)).toEqual([
      "io.example/a",
    ]);
    expect(parseServerJsonText(JSON.stringify([one, { name: "bad" }]))).toMatchObject({
      entries: [{ name: "io.example/a" }],
      skipped: [{ name: "bad" }],
    });
    expect(
      parseServerJsonText(JSON.stringify({ servers: [{ server: one, _meta: {} }] })).entries,
    ).toHaveLength(1);
    expect(parseServerJsonText("{").skipped[0]?.reason).toContain("not JSON");
  });

  it("turns mcpServers entries into packages and remotes without keeping secret-looking values", () => {
    const { entries, skipped } = parseMcpServersConfig(
      JSON.stringify({
        mcpServers: {
          gh: {
            command: "npx",
            args: ["-y", "@modelcontextprotocol/server-github"],
            env: { GITHUB_PERSONAL_ACCESS_TOKEN: "ghp_x" },
          },
          py: { command: "uvx", args: ["mcp-server-time", "--local-timezone", "UTC"] },
          api: { type: "sse", url: "https://example.com/sse", headers: { "X-Api-Key": "k" } },
          img: { command: "docker", args: ["run", "-i", "--rm", "-e", "TOKEN", "mcp/time:1"] },
          bin: { command: "./server" },
        },
      }),
    );
    expect(JSON.stringify(entries)).not.toContain("ghp_x");
    expect(JSON.stringify(entries)).not.toContain('"k"');
    expect(
      entries.map((e) => [e.name, e.packages?.[0]?.registryType ?? e.remotes?.[0]?.type]),
    ).toEqual([
      ["local.config/gh", "npm"],
      ["local.config/py", "pypi"],
      ["local.config/api", "sse"],
      ["local.config/img", "oci"],
    ]);
    expect(entries[3]?.packages?.[0]).toMatchObject({ identifier: "mcp/time", version: "1" });
    expect(skipped).toEqual([
      { name: "bin", reason: expect.stringContaining("servers start through npx, uvx or docker") },
    ]);
    expect(parseMcpServersConfig(JSON.stringify({ servers: {} })).skipped[0]?.name).toBe("config");
  });

  it("reads Cursor's url-only entries and VS Code's servers as remotes, and skips a bad entry on its own", () => {
    const cursor = parseMcpServersConfig(
      JSON.stringify({
        mcpServers: {
          docs: {
            url: "https://mcp.example.com/mcp",
            headers: { Authorization: "Bearer sk_live_1", "X-Team": "blue" },
          },
          broken: { url: "not a url" },
          empty: {},
        },
      }),
    );
    expect(cursor.entries).toEqual([
      expect.objectContaining({
        name: "local.config/docs",
        remotes: [
          {
            type: "streamable-http",
            url: "https://mcp.example.com/mcp",
            headers: [
              expect.objectContaining({ name: "Authorization", isSecret: true }),
              { name: "X-Team", isRequired: false, default: "blue" },
            ],
          },
        ],
      }),
    ]);
    expect(JSON.stringify(cursor.entries)).not.toContain("sk_live_1");
    expect(cursor.skipped).toEqual([
      { name: "broken", reason: expect.stringContaining("url: must be an http(s) URL") },
      { name: "empty", reason: "has neither a command nor a url" },
    ]);

    const vscode = parseMcpServersConfig(
      JSON.stringify({
        inputs: [{ type: "promptString", id: "key", password: true }],
        servers: {
          remote: {
            type: "sse",
            url: "https://mcp.example.com/sse",
            headers: { "X-Key": "${input:key}" },
          },
          local: { type: "stdio", command: "npx", args: ["-y", "@example/tool-mcp@1.0.0"] },
        },
      }),
    );
    expect(vscode.skipped).toEqual([]);
    expect(vscode.entries.map((e) => e.remotes?.[0]?.type ?? e.packages?.[0]?.identifier)).toEqual([
      "sse",
      "@example/tool-mcp",
    ]);
    expect(vscode.entries[0]?.remotes?.[0]?.headers).toEqual([
      expect.objectContaining({ name: "X-Key", isSecret: true }),
    ]);
  });

  it("exports installed servers with secrets as placeholders, and re-imports what it exported", () => {
    const github = BUILTIN_CATALOG.find((b) => b.serverJson.title === "GitHub")!.serverJson;
    const { mcpServers } = toMcpServersConfig([
      { name: "gh", entry: github, config: {}, secretKeys: ["env:GITHUB_PERSONAL_ACCESS_TOKEN"] },
    ]);
    expect(mcpServers.gh).toEqual({
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: "${GITHUB_PERSONAL_ACCESS_TOKEN}" },
    });
    const back = parseMcpServersConfig(JSON.stringify({ mcpServers }));
    expect(back.entries[0]?.packages?.[0]).toMatchObject({
      identifier: "@modelcontextprotocol/server-github",
      version: "2025.4.8",
    });
  });
});

describe("reading a registry", () => {
  const page = (names: string[], nextCursor?: string) =>
    Response.json({
      servers: names.map((name) => ({
        server: { name, description: "A server", version: "1.0.0" },
        _meta: {
          "io.modelcontextprotocol.registry/official": {
            status: name.endsWith("old") ? "deprecated" : "active",
            updatedAt: "2026-03-01T10:00:00Z",
            isLatest: true,
          },
        },
      })),
      metadata: { count: names.length, ...(nextCursor ? { nextCursor } : {}) },
    });

  it("follows every cursor and keeps each server's status and update time", async () => {
    const asked: URL[] = [];
    const pages = [page(["io.example/a", "io.example/old"], "c1"), page(["io.example/b"])];
    const result = await fetchRegistryListings("http://registry.test/base/", {
      fetchImpl: async (url) => {
        asked.push(new URL(String(url)));
        return pages.shift()!;
      },
    });
    expect(asked.map((u) => u.pathname)).toEqual(["/base/v0.1/servers", "/base/v0.1/servers"]);
    expect(asked[1]?.searchParams.get("cursor")).toBe("c1");
    expect(result.pages).toBe(2);
    expect(result.entries.map((e) => [e.server.name, e.status])).toEqual([
      ["io.example/a", "active"],
      ["io.example/old", "deprecated"],
      ["io.example/b", "active"],
    ]);
    expect(result.entries[0]?.updatedAt?.toISOString()).toBe("2026-03-01T10:00:00.000Z");
  });

  it("stops with a clear error on a cursor it was given before", async () => {
    await expect(
      fetchRegistryListings("http://registry.test", {
        fetchImpl: async () => page(["io.example/a"], "same"),
      }),
    ).rejects.toThrow("gave a cursor it had given before");
  });
});
