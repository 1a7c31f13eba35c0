import { describe, expect, it } from "vitest";
import { installInputsOf, ServerJsonSchema } from "@/engine/schema/catalog";
import { BUILTIN_CATALOG } from "./builtin-catalog";
import { buildLaunchSpec } from "./launch-spec";

const builtin = (title: string) => BUILTIN_CATALOG.find((b) => b.serverJson.title === title)!.serverJson;

describe("built-in catalog entries", () => {
  it("are valid server.json documents with unique names", () => {
    for (const { serverJson } of BUILTIN_CATALOG) expect(ServerJsonSchema.safeParse(serverJson).success, serverJson.name).toBe(true);
    expect(new Set(BUILTIN_CATALOG.map((b) => b.serverJson.name)).size).toBe(BUILTIN_CATALOG.length);
  });

  it("generate their install form from arguments and environment variables", () => {
    expect(installInputsOf(builtin("GitHub"))).toEqual([
      expect.objectContaining({ key: "env:GITHUB_PERSONAL_ACCESS_TOKEN", kind: "env", isRequired: true, isSecret: true }),
    ]);
    expect(installInputsOf(builtin("Everything"))).toEqual([]);
  });
});

describe("how an installation runs", () => {
  it("runs installed npm packages from node_modules with this Node, repeated arguments in order", () => {
    const spec = buildLaunchSpec(builtin("Filesystem"), { "arg:allowed_directory": ["/srv/a", "/srv/b"] });
    expect(spec).toMatchObject({ transport: "stdio", command: process.execPath });
    expect(spec.transport === "stdio" && spec.args.slice(-2)).toEqual(["/srv/a", "/srv/b"]);
    expect(spec.transport === "stdio" && spec.args[0]).toContain("node_modules/@modelcontextprotocol/server-filesystem");
  });

  it("falls back to npx for packages that are not installed, and exports portably", () => {
    expect(buildLaunchSpec(builtin("Fetch"), {})).toMatchObject({ command: "npx", args: ["-y", "mcp-fetch-server@1.1.2"] });
    const portable = buildLaunchSpec(builtin("Memory"), { "env:MEMORY_FILE_PATH": "/data/m.jsonl" }, "memory", { portable: true });
    expect(portable).toEqual({ transport: "stdio", command: "npx", args: ["-y", "@modelcontextprotocol/server-memory@2026.8.31"], env: { MEMORY_FILE_PATH: "/data/m.jsonl" } });
  });

  it("refuses to start without a required input, naming it", () => {
    expect(() => buildLaunchSpec(builtin("GitHub"), {})).toThrow(/GITHUB_PERSONAL_ACCESS_TOKEN/);
  });

  it("reaches remotes with their headers, and passes named arguments as flag and value", () => {
    const remote = ServerJsonSchema.parse({
      name: "io.example/remote",
      description: "A remote",
      version: "1.0.0",
      remotes: [{ type: "sse", url: "https://example.com/sse", headers: [{ name: "Authorization", isSecret: true, isRequired: true }] }],
    });
    expect(buildLaunchSpec(remote, { "header:Authorization": "Bearer x" })).toEqual({ transport: "sse", url: "https://example.com/sse", headers: { Authorization: "Bearer x" } });
    const named = ServerJsonSchema.parse({
      name: "io.example/named",
      description: "Named args",
      version: "1.0.0",
      packages: [{ registryType: "pypi", identifier: "example-mcp", version: "2.0", transport: { type: "stdio" }, packageArguments: [{ type: "named", name: "--root", isRequired: true }, { type: "named", name: "--verbose", value: "1" }] }],
    });
    expect(buildLaunchSpec(named, { "arg:--root": "/x" })).toMatchObject({ command: "uvx", args: ["example-mcp==2.0", "--root", "/x", "--verbose", "1"] });
  });
});
