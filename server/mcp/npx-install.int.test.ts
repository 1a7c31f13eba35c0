import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpConnection } from "./connection";
import { baseChildEnv, type LaunchSpec } from "./launch";
import { freePort } from "./testing/servers";

/** npx launches against a registry that refuses connections or never answers: no internet here. */

const npxSpec = (pkg: string, registry: string): LaunchSpec => ({
  transport: "stdio",
  command: "npx",
  args: ["-y", pkg],
  env: { ...baseChildEnv(), npm_config_registry: registry },
});

async function connectError(spec: LaunchSpec, npxInstallWaitMs?: number) {
  const connection = new McpConnection("sqlite", spec, {
    connectTimeoutMs: 30_000,
    ...(npxInstallWaitMs ? { npxInstallWaitMs } : {}),
  });
  try {
    await connection.connect();
    return null;
  } catch (error) {
    return error;
  } finally {
    await connection.close();
  }
}

let closedRegistry = "";
let silentRegistry: Server;
let silentUrl = "";
let emptyRegistry: Server;
let emptyUrl = "";
const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
};
beforeAll(async () => {
  // Answers every package as the npm registry answers one that does not exist.
  emptyRegistry = createServer((_request, response) => {
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "Not found" }));
  });
  emptyUrl = await listen(emptyRegistry);
  closedRegistry = `http://127.0.0.1:${await freePort()}/`;
  // Accepts connections and never answers, like a registry behind a stalled proxy.
  silentRegistry = createServer(() => {});
  await new Promise<void>((resolve) => silentRegistry.listen(0, "127.0.0.1", resolve));
  const address = silentRegistry.address();
  silentUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`;
});
afterAll(() => {
  emptyRegistry.closeAllConnections();
  emptyRegistry.close();
  silentRegistry.closeAllConnections();
  return new Promise<void>((resolve) => silentRegistry.close(() => resolve()));
});

describe("servers launched through npx", () => {
  it("fail at once, naming the package and the registry's answer, when npx cannot fetch it", async () => {
    const error = await connectError(npxSpec("maestro-no-such-server@1.0.0", closedRegistry));
    expect(error).toMatchObject({ code: "CONNECT_FAILED" });
    expect((error as Error).message).toMatch(
      /sqlite: npx could not install maestro-no-such-server@1\.0\.0 from the npm registry: .*ECONNREFUSED/,
    );
  });

  it("say within seconds that a package does not exist, with the registry's 404", async () => {
    const started = performance.now();
    const error = await connectError(npxSpec("maestro-no-such-server@1.0.0", emptyUrl));
    // About 2.5 s here when idle; the bound leaves room for a loaded CI machine. That npm's own
    // answer is in the message shows it was not a start timeout.
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(error).toMatchObject({ code: "CONNECT_FAILED" });
    expect((error as Error).message).toMatch(
      /sqlite: npx could not install maestro-no-such-server@1\.0\.0 from the npm registry: the registry has no such package \(404 Not Found for http:\/\/127\.0\.0\.1:\d+\/maestro-no-such-server\)/,
    );
  });

  it("say the package is still installing, instead of spinning until the start times out", async () => {
    const error = await connectError(npxSpec("maestro-slow-server@1.0.0", silentUrl), 1_000);
    expect(error).toMatchObject({ code: "CONNECT_FAILED" });
    expect((error as Error).message).toMatch(
      /npx is still installing maestro-slow-server@1\.0\.0 .*try again shortly/,
    );
  });

  it("start once the package is there, without the registry", async () => {
    const connection = new McpConnection(
      "everything",
      npxSpec("@modelcontextprotocol/server-everything@2026.8.31", closedRegistry),
      { connectTimeoutMs: 30_000 },
    );
    try {
      await connection.connect();
      expect((await connection.listTools()).has("echo")).toBe(true);
    } finally {
      await connection.close();
    }
  });
});
