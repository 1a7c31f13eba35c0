import { getEventListeners } from "node:events";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { McpToolError } from "./errors";
import type { LaunchSpec } from "./launch";
import { getMetrics } from "@/server/observability/metrics";
import { McpPool, type PoolOptions } from "./pool";

// The pool's own logic (restart after a crash, backoff, timeouts that reset on progress, cancel,
// replacing and closing connections) over the SDK's in-memory transport: a real MCP server object
// and client, no process. pool.int.test.ts keeps the real servers from npm over stdio and HTTP.

const spec: LaunchSpec = {
  transport: "streamable-http",
  url: "http://in-memory.test/mcp",
  headers: {},
};
const otherSpec: LaunchSpec = { ...spec, url: "http://in-memory.test/other" };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each connect starts a fresh in-memory server; `servers` holds them so a test can crash one. */
function inMemoryServers() {
  const servers: { transport: InMemoryTransport; cancelled: string[] }[] = [];
  const attempts: number[] = [];
  let failNext = 0;
  const createTransport = () => {
    attempts.push(performance.now());
    if (failNext > 0) {
      failNext -= 1;
      throw new Error("the server would not start");
    }
    const [client, server] = InMemoryTransport.createLinkedPair();
    const cancelled: string[] = [];
    const mcp = new McpServer({ name: "in-memory", version: "1.0.0" });
    mcp.registerTool("echo", { inputSchema: { message: z.string() } }, ({ message }) => ({
      content: [{ type: "text", text: message }],
    }));
    mcp.registerTool(
      "slow",
      { inputSchema: { steps: z.number(), stepMs: z.number() } },
      async ({ steps, stepMs }, extra) => {
        for (let step = 1; step <= steps; step++) {
          await sleep(stepMs);
          if (extra.signal.aborted) {
            cancelled.push(String(extra.requestId));
            return { content: [{ type: "text", text: "stopped" }] };
          }
          const progressToken = extra._meta?.progressToken;
          if (progressToken !== undefined)
            await extra.sendNotification({
              method: "notifications/progress",
              params: { progressToken, progress: step, total: steps },
            });
        }
        return { content: [{ type: "text", text: `done after ${steps}` }] };
      },
    );
    void mcp.connect(server);
    servers.push({ transport: server, cancelled });
    return client;
  };
  return {
    servers,
    attempts,
    createTransport,
    failTimes(times: number) {
      failNext = times;
    },
  };
}

let pools: McpPool[] = [];
function poolOver(servers: ReturnType<typeof inMemoryServers>, options: PoolOptions = {}) {
  const pool = new McpPool({ createTransport: servers.createTransport, ...options });
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.closeAll()));
  pools = [];
});

async function failure(promise: Promise<unknown>): Promise<McpToolError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpToolError);
  return error as McpToolError;
}

/** A Prometheus counter's value for these labels (the registry is the process's, shared by tests). */
async function counted(
  metric: "mcpCalls" | "mcpRestarts",
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await getMetrics()[metric].get();
  const match = values.find((v) =>
    Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
  );
  return match?.value ?? 0;
}

const textOf = (result: { content: unknown[] }) =>
  result.content.map((part) => (part as { text?: string }).text ?? "").join("\n");
const echo = (message: string) => ({ tool: "echo", args: { message } });
const slow = (steps: number, stepMs: number) => ({ tool: "slow", args: { steps, stepMs } });

describe("the MCP pool over an in-memory server", () => {
  it("reuses one connection for every call to the same key", async () => {
    const servers = inMemoryServers();
    const pool = poolOver(servers);
    const results = await Promise.all(
      ["a", "b", "c"].map((m) => pool.callTool("k", "mem", spec, echo(m))),
    );
    expect(results.map(textOf)).toEqual(["a", "b", "c"]);
    expect(servers.servers).toHaveLength(1);
  });

  it("a crash fails the call in flight clearly, and the next call connects again", async () => {
    const servers = inMemoryServers();
    const pool = poolOver(servers, { backoffBaseMs: 10 });
    await pool.callTool("k", "crashing", spec, echo("warm"));
    const inFlight = pool.callTool("k", "crashing", spec, slow(20, 50));
    await sleep(30);
    await servers.servers[0]!.transport.close();
    const crashed = await failure(inFlight);
    expect(crashed.code).toBe("SERVER_CRASHED");
    expect(pool.diagnostics("k")?.failures).toBe(1);

    const restartsBefore = await counted("mcpRestarts", { server: "crashing" });
    expect(textOf(await pool.callTool("k", "crashing", spec, echo("back")))).toBe("back");
    expect(servers.servers).toHaveLength(2);
    expect(pool.diagnostics("k")).toMatchObject({ state: "ready", failures: 0 });
    expect(await counted("mcpRestarts", { server: "crashing" })).toBe(restartsBefore + 1);
    const calls = { server: "crashing", tool: "slow", outcome: "server_crashed" };
    expect(await counted("mcpCalls", calls)).toBe(1);
  });

  it("a server that fails to start is retried after a backoff that doubles, up to its cap", async () => {
    const servers = inMemoryServers();
    const pool = poolOver(servers, { backoffBaseMs: 40, backoffMaxMs: 100 });
    servers.failTimes(5);
    for (let attempt = 1; attempt <= 5; attempt++) {
      const failed = await failure(pool.callTool("k", "mem", spec, echo("x")));
      expect(failed.message).toContain("would not start");
      expect(pool.diagnostics("k")).toMatchObject({ state: "backoff", failures: attempt });
    }
    expect(textOf(await pool.callTool("k", "mem", spec, echo("up")))).toBe("up");
    const gaps = servers.attempts.slice(1).map((at, i) => at - servers.attempts[i]!);
    // 40, 80, then the 100 ms cap; never the uncapped 160 or 320 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(38);
    expect(gaps[1]).toBeGreaterThanOrEqual(78);
    for (const gap of gaps.slice(2)) expect(gap).toBeGreaterThanOrEqual(98);
    expect(gaps[4]).toBeLessThan(400);
  });

  it("a silent call times out, each progress notification restarts the timeout, and the total cap holds", async () => {
    const servers = inMemoryServers();
    const pool = poolOver(servers);
    const progress: number[] = [];
    // 8 steps of 60 ms under a 300 ms timeout: only the resets let it finish.
    const finished = await pool.callTool("k", "timing", spec, slow(8, 60), {
      timeoutMs: 300,
      onProgress: (p) => progress.push(p.progress ?? 0),
    });
    expect(textOf(finished)).toBe("done after 8");
    expect(progress.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);

    const silent = await failure(
      pool.callTool("k", "timing", spec, slow(1, 400), { timeoutMs: 100 }),
    );
    expect(silent.code).toBe("TIMEOUT");
    const capped = await failure(
      pool.callTool("k", "timing", spec, slow(20, 40), { timeoutMs: 200, maxTotalTimeoutMs: 250 }),
    );
    expect(capped.code).toBe("TIMEOUT");
    expect(textOf(await pool.callTool("k", "timing", spec, echo("still here")))).toBe("still here");
    // Each call is counted by server, tool and outcome.
    expect(await counted("mcpCalls", { server: "timing", tool: "slow", outcome: "ok" })).toBe(1);
    expect(await counted("mcpCalls", { server: "timing", tool: "slow", outcome: "timeout" })).toBe(
      2,
    );
    expect(await counted("mcpCalls", { server: "timing", tool: "echo", outcome: "ok" })).toBe(1);
    expect(servers.servers).toHaveLength(1);
  });

  it("cancelling a call reaches the server, and the connection stays usable", async () => {
    const servers = inMemoryServers();
    const pool = poolOver(servers);
    const controller = new AbortController();
    const call = pool.callTool("k", "mem", spec, slow(50, 20), { signal: controller.signal });
    await sleep(60);
    controller.abort(new Error("user stopped"));
    expect((await failure(call)).code).toBe("CANCELLED");
    await expect.poll(() => servers.servers[0]!.cancelled.length).toBe(1);
    expect(textOf(await pool.callTool("k", "mem", spec, echo("after")))).toBe("after");
  });

  it("one signal shared by many calls: one listener on it, and only the calls in flight are cancelled", async () => {
    const servers = inMemoryServers();
    const cancelsSent: unknown[] = [];
    const callIds: unknown[] = [];
    const pool = poolOver(servers, {
      createTransport: () => {
        const transport = servers.createTransport();
        const send = transport.send.bind(transport);
        transport.send = (message, options) => {
          if ("method" in message && message.method === "notifications/cancelled")
            cancelsSent.push(message.params);
          if ("method" in message && message.method === "tools/call" && "id" in message)
            callIds.push(message.id);
          return send(message, options);
        };
        return transport;
      },
    });
    const run = new AbortController();
    for (let i = 0; i < 20; i++)
      await pool.callTool("k", "mem", spec, echo(`call ${i}`), { signal: run.signal });
    expect(getEventListeners(run.signal, "abort").length).toBeLessThanOrEqual(1);

    const first = pool.callTool("k", "mem", spec, slow(50, 20), { signal: run.signal });
    const second = pool.callTool("k", "mem", spec, slow(50, 20), { signal: run.signal });
    await sleep(60);
    run.abort(new Error("run stopped"));
    expect((await failure(first)).code).toBe("CANCELLED");
    expect((await failure(second)).code).toBe("CANCELLED");
    await expect.poll(() => servers.servers[0]!.cancelled.length).toBe(2);
    // The 20 finished calls are not cancelled again: the server hears of the two in flight only.
    expect(cancelsSent).toHaveLength(2);

    const aborted = await failure(
      pool.callTool("k", "mem", spec, echo("late"), { signal: run.signal }),
    );
    expect(aborted.code).toBe("CANCELLED");
    const other = new AbortController();
    expect(
      textOf(await pool.callTool("k", "mem", spec, echo("after"), { signal: other.signal })),
    ).toBe("after");
    expect(cancelsSent).toHaveLength(2);
    // Each request went out with the SDK's own id (session-requests.ts passes a placeholder).
    expect(callIds).toHaveLength(23);
    expect(new Set(callIds).size).toBe(23);
  });

  it("a changed launch spec replaces the connection; evict and idle time close it", async () => {
    const servers = inMemoryServers();
    const pool = poolOver(servers, { idleMs: 50 });
    await pool.callTool("k", "mem", spec, echo("one"));
    await pool.callTool("k", "mem", otherSpec, echo("two"));
    expect(servers.servers).toHaveLength(2);
    await pool.evict("k");
    expect(pool.liveConnection("k")).toBeNull();

    await pool.callTool("idle", "mem", spec, echo("three"));
    expect(pool.size).toBe(1);
    await expect.poll(() => pool.size, { timeout: 2_000 }).toBe(0);
  });
});
