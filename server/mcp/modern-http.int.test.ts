import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exchange, type ModernEndpoint } from "./modern-http";

// The 2026-07-28 wire against a loopback server that misbehaves in ways a real one could.

let server: http.Server;
let base = "";
let bigBytesSent = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (req.url === "/bad-event") {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.end("data: {not json\n\n");
        return;
      }
      // An answer without end and without a length: 1 MB chunks until the client hangs up.
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = "x".repeat(1024 * 1024);
      const more = () => {
        while (!res.destroyed && bigBytesSent < 64 * 1024 * 1024) {
          bigBytesSent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", more);
        }
        res.end();
      };
      res.on("close", () => undefined);
      more();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const endpoint = (path: string): ModernEndpoint => ({
  url: `${base}${path}`,
  headers: {},
  fetch,
  capabilities: {},
});

describe("the 2026-07-28 wire with a server that misbehaves", () => {
  it("an event that is not JSON is a failure in words, not a parser's message", async () => {
    await expect(
      exchange(endpoint("/bad-event"), "tools/list", {}, { timeoutMs: 10_000 }),
    ).rejects.toThrow("the server's event stream held an event that is not JSON");
  });

  it("stops reading an answer at 10 MB instead of holding all the server sends", async () => {
    await expect(
      exchange(endpoint("/endless"), "tools/list", {}, { timeoutMs: 30_000 }),
    ).rejects.toThrow("the server's answer is too large");
    // The answer was cut off near the limit, not read to the server's 64 MB end.
    expect(bigBytesSent).toBeLessThan(40 * 1024 * 1024);
  });
});
