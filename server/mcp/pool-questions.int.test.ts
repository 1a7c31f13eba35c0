import { afterAll, beforeAll, expect, it } from "vitest";
import type { ElicitHandler } from "./elicitation";
import type { LaunchSpec } from "./launch";
import { McpPool } from "./pool";
import { startModernServer, type ModernTestServer } from "./testing/modern-server";

// A 2026-07-28 server's questions come back as the result of the call that asks them, so the
// pool can tell concurrent calls on one shared connection apart (pool-questions.ts); the
// 2025-era case, where it cannot, is in elicitation.int.test.ts.

let server: ModernTestServer;
const pool = new McpPool();

beforeAll(async () => {
  server = await startModernServer();
});

afterAll(async () => {
  await pool.closeAll();
  await server?.close();
});

const textOf = (result: { content: unknown[] }) =>
  result.content.map((part) => (part as { text?: string }).text ?? "").join("\n");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("two calls in flight on one 2026-07-28 connection are each asked their own question", async () => {
  const spec: LaunchSpec = { transport: "streamable-http", url: server.url, headers: {} };
  await pool.listTools("t:modern", "modern", spec);
  const asked: string[] = [];
  let bothAsked!: () => void;
  const both = new Promise<void>((resolve) => (bothAsked = resolve));
  // Each answer waits until both calls have asked (or a while): both are in flight meanwhile.
  const answeringAs =
    (who: string): ElicitHandler =>
    async (request) => {
      asked.push(`${who}: ${request.message}`);
      if (asked.length === 2) bothAsked();
      await Promise.race([both, sleep(3_000)]);
      return { action: "accept", content: { confirm: true, note: `by ${who}` } };
    };
  const [staging, prod] = await Promise.all(
    ["staging", "prod"].map((env) =>
      pool.callTool(
        "t:modern",
        "modern",
        spec,
        { tool: "deploy", args: { env } },
        { onElicit: answeringAs(env) },
      ),
    ),
  );
  expect(asked.sort()).toEqual(["prod: Deploy to prod?", "staging: Deploy to staging?"]);
  expect(textOf(staging!)).toBe("deployed to staging (by staging) after round 1");
  expect(textOf(prod!)).toBe("deployed to prod (by prod) after round 1");
});
