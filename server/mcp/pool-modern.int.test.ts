import { getEventListeners } from "node:events";
import { afterAll, beforeAll, expect, it } from "vitest";
import { McpToolError } from "./errors";
import type { LaunchSpec } from "./launch";
import { McpPool } from "./pool";
import { startModernServer, type ModernTestServer } from "./testing/modern-server";

// How a pool call to a 2026-07-28 server follows its caller's signal (connection.ts hands the
// caller's signal to the ModernSession, which removes its listener when each request ends; the
// SDK Client's side is in pool.test.ts).

let server: ModernTestServer;
const pool = new McpPool();

beforeAll(async () => {
  server = await startModernServer();
});

afterAll(async () => {
  await pool.closeAll();
  await server?.close();
});

async function failure(promise: Promise<unknown>): Promise<McpToolError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpToolError);
  return error as McpToolError;
}

it("a signal shared by 2026-07-28 calls keeps no listener, and its abort hangs up the call in flight", async () => {
  const spec: LaunchSpec = { transport: "streamable-http", url: server.url, headers: {} };
  const run = new AbortController();
  for (let i = 0; i < 5; i++)
    await pool.callTool(
      "t",
      "modern",
      spec,
      { tool: "add", args: { a: i, b: 1 } },
      {
        signal: run.signal,
      },
    );
  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);

  const calls = () => server.seen.filter((s) => s === "tools/call@2026-07-28").length;
  const call = pool.callTool(
    "t",
    "modern",
    spec,
    { tool: "wait", args: { ms: 20_000 } },
    {
      signal: run.signal,
    },
  );
  await expect.poll(calls).toBe(6);
  run.abort(new Error("run stopped"));
  expect((await failure(call)).code).toBe("CANCELLED");
  await expect.poll(() => server.seen.includes("wait:cancelled")).toBe(true);
  expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
});
