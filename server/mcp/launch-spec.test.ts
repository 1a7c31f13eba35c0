import { describe, expect, it } from "vitest";
import { installInputsOf, ServerJsonSchema } from "@/engine/schema/catalog";
import { BUILTIN_CATALOG } from "./builtin-catalog";
import { buildLaunchSpec, SERVER_ARGS_VARIABLE } from "./launch-spec";

const builtin = (title: string) =>
  BUILTIN_CATALOG.find((b) => b.serverJson.title === title)!.serverJson;

describe("built-in catalog entries", () => {
  it("are valid server.json documents with unique names", () => {
    for (const { serverJson } of BUILTIN_CATALOG)
      expect(ServerJsonSchema.safeParse(serverJson).success, serverJson.name).toBe(true);
    expect(new Set(BUILTIN_CATALOG.map((b) => b.serverJson.name)).size).toBe(
      BUILTIN_CATALOG.length,
    );
  });

  it("generate their install form from arguments and environment variables", () => {
    expect(installInputsOf(builtin("GitHub"))).toEqual([
      expect.objectContaining({
        key: "env:GITHUB_PERSONAL_ACCESS_TOKEN",
        kind: "env",
        isRequired: true,
        isSecret: true,
      }),
    ]);
    expect(installInputsOf(builtin("Everything"))).toEqual([]);
  });
});

describe("how an installation runs", () => {
  it("runs installed npm packages from node_modules with this Node, repeated arguments in order", () => {
    const spec = buildLaunchSpec(builtin("Filesystem"), {
      "arg:allowed_directory": ["/srv/a", "/srv/b"],
    });
    expect(spec).toMatchObject({ transport: "stdio", command: process.execPath });
    expect(spec.transport === "stdio" && spec.args.slice(-2)).toEqual(["/srv/a", "/srv/b"]);
    expect(spec.transport === "stdio" && spec.args[0]).toContain(
      "node_modules/@modelcontextprotocol/server-filesystem",
    );
  });

  it("falls back to npx for packages that are not installed, and exports portably", () => {
    expect(buildLaunchSpec(builtin("Fetch"), {})).toMatchObject({
      command: "npx",
      args: ["-y", "mcp-fetch-server@1.1.2"],
    });
    const portable = buildLaunchSpec(
      builtin("Memory"),
      { "env:MEMORY_FILE_PATH": "/data/m.jsonl" },
      "memory",
      { portable: true },
    );
    expect(portable).toEqual({
      transport: "stdio",
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-memory@2026.8.31"],
      env: { MEMORY_FILE_PATH: "/data/m.jsonl" },
    });
  });

  it("refuses a package name the runner would read as its own option (npx -c runs a shell command)", () => {
    const entry = ServerJsonSchema.parse({
      name: "io.example/dash",
      description: "An entry whose package is an npx option",
      version: "1.0.0",
      packages: [{ registryType: "npm", identifier: "-c", transport: { type: "stdio" } }],
    });
    expect(() => buildLaunchSpec(entry, {})).toThrow(/"-c" is not a package name/);
  });

  it("refuses to start without a required input, naming it", () => {
    expect(() => buildLaunchSpec(builtin("GitHub"), {})).toThrow(/GITHUB_PERSONAL_ACCESS_TOKEN/);
  });

  it("reaches remotes with their headers, and passes named arguments as flag and value", () => {
    const remote = ServerJsonSchema.parse({
      name: "io.example/remote",
      description: "A remote",
      version: "1.0.0",
      remotes: [
        {
          type: "sse",
          url: "https://example.com/sse",
          headers: [{ name: "Authorization", isSecret: true, isRequired: true }],
        },
      ],
    });
    expect(buildLaunchSpec(remote, { "header:Authorization": "Bearer x" })).toEqual({
      transport: "sse",
      url: "https://example.com/sse",
      headers: { Authorization: "Bearer x" },
    });
    const named = ServerJsonSchema.parse({
      name: "io.example/named",
      description: "Named args",
      version: "1.0.0",
      packages: [
        {
          registryType: "pypi",
          identifier: "example-mcp",
          version: "2.0",
          transport: { type: "stdio" },
          packageArguments: [
            { type: "named", name: "--root", isRequired: true },
            { type: "named", name: "--verbose", value: "1" },
          ],
        },
      ],
    });
    expect(buildLaunchSpec(named, { "arg:--root": "/x" })).toMatchObject({
      command: "uvx",
      args: ["example-mcp==2.0", "--root", "/x", "--verbose", "1"],
    });
  });

  it("keeps secret arguments off the command line: they travel in the environment", () => {
    const url = "postgres://app:pw@db:5432/app";
    const local = buildLaunchSpec(builtin("PostgreSQL"), { "arg:database_url": url });
    expect(local.transport === "stdio" && local.args.join(" ")).not.toContain("pw@db");
    expect(local.transport === "stdio" && local.args[0]).toMatch(/argv-from-env\.mjs$/);
    expect(local.transport === "stdio" && JSON.parse(local.env[SERVER_ARGS_VARIABLE]!)).toEqual([
      url,
    ]);

    const secretArgument = (registryType: "npm" | "pypi") =>
      ServerJsonSchema.parse({
        name: "io.example/db",
        description: "A database",
        version: "1.0.0",
        packages: [
          {
            registryType,
            identifier: "example-db-mcp",
            version: "1.0.0",
            transport: { type: "stdio" },
            packageArguments: [{ type: "positional", valueHint: "url", isSecret: true }],
          },
        ],
      });
    const viaNpx = buildLaunchSpec(secretArgument("npm"), { "arg:url": url });
    expect(viaNpx).toMatchObject({
      command: "npx",
      args: [
        "-y",
        "--package",
        "example-db-mcp@1.0.0",
        "--",
        process.execPath,
        expect.stringMatching(/argv-from-env/),
        "--package",
        "example-db-mcp",
      ],
    });
    expect(viaNpx.transport === "stdio" && viaNpx.args.join(" ")).not.toContain(url);
    expect(() => buildLaunchSpec(secretArgument("pypi"), { "arg:url": url })).toThrow(
      /secret as a command-line argument/,
    );
    // An export is for another machine's config file, where secrets are `${NAME}` placeholders.
    expect(
      buildLaunchSpec(secretArgument("npm"), { "arg:url": "${URL}" }, "db", { portable: true }),
    ).toMatchObject({ args: ["-y", "example-db-mcp@1.0.0", "${URL}"] });
  });
});
