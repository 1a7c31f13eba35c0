import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { LaunchSpec } from "./launch";
import { longLivedInit } from "./long-lived-fetch";
import { McpPool } from "./pool";
import { startModernServer } from "./testing/modern-server";

// Node's fetch ends a response body that is silent for undici's bodyTimeout (300 s by default:
// a silent SSE stream read with Node 20's fetch failed after 307 s, "terminated", caused by
// UND_ERR_BODY_TIMEOUT). Five minutes cannot be waited for here, so each test makes fetch's
// default dispatcher (the one every other request uses) cut after 300 ms of silence, and checks
// that the streams meant to stay open do, through silences several times that long.
const SHORT_BODY_TIMEOUT_MS = 300;
const SILENCE_MS = 3_500; // a cut shows by then: undici's timers tick every 0.5 s, a reopen waits 1 s

let previous: Dispatcher;
const closers: (() => Promise<unknown>)[] = [];

beforeEach(() => {
  previous = getGlobalDispatcher();
  setGlobalDispatcher(new Agent({ bodyTimeout: SHORT_BODY_TIMEOUT_MS }));
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  setGlobalDispatcher(previous);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

/** A server whose event stream sends one event and then nothing. */
async function silentStream(): Promise<string> {
  return listen(
    createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write('data: {"hello":true}\n\n');
    }),
  );
}

/** Reads `response`'s body until it ends, fails, or `ms` pass: what happened. */
async function readFor(response: Response, ms: number): Promise<string> {
  const reader = response.body!.getReader();
  const timer = setTimeout(() => void reader.cancel("still open").catch(() => {}), ms);
  try {
    for (;;) if ((await reader.read()).done) return "still open";
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** A 2025-11-25 Streamable HTTP server with sessions, counting the GET streams opened on it. */
async function legacyServerWithGetStream() {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const seen = { gets: 0, openGets: 0 };
  const url = await listen(
    createServer((req, res) => {
      if (req.method === "GET") {
        seen.gets += 1;
        seen.openGets += 1;
        res.on("close", () => (seen.openGets -= 1));
      }
      void (async () => {
        const id = req.headers["mcp-session-id"];
        let transport = typeof id === "string" ? sessions.get(id) : undefined;
        if (!transport) {
          const created = new StreamableHTTPServerTransport({
            sessionIdGenerator: () => randomUUID(),
            onsessioninitialized: (sessionId) => void sessions.set(sessionId, created),
          });
          const mcp = new McpServer({ name: "legacy-get", version: "1.0.0" });
          mcp.registerTool("echo", { inputSchema: { message: z.string() } }, ({ message }) => ({
            content: [{ type: "text", text: message }],
          }));
          await mcp.connect(created);
          transport = created;
        }
        await transport.handleRequest(req, res);
      })().catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    }),
  );
  closers.push(async () => {
    for (const transport of sessions.values()) await transport.close();
  });
  return { url, seen };
}

function poolFor(url: string): { pool: McpPool; spec: LaunchSpec } {
  const pool = new McpPool();
  closers.push(() => pool.closeAll());
  return { pool, spec: { transport: "streamable-http", url, headers: {} } };
}

describe("long-lived streams and fetch's body timeout", () => {
  it("a silent body is cut by the default dispatcher's timeout, and not through longLivedInit", async () => {
    const url = await silentStream();
    expect(await readFor(await fetch(url), SILENCE_MS)).toBe("UND_ERR_BODY_TIMEOUT");
    expect(await readFor(await fetch(url, longLivedInit({})), SILENCE_MS)).toBe("still open");
  });

  it("keeps a 2026-07-28 subscriptions/listen stream open through a long silence", async () => {
    const server = await startModernServer();
    closers.push(() => server.close());
    const { pool, spec } = poolFor(server.url);
    await pool.listTools("listen", "modern", spec);
    await expect.poll(() => server.listening(), { timeout: 10_000 }).toBe(1);

    await sleep(SILENCE_MS);
    // One stream, never cut and opened again.
    expect(server.listens).toHaveLength(1);
    expect(server.listening()).toBe(1);
  });

  it("keeps the GET stream of a 2025 Streamable HTTP server open through a long silence", async () => {
    const { url, seen } = await legacyServerWithGetStream();
    const { pool, spec } = poolFor(url);
    await pool.listTools("get", "legacy", spec);
    expect(pool.liveConnection("get")?.protocolVersion).toBe("2025-11-25");
    await expect.poll(() => seen.openGets, { timeout: 10_000 }).toBe(1);

    await sleep(SILENCE_MS);
    expect(seen.gets).toBe(1);
    expect(seen.openGets).toBe(1);
    // Calls still work beside it.
    const result = await pool.callTool("get", "legacy", spec, {
      tool: "echo",
      args: { message: "still here" },
    });
    expect(result.content).toEqual([{ type: "text", text: "still here" }]);
  });
});
