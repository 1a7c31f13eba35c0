import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
      ["add", "count", "deploy", "in_region", "wait", "whoami"].sort(),
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
