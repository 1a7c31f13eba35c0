import { describe, expect, it } from "vitest";
import { ServerJsonSchema, type ServerJson } from "@/engine/schema/catalog";
import { addServerInput } from "@/server/services/mcp-add-server";
import { parseMcpServersConfig, parseServerJsonText, toMcpServersEntry } from "./config-io";
import { addedServerJson, commandRefusal, entryInputsOf, type AddedServer } from "./custom-server";
import { buildLaunchSpec } from "./launch-spec";

const secret = (name: string, value: string) => ({ name, value, isSecret: true });
const plain = (name: string, value: string) => ({ name, value, isSecret: false });

const ADDED: Record<string, AddedServer> = {
  npm: {
    kind: "npm",
    name: "everything",
    package: "@modelcontextprotocol/server-everything",
    version: "2026.8.31",
    args: ["stdio"],
    env: [plain("LOG_LEVEL", "debug"), secret("API_KEY", "sk-1")],
  },
  npx: {
    kind: "command",
    name: "files",
    command: "npx",
    args: ["-y", "@modelcontextprotocol/server-filesystem@2026.8.31", "/tmp"],
    env: [],
  },
  uvx: {
    kind: "command",
    name: "time",
    command: "uvx",
    args: ["mcp-server-time==0.6.2", "--local-timezone", "UTC"],
    env: [],
  },
  docker: {
    kind: "command",
    name: "img",
    command: "docker",
    args: ["run", "-i", "--rm", "-e", "TOKEN", "ghcr.io/owner/server:1.2"],
    env: [secret("TOKEN", "t-1")],
  },
  custom: {
    kind: "command",
    name: "local-py",
    command: "python3",
    args: ["-m", "my_server", "--port", "0"],
    env: [plain("MODE", "fast")],
  },
  http: {
    kind: "url",
    name: "docs",
    transport: "streamable-http",
    url: "https://mcp.example.com/mcp",
    headers: [secret("Authorization", "Bearer sk_live_1"), plain("X-Team", "blue")],
  },
  sse: {
    kind: "url",
    name: "events",
    transport: "sse",
    url: "https://mcp.example.com/sse",
    headers: [],
  },
};

const allowed = { allowedCommands: ["python3"] };
/** What starts: the spec an installation with these values gets, as a config would write it. */
const configOf = (entry: ServerJson, values: Record<string, string>) =>
  toMcpServersEntry(
    entry,
    values,
    entryInputsOf(entry)
      .filter((i) => i.isSecret)
      .map((i) => i.key),
  );

describe("servers added by hand", () => {
  it.each(Object.keys(ADDED))(
    "%s: becomes a valid server.json that round-trips through server.json and .mcp.json",
    (kind) => {
      const { entry, values } = addedServerJson(ADDED[kind]!);
      expect(ServerJsonSchema.safeParse(entry).success).toBe(true);
      expect(JSON.stringify(entry)).not.toMatch(/sk-1|t-1|sk_live_1/); // secrets live in values only

      const reread = parseServerJsonText(JSON.stringify(entry));
      expect(reread.entries).toEqual([entry]);

      const config = configOf(entry, values as Record<string, string>);
      const imported = parseMcpServersConfig(
        JSON.stringify({ mcpServers: { [ADDED[kind]!.name]: config } }),
        allowed,
      );
      expect(imported.skipped).toEqual([]);
      const again = imported.entries[0]!;
      expect(configOf(again, values as Record<string, string>)).toEqual(config);
      expect(again.packages ?? again.remotes ?? again._meta).toBeTruthy();
    },
  );

  it("turns npx, uvx and docker commands into the packages they run", () => {
    const kinds = ["npx", "uvx", "docker"].map((k) => addedServerJson(ADDED[k]!).entry);
    expect(kinds.map((e) => e.packages?.[0])).toEqual([
      expect.objectContaining({
        registryType: "npm",
        identifier: "@modelcontextprotocol/server-filesystem",
        version: "2026.8.31",
        packageArguments: [{ type: "positional", value: "/tmp" }],
      }),
      expect.objectContaining({
        registryType: "pypi",
        identifier: "mcp-server-time",
        version: "0.6.2",
      }),
      expect.objectContaining({
        registryType: "oci",
        identifier: "ghcr.io/owner/server",
        version: "1.2",
      }),
    ]);
    expect(() =>
      addedServerJson({ kind: "command", name: "x", command: "npx", args: ["-y"], env: [] }),
    ).toThrow("npx needs a package");
  });

  it("asks for secrets on install and keeps plain values as editable defaults", () => {
    const { entry, values } = addedServerJson(ADDED.http!);
    expect(entryInputsOf(entry)).toEqual([
      expect.objectContaining({ key: "header:Authorization", isSecret: true, isRequired: true }),
      expect.objectContaining({ key: "header:X-Team", isSecret: false, default: "blue" }),
    ]);
    expect(values).toEqual({ "header:Authorization": "Bearer sk_live_1", "header:X-Team": "blue" });
    const custom = addedServerJson(ADDED.custom!).entry;
    expect(entryInputsOf(custom)).toEqual([
      expect.objectContaining({ key: "env:MODE", kind: "env", default: "fast" }),
    ]);
  });
});

describe("commands outside npx, uvx and docker", () => {
  it("are refused unless the platform allows them, and the refusal says how", () => {
    expect(commandRefusal("npx", [])).toBeNull();
    expect(commandRefusal("/usr/local/bin/uvx", [])).toBeNull();
    expect(commandRefusal("python3", ["python3"])).toBeNull();
    expect(commandRefusal("/usr/bin/python3", ["python3"])).toMatch(/not an allowed command/);
    expect(commandRefusal("python3", [])).toMatch(
      /A platform admin can allow it by adding python3 to MCP_ALLOWED_COMMANDS/,
    );

    const { entry, values } = addedServerJson(ADDED.custom!);
    expect(() => buildLaunchSpec(entry, values, "local-py", { allowedCommands: [] })).toThrow(
      /local-py: "python3" is not an allowed command/,
    );
    expect(buildLaunchSpec(entry, values, "local-py", allowed)).toMatchObject({
      transport: "stdio",
      command: "python3",
      args: ["-m", "my_server", "--port", "0"],
      env: expect.objectContaining({ MODE: "fast" }),
    });
    const skipped = parseMcpServersConfig(
      JSON.stringify({ mcpServers: { bin: { command: "./server" } } }),
    );
    expect(skipped.skipped[0]?.reason).toContain("MCP_ALLOWED_COMMANDS");
  });
});

describe("config shapes of other clients", () => {
  const shapes: Record<string, unknown> = {
    "Claude Desktop": {
      mcpServers: {
        files: {
          command: "npx",
          args: ["-y", "@modelcontextprotocol/server-filesystem@2026.8.31", "/tmp"],
        },
      },
    },
    "Cursor url-only": { mcpServers: { docs: { url: "https://mcp.example.com/mcp" } } },
    ".mcp.json http": {
      mcpServers: { docs: { type: "http", url: "https://mcp.example.com/mcp" } },
    },
    ".mcp.json sse": {
      mcpServers: {
        events: { type: "sse", url: "https://mcp.example.com/sse", headers: { "X-Team": "blue" } },
      },
    },
    "VS Code servers": {
      servers: {
        time: { type: "stdio", command: "uvx", args: ["mcp-server-time"] },
        docs: { type: "http", url: "https://mcp.example.com/mcp" },
      },
    },
  };

  it.each(Object.keys(shapes))(
    "%s: imports, exports as .mcp.json, and re-imports the same",
    (name) => {
      const first = parseMcpServersConfig(JSON.stringify(shapes[name]));
      expect(first.skipped).toEqual([]);
      const mcpServers = Object.fromEntries(first.entries.map((e) => [e.title!, configOf(e, {})]));
      const second = parseMcpServersConfig(JSON.stringify({ mcpServers }));
      expect(second.entries).toEqual(first.entries);
      for (const entry of first.entries)
        expect(parseServerJsonText(JSON.stringify(entry)).entries).toEqual([entry]);
    },
  );

  it("keeps a url entry's kind: no type and http are Streamable HTTP, sse is SSE", () => {
    const { entries } = parseMcpServersConfig(
      JSON.stringify({
        mcpServers: {
          a: { url: "https://a.example/mcp" },
          b: { type: "http", url: "https://b.example/mcp" },
          c: { type: "sse", url: "https://c.example/sse" },
        },
      }),
    );
    expect(entries.map((e) => e.remotes?.[0]?.type)).toEqual([
      "streamable-http",
      "streamable-http",
      "sse",
    ]);
    expect(entries.map((e) => configOf(e, {}))).toEqual([
      { type: "http", url: "https://a.example/mcp" },
      { type: "http", url: "https://b.example/mcp" },
      { type: "sse", url: "https://c.example/sse" },
    ]);
  });
});

describe("the add server input", () => {
  it("names the field of each problem", () => {
    const result = addServerInput.safeParse({
      kind: "npm",
      name: "Bad Name",
      package: "Not A Package",
      env: [plain("1BAD", "x")],
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["name", "package", "env.0.name"]));
    expect(
      addServerInput.safeParse({ kind: "url", name: "x", url: "ftp://example.com" }).error
        ?.issues[0],
    ).toMatchObject({ path: ["url"], message: expect.stringContaining("http(s) URL") });
    expect(
      addServerInput.parse({ kind: "url", name: "x", url: "https://example.com/mcp" }),
    ).toMatchObject({ transport: "streamable-http", headers: [] });
  });
});
