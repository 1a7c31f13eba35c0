import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LaunchSpec } from "./launch";
import { openModernSession } from "./modern-session";

// Which era a 2026-07-28 server is in is asked on every connection (server/discover is the
// revision's handshake), against a loopback server whose answers the test changes.

let server: http.Server;
let url = "";
let serverVersion = "1.0.0";
let discovers = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const message = JSON.parse(body) as { id: number; method: string };
      if (message.method === "server/discover") discovers++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          jsonrpc: "2.0",
          id: message.id,
          result: {
            supportedVersions: ["2026-07-28"],
            capabilities: { tools: {} },
            _meta: {
              "io.modelcontextprotocol/serverInfo": { name: "era", version: serverVersion },
            },
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const spec = (): LaunchSpec => ({ transport: "streamable-http", url, headers: {} });

describe("the protocol era of a 2026-07-28 server", () => {
  it("is asked on each connection, so an upgraded server is seen as it is now; one that stopped answering fails the connection saying so", async () => {
    const first = await openModernSession("era", spec(), { connectTimeoutMs: 5_000 });
    expect(first?.serverVersion).toEqual({ name: "era", version: "1.0.0" });
    serverVersion = "2.0.0";
    const second = await openModernSession("era", spec(), { connectTimeoutMs: 5_000 });
    expect(second?.serverVersion).toEqual({ name: "era", version: "2.0.0" });
    expect(discovers).toBe(2);

    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await expect(openModernSession("era", spec(), { connectTimeoutMs: 5_000 })).rejects.toThrow(
      /could not be reached/,
    );
  });
});
