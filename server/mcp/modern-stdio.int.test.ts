import { afterEach, describe, expect, it, vi } from "vitest";
import { join } from "node:path";
import { McpConnection } from "./connection";
import type { InspectorEvent } from "./inspector-events";
import { InspectorSession } from "./inspector-session";
import { baseChildEnv, fingerprintOf } from "./launch";
import { STDIO_PROBE_TIMEOUT_MS } from "./modern-stdio";
import { cachedEra } from "./protocol-era";
import { localStdioSpec, modernStdioServerSpec } from "./testing/servers";

// Era negotiation over stdio against real processes: the v2 SDK's serveStdio (2026-07-28 only) and
// the Everything server from npm (2025-11-25, SDK 1.x), both probed with server/discover first;
// and what the revision carries over the pipes: subscriptions/listen streams.

const open: McpConnection[] = [];

/** Every event the session's log gets from now on. */
function recorded(session: InspectorSession): InspectorEvent[] {
  const events: InspectorEvent[] = [];
  const push = session.events.push.bind(session.events);
  session.events.push = (body) => {
    const event = push(body);
    events.push(event);
    return event;
  };
  return events;
}
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
    expect([...tools.keys()].sort()).toEqual(["add", "edit_note", "order"]);
    const result = await connection.callTool("add", { a: 2, b: 3 });
    expect(result.structuredContent).toEqual({ sum: 5 });
    // The server logs each request to stderr, a pipe of its own that may trail its answers.
    await vi.waitFor(() => expect(connection.stderr.value).toMatch(/^seen tools\/call$/m));
    // The listen stream asks for tool list changes (the server offers them): no initialize.
    expect(connection.stderr.value.match(/^seen \S+/gm)).toEqual([
      "seen server/discover",
      "seen subscriptions/listen",
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
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(STDIO_PROBE_TIMEOUT_MS - 50);
    // The probe left open for a late answer costs a 2025 server nothing.
    expect(took).toBeLessThan(STDIO_PROBE_TIMEOUT_MS + 2_000);
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

  it("a 2026-07-28-only server that takes 6 s to start answers the probe late, refuses initialize, and is kept as a 2026-07-28 session on the same process", async () => {
    const started = performance.now();
    const connection = await connect(modernStdioServerSpec({ startDelayMs: 6_000 }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(6_000);
    const pid = connection.pid;
    expect(connection.protocolVersion).toBe("2026-07-28");
    expect(connection.serverVersion).toMatchObject({ name: "modern-stdio-test" });
    expect((await connection.callTool("add", { a: 4, b: 5 })).structuredContent).toEqual({
      sum: 9,
    });
    expect(connection.pid).toBe(pid);
    await vi.waitFor(() => expect(connection.stderr.value).toMatch(/^seen tools\/call$/m));
    // It was offered initialize after the probe's 5 s, and refused it.
    expect(connection.stderr.value).toMatch(/^seen initialize$/m);
  }, 30_000);

  it("the tool runner's session also waits out a 2026-07-28 server slow to start", async () => {
    const session = new InspectorSession("slow", modernStdioServerSpec({ startDelayMs: 6_000 }));
    try {
      await session.connect();
      expect(session.describe()).toMatchObject({ protocolVersion: "2026-07-28" });
      expect(JSON.stringify(await session.callTool("c1", "add", { a: 1, b: 2 }))).toContain(
        '"sum":3',
      );
    } finally {
      await session.close();
    }
  }, 30_000);

  it("the tool runner subscribes to a resource of a 2026-07-28 stdio server with subscriptions/listen and shows its updates", async () => {
    const session = new InspectorSession("notes", modernStdioServerSpec());
    const events = recorded(session);
    try {
      await session.connect();
      expect(session.describe().capabilities.resourceSubscribe).toBe(true);
      await session.subscribe("memo://note");
      expect(session.describe().subscriptions).toEqual(["memo://note"]);
      await session.callTool("e1", "edit_note", { text: "second" });
      const updates = () => events.filter((e) => e.type === "resource-updated");
      await vi.waitFor(() => expect(updates()).toHaveLength(1));
      expect(updates()[0]).toMatchObject({ uri: "memo://note" });
      expect(JSON.stringify(await session.readResource({ uri: "memo://note" }))).toContain(
        "second",
      );
      await session.unsubscribe("memo://note");
      // Over stdio an update is written before the answer to the call that made it.
      await session.callTool("e2", "edit_note", { text: "third" });
      await session.callTool("e3", "add", { a: 1, b: 1 });
      expect(updates()).toHaveLength(1);
      expect(session.stderr.value).not.toMatch(/^seen resources\/subscribe$/m);
      expect(session.stderr.value).toMatch(/^seen subscriptions\/listen$/m);
    } finally {
      await session.close();
    }
  });
});
