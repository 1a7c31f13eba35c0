import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { McpConnection } from "./connection";
import type { ElicitationAnswer, ElicitationRequest } from "./elicitation";
import { McpToolError } from "./errors";
import type { LaunchSpec } from "./launch";
import { McpPool } from "./pool";
import { startModernServer, type ModernTestServer } from "./testing/modern-server";
import { localStdioSpec, startEverythingHttp } from "./testing/servers";

// Protocol revisions per server: a 2026-07-28 server (written with the v2 SDK, which our client is
// not built on) is spoken to without initialize; the Everything server from npm (2025 era) gets
// the initialize handshake, over HTTP after the probe and over stdio directly.

const httpSpec = (url: string): LaunchSpec => ({ transport: "streamable-http", url, headers: {} });
const textOf = (result: { content: unknown[] }) =>
  result.content.map((part) => (part as { text?: string }).text ?? "").join("\n");

let modernOnly: ModernTestServer;
let dualEra: ModernTestServer;
let everything: Awaited<ReturnType<typeof startEverythingHttp>>;
const pool = new McpPool();
const opened: McpConnection[] = [];

type Answerer = (request: ElicitationRequest) => Promise<ElicitationAnswer>;

async function connect(spec: LaunchSpec, elicit?: Answerer) {
  const connection = new McpConnection("srv", spec, {
    connectTimeoutMs: 20_000,
    ...(elicit ? { elicit: (request) => elicit(request) } : {}),
  });
  opened.push(connection);
  await connection.connect();
  return connection;
}

beforeAll(async () => {
  [modernOnly, dualEra, everything] = await Promise.all([
    startModernServer(),
    startModernServer({ dualEra: true }),
    startEverythingHttp("streamableHttp"),
  ]);
});

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  await pool.closeAll();
  everything?.stop();
  await Promise.all([modernOnly?.close(), dualEra?.close()]);
});

describe("a 2026-07-28 server", () => {
  it("negotiates 2026-07-28 with server/discover, never initialize, and lists and calls tools", async () => {
    const spec = httpSpec(modernOnly.url);
    const tools = await pool.listTools("modern", "modern", spec);
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        "add",
        "count",
        "deploy",
        "edit_note",
        "grow",
        "in_region",
        "order",
        "wait",
        "whoami",
      ].sort(),
    );
    expect(pool.liveConnection("modern")?.protocolVersion).toBe("2026-07-28");
    expect(pool.liveConnection("modern")?.serverVersion).toEqual({
      name: "modern-test",
      version: "3.1.0",
    });

    const sum = await pool.callTool("modern", "modern", spec, {
      tool: "add",
      args: { a: 2, b: 40 },
    });
    expect(sum.structuredContent).toEqual({ sum: 42 });
    expect((sum as { resultType?: unknown }).resultType).toBeUndefined();
    const who = await pool.callTool("modern", "modern", spec, { tool: "whoami", args: {} });
    expect(textOf(who)).toBe("revision 2026-07-28");

    expect(modernOnly.seen[0]).toBe("server/discover@2026-07-28");
    expect(modernOnly.seen.every((s) => s.endsWith("@2026-07-28"))).toBe(true);
    expect(modernOnly.seen.some((s) => s.startsWith("initialize"))).toBe(false);
  });

  it("a server's error and bad arguments come back as the usual tool errors", async () => {
    const connection = await connect(httpSpec(modernOnly.url));
    const bad = await connection.callTool("add", { a: "two", b: 1 }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(McpToolError);
    expect((bad as McpToolError).code).toBe("INVALID_ARGUMENTS");
    const unknown = await connection.callTool("nope", {}).catch((e: unknown) => e);
    expect((unknown as McpToolError).code).toBe("TOOL_NOT_FOUND");
  });

  it("mirrors x-mcp-header arguments into Mcp-Param headers, and relays progress", async () => {
    const connection = await connect(httpSpec(modernOnly.url));
    const region = await connection.callTool("in_region", { region: "eu-west 1 ü" });
    expect(textOf(region)).toBe("region eu-west 1 ü, header =?base64?ZXUtd2VzdCAxIMO8?=");

    const seen: number[] = [];
    const counted = await connection.callTool(
      "count",
      { to: 3 },
      { onProgress: (p) => seen.push(p.progress ?? -1) },
    );
    expect(textOf(counted)).toBe("counted to 3");
    expect(seen).toEqual([1, 2, 3]);
  });

  it("answers an input_required elicitation through the connection's handler and retries with requestState", async () => {
    const asked: ElicitationRequest[] = [];
    const connection = await connect(httpSpec(modernOnly.url), async (request) => {
      asked.push(request);
      return { action: "accept", content: { confirm: true, note: "ok by me" } };
    });
    const result = await connection.callTool("deploy", { env: "prod" });
    expect(textOf(result)).toBe("deployed to prod (ok by me) after round 1");
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ mode: "form", message: "Deploy to prod?" });

    const declined = await connect(httpSpec(modernOnly.url), async () => ({ action: "decline" }));
    expect(textOf(await declined.callTool("deploy", { env: "prod" }))).toBe("not deployed to prod");
  });

  it("without anyone to answer, a call that needs input fails saying so", async () => {
    const connection = await connect(httpSpec(modernOnly.url));
    const error = await connection.callTool("deploy", { env: "prod" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpToolError);
    expect((error as McpToolError).message).toMatch(/asks for input from a person/);
  });

  it("a dual-era server is spoken to in 2026-07-28 too", async () => {
    const connection = await connect(httpSpec(dualEra.url));
    expect(connection.protocolVersion).toBe("2026-07-28");
    expect(textOf(await connection.callTool("whoami", {}))).toBe("revision 2026-07-28");
    expect(await connection.listPrompts()).toEqual([{ name: "greet", description: "A greeting." }]);
    expect(await connection.ping()).toBeGreaterThanOrEqual(0);
  });
});

describe("a 2026-07-28 server's tool list freshness (ttlMs) and change notifications", () => {
  const listings = (server: ModernTestServer) =>
    server.seen.filter((s) => s.startsWith("tools/list@")).length;

  it("is not listed again before its ttlMs runs out, and is at the first call after", async () => {
    const server = await startModernServer({ toolsTtlMs: 1_500 });
    try {
      const connection = await connect(httpSpec(server.url));
      await connection.listTools();
      const listedAt = performance.now();
      expect(listings(server)).toBe(1);
      await connection.callTool("add", { a: 1, b: 2 });
      await connection.listTools();
      await connection.callTool("add", { a: 3, b: 4 });
      expect(performance.now() - listedAt).toBeLessThan(1_500);
      expect(listings(server)).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_600 - (performance.now() - listedAt)));
      await connection.callTool("add", { a: 5, b: 6 });
      expect(listings(server)).toBe(2);
    } finally {
      await server.close();
    }
  });

  it("a list-changed notification on the listen stream ends a fresh listing at once", async () => {
    const server = await startModernServer({ toolsTtlMs: 10 * 60_000 });
    try {
      const connection = await connect(httpSpec(server.url));
      expect([...(await connection.listTools()).keys()]).not.toContain("extra");
      await vi.waitFor(() => expect(server.listening()).toBe(1));
      await connection.callTool("grow", {});
      await vi.waitFor(async () =>
        expect([...(await connection.listTools()).keys()]).toContain("extra"),
      );
      expect(listings(server)).toBe(2);
      expect(textOf(await connection.callTool("extra", {}))).toBe("extra");
      await connection.close();
      await vi.waitFor(() => expect(server.listening()).toBe(0));
    } finally {
      await server.close();
    }
  });

  it("without a ttlMs, a listing stays while the listen stream is open (no listing before each call)", async () => {
    const server = await startModernServer();
    try {
      const connection = await connect(httpSpec(server.url));
      await vi.waitFor(() => expect(server.listening()).toBe(1));
      for (let i = 0; i < 3; i++) await connection.callTool("add", { a: i, b: i });
      expect(listings(server)).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe("answers to a 2026-07-28 server's questions", () => {
  it("an answer that does not fit the question's form is refused with INVALID_ARGUMENTS and never sent", async () => {
    const connection = await connect(httpSpec(modernOnly.url), async () => ({
      action: "accept",
      content: { name: "Ada", count: 9 },
    }));
    const calls = () => modernOnly.seen.filter((s) => s.startsWith("tools/call@")).length;
    const before = calls();
    const error = await connection.callTool("order", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpToolError);
    expect(error).toMatchObject({
      code: "INVALID_ARGUMENTS",
      message: expect.stringMatching(/does not fit its form, so it was not sent: .*Count/),
    });
    // The first round went out; the retry with the answer did not.
    expect(calls()).toBe(before + 1);

    const fits = await connect(httpSpec(modernOnly.url), async () => ({
      action: "accept",
      content: { name: "Ada", count: 2, colour: "" },
    }));
    expect(textOf(await fits.callTool("order", {}))).toBe("order for Ada x2");
  });
});

describe("2025-era servers from npm fall back to initialize", () => {
  it("the Everything server over Streamable HTTP: the probe is refused, initialize agrees 2025-11-25", async () => {
    const spec = httpSpec(everything.url);
    const tools = await pool.listTools("everything-http", "everything", spec);
    expect(tools.map((t) => t.name)).toContain("echo");
    expect(pool.liveConnection("everything-http")?.protocolVersion).toBe("2025-11-25");
    const echoed = await pool.callTool("everything-http", "everything", spec, {
      tool: "echo",
      args: { message: "hi" },
    });
    expect(textOf(echoed)).toContain("hi");
  });

  it("the Everything server over stdio agrees 2025-11-25 with initialize", async () => {
    const connection = await connect(localStdioSpec("@modelcontextprotocol/server-everything"));
    expect(connection.protocolVersion).toBe("2025-11-25");
    expect(textOf(await connection.callTool("echo", { message: "over stdio" }))).toContain(
      "over stdio",
    );
  });
});
