/**
 * MCP client pool overhead: the same cheap tool call (the everything server's `echo`, over stdio)
 * through the bare SDK client and through our pool. After a warm-up, the two run in alternating
 * blocks (BLOCKS pairs of CALLS_PER_BLOCK calls each, which side goes first alternating pair by
 * pair), so a change in the machine's load hits both sides of a pair alike; a pair takes about
 * 25 ms. `overheadRatio` is the median over the pairs of pool wall time / bare SDK wall time,
 * `overheadRatioSpread` the interquartile range of those ratios. Beside it, this process's CPU
 * per call on each side (`rawSdkCpuUsPerCall`, `poolCpuUsPerCall`, medians over blocks; the
 * server's is not counted) and their ratio per pair (`cpuOverheadRatio`), less sensitive to other
 * processes than wall time; `loadAverage1m` is the machine's load when the blocks ended. Then calls
 * made as a run makes them, with a caller's AbortSignal (the run's cancel), in SIGNAL_BLOCKS more
 * pairs against the bare SDK, after the figures above so those are unchanged:
 * `signalOverheadRatio`, `poolSignalCpuUsPerCall`, `signalCpuOverheadRatio`. At a load
 * of 7 to 10 on 2 cores, runs of the same code still spread over about 0.1 in either ratio:
 * compare medians of several runs, beside their load. Also connect time and throughput with 10
 * concurrent callers. Then the catalog at registry scale: a full sync of 5,000 servers from the
 * local registry (server/mcp/testing/registry-server.ts) into a fresh database
 * (`registrySync5000Ms`), and the p95 of 200 catalog searches, filters and pages over 10,000
 * entries (`catalogSearchMsP95`). Prints one JSON object. The database is embedded PGlite, or
 * PostgreSQL when DATABASE_URL is set; `--registry-only` skips the pool part, `--pool-only` the
 * registry part.
 *
 *   npm run bench:mcp
 */
import { loadavg } from "node:os";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { LaunchSpec } from "@/server/mcp/launch";
import { McpPool } from "@/server/mcp/pool";
import { localStdioSpec } from "@/server/mcp/testing/servers";
import { startLocalRegistry } from "@/server/mcp/testing/registry-server";
import { listCatalog } from "@/server/services/mcp-catalog";
import { addRegistrySource, syncRegistrySource } from "@/server/services/mcp-registry-sync";
import { createTestDatabase } from "@/server/testing/database";
import type { Db } from "@/db/client";
import { insertMembership, insertTenant } from "@/server/repositories/tenants";
import { insertUser } from "@/server/repositories/users";
import type { TenantContext } from "@/server/services/context";

const BLOCKS = 100;
const CALLS_PER_BLOCK = 100;
const SIGNAL_BLOCKS = 50;
const WARMUP = 1_000;
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

type Block = { wallMs: number; cpuUs: number };

/** `calls` calls in a row, each one's time pushed to `times`; the block's wall and CPU time. */
async function runBlock(
  fn: () => Promise<unknown>,
  calls: number,
  times: number[],
): Promise<Block> {
  const cpuStart = process.cpuUsage();
  const blockStart = performance.now();
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  const wallMs = performance.now() - blockStart;
  const used = process.cpuUsage(cpuStart);
  return { wallMs, cpuUs: used.user + used.system };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = q * (sorted.length - 1);
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** A tenant with one admin, as its use cases take it. */
async function benchTenant(db: Db, name: string): Promise<TenantContext> {
  const id = `${name}-${Date.now()}`;
  const tenant = await insertTenant(db, { slug: id, name });
  const user = await insertUser(db, {
    email: `${id}@example.test`,
    name,
    passwordHash: null,
    isSuperadmin: false,
  });
  await insertMembership(db, { tenantId: tenant.id, userId: user.id, role: "admin" });
  return {
    db,
    actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: false },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "admin" },
    meta: { ip: null, userAgent: "bench" },
  };
}

/** A full sync of 5,000 servers into a fresh database, then searches over 10,000 entries. */
async function benchRegistry() {
  const database = await createTestDatabase();
  const five = await startLocalRegistry({ servers: 5_000, seed: 1 });
  // About 2 % of generated servers are deleted: 10,250 leave more than 10,000 entries listed.
  const tenThousand = await startLocalRegistry({ servers: 10_250, seed: 2 });
  try {
    const syncCtx = await benchTenant(database.db, "sync");
    const source = await addRegistrySource(syncCtx, { url: five.url });
    const syncStart = performance.now();
    const synced = await syncRegistrySource(database.db, source.id);
    const registrySync5000Ms = performance.now() - syncStart;
    if (synced.status !== "synced") throw new Error(`The sync did not finish: ${synced.status}`);

    const ctx = await benchTenant(database.db, "search");
    const big = await addRegistrySource(ctx, { url: tenThousand.url });
    const bigSync = await syncRegistrySource(database.db, big.id);
    if (bigSync.status !== "synced") throw new Error("The 10,000-entry sync did not finish");
    const entries = bigSync.result.added;

    const words = ["weather", "github issues", "postgres", "slack messages", "kube", "stripe"];
    const queries: Parameters<typeof listCatalog>[1][] = [];
    for (let i = 0; i < 200; i++) {
      const search = i % 5 === 4 ? undefined : words[i % words.length];
      queries.push({
        sort: (["popularity", "name", "health"] as const)[i % 3]!,
        limit: 24,
        ...(search ? { search } : {}),
        ...(i % 4 === 1 ? { transport: "stdio" as const } : {}),
        ...(i % 7 === 3 ? { status: "not-installed" as const } : {}),
        ...(i % 6 === 2 ? { cursor: Buffer.from("48").toString("base64url") } : {}),
      });
    }
    for (const query of queries.slice(0, 20)) await listCatalog(ctx, query);
    const times: number[] = [];
    for (const query of queries) times.push(await time(() => listCatalog(ctx, query)));
    return {
      registrySync5000Ms: Math.round(registrySync5000Ms),
      registrySyncPages: synced.result.pages,
      catalogEntries: entries,
      catalogSearchMsMedian: round(median(times), 1),
      catalogSearchMsP95: round(percentile(times, 95), 1),
      database: process.env.DATABASE_URL ? "postgresql" : "pglite",
    };
  } finally {
    await Promise.all([five.close(), tenThousand.close()]);
    await database.close();
  }
}

async function main() {
  if (process.argv.includes("--registry-only")) {
    console.log(JSON.stringify(await benchRegistry()));
    return;
  }
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
  const rawBlocks: Block[] = [];
  const poolBlocks: Block[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    if (block % 2 === 0) {
      rawBlocks.push(await runBlock(rawCall, CALLS_PER_BLOCK, rawTimes));
      poolBlocks.push(await runBlock(poolCall, CALLS_PER_BLOCK, poolTimes));
    } else {
      poolBlocks.push(await runBlock(poolCall, CALLS_PER_BLOCK, poolTimes));
      rawBlocks.push(await runBlock(rawCall, CALLS_PER_BLOCK, rawTimes));
    }
  }
  // The machine's load while the blocks ran (other processes share its cores): beside the ratios.
  const loadAverage1m = round(loadavg()[0]!, 2);
  const wallRatios = poolBlocks.map((pool, i) => pool.wallMs / rawBlocks[i]!.wallMs);
  const cpuRatios = poolBlocks.map((pool, i) => pool.cpuUs / rawBlocks[i]!.cpuUs);
  const cpuPerCall = (blocks: Block[]) => median(blocks.map((b) => b.cpuUs / CALLS_PER_BLOCK));

  // One signal for every call, as a run's cancel is: the pool must not slow down as calls pass.
  const run = new AbortController();
  const poolSignalCall = () =>
    pool.callTool("bench", "everything", spec, { tool: "echo", args }, { signal: run.signal });
  for (let i = 0; i < WARMUP / 2; i++) await poolSignalCall();
  const signalRawBlocks: Block[] = [];
  const signalPoolBlocks: Block[] = [];
  const unused: number[] = [];
  for (let block = 0; block < SIGNAL_BLOCKS; block++) {
    if (block % 2 === 0) {
      signalRawBlocks.push(await runBlock(rawCall, CALLS_PER_BLOCK, unused));
      signalPoolBlocks.push(await runBlock(poolSignalCall, CALLS_PER_BLOCK, unused));
    } else {
      signalPoolBlocks.push(await runBlock(poolSignalCall, CALLS_PER_BLOCK, unused));
      signalRawBlocks.push(await runBlock(rawCall, CALLS_PER_BLOCK, unused));
    }
  }
  const signalWallRatios = signalPoolBlocks.map((p, i) => p.wallMs / signalRawBlocks[i]!.wallMs);
  const signalCpuRatios = signalPoolBlocks.map((p, i) => p.cpuUs / signalRawBlocks[i]!.cpuUs);

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
  const pid = rawTransport.pid;
  if (pid) process.kill(pid, "SIGTERM");
  await Promise.all([raw.close(), pool.closeAll()]);
  console.log(
    JSON.stringify({
      server: "@modelcontextprotocol/server-everything echo over stdio",
      calls: BLOCKS * CALLS_PER_BLOCK,
      blocks: BLOCKS,
      callsPerBlock: CALLS_PER_BLOCK,
      rawSdkMedianMs: round(rawSdkMedianMs),
      poolMedianMs: round(poolMedianMs),
      overheadRatio: round(median(wallRatios)),
      overheadRatioSpread: round(quantile(wallRatios, 0.75) - quantile(wallRatios, 0.25)),
      rawSdkCpuUsPerCall: Math.round(cpuPerCall(rawBlocks)),
      poolCpuUsPerCall: Math.round(cpuPerCall(poolBlocks)),
      cpuOverheadRatio: round(median(cpuRatios)),
      cpuOverheadRatioSpread: round(quantile(cpuRatios, 0.75) - quantile(cpuRatios, 0.25)),
      loadAverage1m,
      signalOverheadRatio: round(median(signalWallRatios)),
      poolSignalCpuUsPerCall: Math.round(cpuPerCall(signalPoolBlocks)),
      signalCpuOverheadRatio: round(median(signalCpuRatios)),
      connectMs: round(connectMs, 1),
      callsPerSecond: Math.round(callsPerSecond),
      concurrency: CONCURRENCY,
      ...(process.argv.includes("--pool-only") ? {} : await benchRegistry()),
    }),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
