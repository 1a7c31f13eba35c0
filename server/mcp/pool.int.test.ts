import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpToolError } from "./errors";
import type { LaunchSpec } from "./launch";
import { McpPool } from "./pool";
import { badSchemaServerSpec, localStdioSpec, startEverythingHttp } from "./testing/servers";

// The real servers from npm over stdio and HTTP; the pool's timeout, backoff and restart logic is
// tested over the SDK's in-memory transport in pool.test.ts.
const pool = new McpPool({ backoffBaseMs: 100 });
const dir = mkdtempSync(join(tmpdir(), "maestro-mcp-"));
writeFileSync(join(dir, "hello.txt"), "hello from the test");

const filesystem = localStdioSpec("@modelcontextprotocol/server-filesystem", [dir]);
const memory = localStdioSpec("@modelcontextprotocol/server-memory", [], {
  MEMORY_FILE_PATH: join(dir, "memory.jsonl"),
});
const everything = localStdioSpec("@modelcontextprotocol/server-everything");

async function failure(promise: Promise<unknown>): Promise<McpToolError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpToolError);
  return error as McpToolError;
}

const textOf = (result: { content: unknown[] }) =>
  result.content.map((part) => (part as { text?: string }).text ?? "").join("\n");

afterAll(async () => {
  await pool.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("stdio servers from npm", () => {
  it("filesystem: lists its tools and lists a temp directory; a path outside it is a tool error", async () => {
    const tools = await pool.listTools("fs", "filesystem", filesystem);
    expect(tools.map((t) => t.name)).toContain("list_directory");
    expect(tools.every((t) => t.unusableReason === null)).toBe(true);

    const result = await pool.callTool("fs", "filesystem", filesystem, {
      tool: "list_directory",
      args: { path: dir },
    });
    expect(textOf(result)).toContain("hello.txt");

    const outside = await failure(
      pool.callTool("fs", "filesystem", filesystem, {
        tool: "read_text_file",
        args: { path: "/etc/hostname" },
      }),
    );
    expect(outside.code).toBe("TOOL_ERROR");
    expect(outside.message).toMatch(/denied|outside|not allowed/i);
  });

  it("memory: stores entities and reads them back over one reused connection", async () => {
    await pool.callTool("mem", "memory", memory, {
      tool: "create_entities",
      args: { entities: [{ name: "Maestro", entityType: "project", observations: ["uses MCP"] }] },
    });
    const pid = pool.diagnostics("mem")?.pid;
    const graph = await pool.callTool("mem", "memory", memory, { tool: "read_graph", args: {} });
    expect(textOf(graph)).toContain("Maestro");
    expect(pool.diagnostics("mem")?.pid).toBe(pid);
  });

  it("everything: bad arguments are refused with the schema's reason, unknown tools by name", async () => {
    const bad = await failure(
      pool.callTool("ev", "everything", everything, { tool: "echo", args: { message: 42 } }),
    );
    expect(bad.code).toBe("INVALID_ARGUMENTS");
    expect(bad.message).toContain("message");
    const missing = await failure(
      pool.callTool("ev", "everything", everything, { tool: "no-such-tool", args: {} }),
    );
    expect(missing.code).toBe("TOOL_NOT_FOUND");
    const ok = await pool.callTool("ev", "everything", everything, {
      tool: "echo",
      args: { message: "hi" },
    });
    expect(textOf(ok)).toContain("hi");
  });

  it("everything: cancellation passes through and the connection stays usable", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("user stopped")), 200);
    const started = Date.now();
    const cancelled = await failure(
      pool.callTool(
        "ev",
        "everything",
        everything,
        { tool: "trigger-long-running-operation", args: { duration: 5, steps: 5 } },
        { signal: controller.signal },
      ),
    );
    expect(cancelled.code).toBe("CANCELLED");
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(
      pool.callTool("ev", "everything", everything, { tool: "echo", args: { message: "after" } }),
    ).resolves.toBeTruthy();
  });

  it("everything: a crash fails the call in flight clearly, and the next call restarts the server", async () => {
    await pool.callTool("crash", "everything", everything, {
      tool: "echo",
      args: { message: "warm" },
    });
    const pid = pool.diagnostics("crash")?.pid;
    expect(pid).toBeTypeOf("number");
    const inFlight = pool.callTool("crash", "everything", everything, {
      tool: "trigger-long-running-operation",
      args: { duration: 5, steps: 5 },
    });
    setTimeout(() => process.kill(pid!, "SIGKILL"), 150);
    const crashed = await failure(inFlight);
    expect(crashed.code).toBe("SERVER_CRASHED");
    expect(crashed.message).toContain("stopped during the call");
    expect(pool.diagnostics("crash")?.failures).toBe(1);

    const after = await pool.callTool("crash", "everything", everything, {
      tool: "echo",
      args: { message: "back" },
    });
    expect(textOf(after)).toContain("back");
    expect(pool.diagnostics("crash")?.pid).not.toBe(pid);
    expect(pool.diagnostics("crash")?.failures).toBe(0);
  });
});

describe("servers that fail", () => {
  it("one bad tool schema marks only that tool unusable, with the reason", async () => {
    const spec = badSchemaServerSpec();
    const tools = await pool.listTools("bad", "bad-schema", spec);
    const byName = Object.fromEntries(tools.map((t) => [t.name, t.unusableReason]));
    expect(byName.ok).toBeNull();
    expect(byName.double).toBeNull();
    expect(byName.broken).toContain('type must be "object"');
    expect(byName.dangling).toMatch(/reference|resolve/i);

    const unusable = await failure(
      pool.callTool("bad", "bad-schema", spec, { tool: "broken", args: {} }),
    );
    expect(unusable.code).toBe("TOOL_UNUSABLE");
    const doubled = await pool.callTool("bad", "bad-schema", spec, {
      tool: "double",
      args: { n: 21 },
    });
    expect(textOf(doubled)).toBe("42");
  });

  it("a server that exits at start fails with its own reason from stderr", async () => {
    const spec = localStdioSpec("@modelcontextprotocol/server-brave-search");
    const error = await failure(pool.listTools("brave", "brave-search", spec));
    expect(error.code).toBe("CONNECT_FAILED");
    expect(error.message).toContain("BRAVE_API_KEY");
    // Backoff: an immediate retry waits instead of spawning in a loop.
    expect(pool.diagnostics("brave")?.state).toBe("backoff");
  });

  it("a missing command and an unreachable URL fail to connect with a clear reason", async () => {
    const missing: LaunchSpec = {
      transport: "stdio",
      command: "/nonexistent/mcp-server",
      args: [],
      env: {},
    };
    expect((await failure(pool.listTools("missing", "missing", missing))).code).toBe(
      "CONNECT_FAILED",
    );
    const unreachable: LaunchSpec = {
      transport: "streamable-http",
      url: "http://127.0.0.1:9/mcp",
      headers: {},
    };
    const error = await failure(pool.listTools("unreachable", "unreachable", unreachable));
    expect(error.code).toBe("CONNECT_FAILED");
    expect(error.message).toContain("could not");
  });
});

describe("HTTP servers", () => {
  let http: Awaited<ReturnType<typeof startEverythingHttp>>;
  let sse: Awaited<ReturnType<typeof startEverythingHttp>>;
  beforeAll(async () => {
    [http, sse] = await Promise.all([
      startEverythingHttp("streamableHttp"),
      startEverythingHttp("sse"),
    ]);
  });
  afterAll(() => {
    http?.stop();
    sse?.stop();
  });

  it("Streamable HTTP: lists, calls, reports progress and cancels", async () => {
    const spec: LaunchSpec = { transport: "streamable-http", url: http.url, headers: {} };
    const tools = await pool.listTools("http", "everything-http", spec);
    expect(tools.map((t) => t.name)).toContain("echo");
    const echoed = await pool.callTool("http", "everything-http", spec, {
      tool: "echo",
      args: { message: "over http" },
    });
    expect(textOf(echoed)).toContain("over http");

    const progress: number[] = [];
    await pool.callTool(
      "http",
      "everything-http",
      spec,
      { tool: "trigger-long-running-operation", args: { duration: 0.6, steps: 3 } },
      { timeoutMs: 400, onProgress: (p) => progress.push(p.progress ?? 0) },
    );
    expect(progress.slice(0, 2)).toEqual([1, 2]);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const cancelled = await failure(
      pool.callTool(
        "http",
        "everything-http",
        spec,
        { tool: "trigger-long-running-operation", args: { duration: 5, steps: 5 } },
        { signal: controller.signal },
      ),
    );
    expect(cancelled.code).toBe("CANCELLED");
    const bad = await failure(
      pool.callTool("http", "everything-http", spec, { tool: "echo", args: {} }),
    );
    expect(bad.code).toBe("INVALID_ARGUMENTS");
  });

  it("legacy SSE: lists and calls", async () => {
    const spec: LaunchSpec = { transport: "sse", url: sse.url, headers: {} };
    const result = await pool.callTool("sse", "everything-sse", spec, {
      tool: "echo",
      args: { message: "over sse" },
    });
    expect(textOf(result)).toContain("over sse");
  });
});
