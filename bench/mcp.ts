/**
 * MCP client pool overhead: the same cheap tool call (the everything server's `echo`, over stdio)
 * through the bare SDK client and through our pool, medians of 200 calls after a warm-up, plus
 * connect time and throughput with 10 concurrent callers. Prints one JSON object.
 *
 *   npm run bench:mcp
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { LaunchSpec } from "@/server/mcp/launch";
import { McpPool } from "@/server/mcp/pool";
import { localStdioSpec } from "@/server/mcp/testing/servers";

const CALLS = 200;
const WARMUP = 200;
const CONCURRENCY = 10;
const THROUGHPUT_MS = 2_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main() {
  const spec = localStdioSpec("@modelcontextprotocol/server-everything") as Extract<
    LaunchSpec,
    { transport: "stdio" }
  >;
  const args = { message: "ping" };

  const raw = new Client({ name: "bench-raw", version: "1.0.0" });
  const rawTransport = new StdioClientTransport({
    command: spec.command,
    args: spec.args,
    env: spec.env,
    stderr: "ignore",
  });
  await raw.connect(rawTransport);
  await raw.listTools();

  const pool = new McpPool();
  const connectStart = performance.now();
  await pool.listTools("bench", "everything", spec);
  const connectMs = performance.now() - connectStart;

  const rawCall = () => raw.callTool({ name: "echo", arguments: args });
  const poolCall = () => pool.callTool("bench", "everything", spec, { tool: "echo", args });
  for (let i = 0; i < WARMUP; i++) {
    await rawCall();
    await poolCall();
  }

  const rawTimes: number[] = [];
  const poolTimes: number[] = [];
  // Alternate call by call, so changes in the machine's load hit both series alike.
  for (let i = 0; i < CALLS; i++) {
    rawTimes.push(await time(rawCall));
    poolTimes.push(await time(poolCall));
  }

  let calls = 0;
  const deadline = performance.now() + THROUGHPUT_MS;
  const throughputStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        await poolCall();
        calls++;
      }
    }),
  );
  const callsPerSecond = calls / ((performance.now() - throughputStart) / 1000);

  const rawSdkMedianMs = median(rawTimes);
  const poolMedianMs = median(poolTimes);
  console.log(
    JSON.stringify({
      server: "@modelcontextprotocol/server-everything echo over stdio",
      calls: CALLS,
      rawSdkMedianMs: round(rawSdkMedianMs),
      poolMedianMs: round(poolMedianMs),
      overheadRatio: round(poolMedianMs / rawSdkMedianMs),
      connectMs: round(connectMs, 1),
      callsPerSecond: Math.round(callsPerSecond),
      concurrency: CONCURRENCY,
    }),
  );

  const pid = rawTransport.pid;
  if (pid) process.kill(pid, "SIGTERM");
  await Promise.all([raw.close(), pool.closeAll()]);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
