import { afterEach, describe, expect, it, vi } from "vitest";
import { join } from "node:path";
import { McpConnection } from "./connection";
import { InspectorSession } from "./inspector-session";
import { baseChildEnv, fingerprintOf } from "./launch";
import { STDIO_PROBE_TIMEOUT_MS } from "./modern-stdio";
import { cachedEra } from "./protocol-era";
import { localStdioSpec, modernStdioServerSpec } from "./testing/servers";

// Era negotiation over stdio against real processes: the v2 SDK's serveStdio (2026-07-28 only) and
// the Everything server from npm (2025-11-25, SDK 1.x), both probed with server/discover first.

const open: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function connect(spec: ReturnType<typeof modernStdioServerSpec>) {
  const connection = new McpConnection("stdio-era", spec, { connectTimeoutMs: 30_000 });
  open.push(connection);
  await connection.connect();
  return connection;
}

describe("protocol era over stdio", () => {
  it("a 2026-07-28 stdio server is spoken to in 2026-07-28 with no initialize, and its tools work", async () => {
    const connection = await connect(modernStdioServerSpec());
    expect(connection.protocolVersion).toBe("2026-07-28");
    expect(connection.serverVersion).toMatchObject({ name: "modern-stdio-test", version: "4.2.0" });
    const tools = await connection.listTools();
    expect([...tools.keys()]).toEqual(["add"]);
    const result = await connection.callTool("add", { a: 2, b: 3 });
    expect(result.structuredContent).toEqual({ sum: 5 });
    // The server logs each request to stderr, a pipe of its own that may trail its answers.
    await vi.waitFor(() => expect(connection.stderr.value).toMatch(/^seen tools\/call$/m));
    expect(connection.stderr.value.match(/^seen \S+/gm)).toEqual([
      "seen server/discover",
      "seen tools/list",
      "seen tools/call",
    ]);
    await connection.ping();
  });

  it("a dual-era stdio server (it would also answer initialize) is spoken to in 2026-07-28", async () => {
    const connection = await connect(modernStdioServerSpec({ legacy: "serve" }));
    expect(connection.protocolVersion).toBe("2026-07-28");
    expect((await connection.callTool("add", { a: 1, b: 1 })).structuredContent).toEqual({
      sum: 2,
    });
  });

  it("the Everything server over stdio answers the probe with an error, gets initialize on the same process, and its tools work", async () => {
    const spec = localStdioSpec("@modelcontextprotocol/server-everything");
    const connection = await connect(spec);
    const pid = connection.pid;
    expect(cachedEra(fingerprintOf(spec))).toMatchObject({
      era: "legacy",
      reason: expect.stringMatching(/server\/discover answered -32601/),
    });
    expect(pid).toBeGreaterThan(0);
    expect(connection.protocolVersion).toBe("2025-11-25");
    const echoed = await connection.callTool("echo", { message: "over stdio" });
    expect(JSON.stringify(echoed.content)).toContain("over stdio");
    expect(connection.pid).toBe(pid);
  });

  it("a server that ignores the probe gets initialize on the same process once the probe times out", async () => {
    const spec = {
      transport: "stdio" as const,
      command: process.execPath,
      args: [join(process.cwd(), "server/mcp/testing/silent-legacy-server.mjs")],
      env: baseChildEnv(),
    };
    const started = performance.now();
    const connection = await connect(spec);
    expect(performance.now() - started).toBeGreaterThanOrEqual(STDIO_PROBE_TIMEOUT_MS - 50);
    expect(connection.protocolVersion).toBe("2025-11-25");
    const result = await connection.callTool("hello", {});
    expect(JSON.stringify(result.content)).toContain(`pid ${connection.pid}`);
    expect(connection.stderr.value).toMatch(/^ignored server\/discover$/m);
    // No answer is no verdict: the next start asks again.
    expect(cachedEra(fingerprintOf(spec))).toBeNull();
  });

  it("a process that dies is reported as a crash of a modern stdio session", async () => {
    let ended!: (unexpected: boolean) => void;
    const closed = new Promise<boolean>((resolve) => (ended = resolve));
    const connection = new McpConnection("stdio-era", modernStdioServerSpec(), {
      connectTimeoutMs: 30_000,
      onClosed: (_c, unexpected) => ended(unexpected),
    });
    open.push(connection);
    await connection.connect();
    process.kill(connection.pid!, "SIGKILL");
    expect(await closed).toBe(true);
    await expect(connection.callTool("add", { a: 1, b: 1 })).rejects.toMatchObject({
      code: "SERVER_CRASHED",
    });
  });

  it("the tool runner's inspector session speaks 2026-07-28 to a 2026-07-28 stdio server too", async () => {
    const session = new InspectorSession("modern-stdio", modernStdioServerSpec());
    try {
      await session.connect();
      expect(session.describe()).toMatchObject({
        protocolVersion: "2026-07-28",
        server: { name: "modern-stdio-test" },
      });
      const outcome = await session.callTool("c1", "add", { a: 20, b: 22 });
      expect(JSON.stringify(outcome)).toContain('"sum":42');
      await vi.waitFor(() => expect(session.stderr.value).toMatch(/^seen tools\/call$/m));
      expect(session.stderr.value).not.toMatch(/^seen initialize$/m);
    } finally {
      await session.close();
    }
  });
});
