/**
 * The app over loopback HTTP, as a user's script drives it, printing one JSON object:
 * - syncRunsPerSecondC1 / C10, syncP50MsC1, syncP99MsC10: `POST /api/v1/runs` with `wait` (the
 *   answer is the finished run) in a closed loop of 1 and 10 clients;
 * - getRunPerSecond: `GET /api/v1/runs/{id}` with 10 clients;
 * - webhookRunsPerSecondC10: a webhook in "wait" mode with 10 clients;
 * - mcpToolCallsPerSecondC10: `tools/call` on `/api/mcp` (the workflow exposed as a tool), 10 clients;
 * - rssMbAfterLoad: the app's resident memory after all of it.
 * It starts the production build (`npm start`, built first when stale) on its own port with a fresh
 * embedded data folder (the demo seed), signs in as the demo owner, makes an API token, publishes
 * the trivial demo "Welcome a new teammate", and measures each figure for BENCH_SECONDS (20).
 *   npm run bench:http
 */
import type { ChildProcess } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { appClient, startApp as startAppAt } from "./app-client";

const root = join(__dirname, "..");
const PORT = Number(process.env.BENCH_PORT ?? 3390);
const BASE = `http://127.0.0.1:${PORT}`;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const DATA_DIR = join(root, ".tmp", "bench-http");

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (n: number) => Math.round(n * 100) / 100;

const startApp = () =>
  startAppAt({
    port: PORT,
    dataDir: DATA_DIR,
    env: {
      RATE_LIMIT_PER_TOKEN: "100000",
      RATE_LIMIT_PER_USER: "100000",
      RUN_MAX_ACTIVE_PER_TENANT: "10000",
    },
  });

/** The `next-server` process under `npm start`: the one whose memory counts. */
function rssMbOf(app: ChildProcess): number {
  const pids = [app.pid!, ...childPids(app.pid!)];
  return Math.max(
    ...pids.map((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, "utf8");
        return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      } catch {
        return 0;
      }
    }),
  );
}
function childPids(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return children.flatMap((child) => [child, ...childPids(child)]);
  } catch {
    return [];
  }
}

const { signIn, trpc } = appClient(BASE);

/** A closed loop of `clients`, each sending its next request when its last one was answered, for SECONDS. */
async function closedLoop(clients: number, request: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await request(n++);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
  };
}

async function expectOk(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function main() {
  const app = await startApp();
  try {
    const cookie = await signIn("owner@demo.test", "demo-owner-pass");
    const session = { cookie };
    const { secret } = await trpc<{ secret: string }>(session, "token.create", {
      name: "bench",
      scopes: ["runs:write", "workflows:write"],
      expiry: { in: "never" },
    });
    const auth = { authorization: `Bearer ${secret}` };
    const { items } = await trpc<{ items: { id: string; name: string }[] }>(
      auth,
      "workflow.list",
      { search: "Welcome a new teammate" },
      "GET",
    );
    const workflowId = items[0]!.id;
    await trpc(auth, "workflow.publish", { workflowId });

    const syncRun = async (i: number) => {
      const response = await fetch(`${BASE}/api/v1/runs`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ workflowId, input: { name: `Ada ${i}` }, wait: 30 }),
      });
      const run = (await expectOk(response, "POST /api/v1/runs")) as { status: string };
      if (run.status !== "completed") throw new Error(`a run ended ${run.status}`);
    };
    await closedLoop(2, syncRun); // warm-up is counted nowhere: the first requests compile routes
    const c1 = await closedLoop(1, syncRun);
    const c10 = await closedLoop(10, syncRun);

    const started = (await (
      await fetch(`${BASE}/api/v1/runs`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ workflowId, input: { name: "Ada" }, wait: 30 }),
      })
    ).json()) as { id: string };
    const gets = await closedLoop(10, async () => {
      await expectOk(
        await fetch(`${BASE}/api/v1/runs/${started.id}`, { headers: auth }),
        "GET /api/v1/runs/{id}",
      );
    });

    // A webhook in "wait" mode, without a secret (the HMAC check is a hash of a small body).
    const { hook } = await trpc<{ hook: { path: string } }>(auth, "webhook.create", {
      workflowId,
      name: "bench",
      config: { auth: "none", response: "wait", mapping: { name: "body.name" } },
    });
    const webhook = await closedLoop(10, async (i) => {
      const response = await fetch(`${BASE}${hook.path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `Ada ${i}` }),
      });
      await expectOk(response, "POST /api/hooks/<id>");
    });

    // The workflow as a tool on /api/mcp, called by 10 MCP clients (the SDK's own), each on its connection.
    await trpc(auth, "mcpTool.expose", { workflowId, toolName: "welcome" });
    const clients = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const client = new Client({ name: "bench", version: "1.0.0" });
        await client.connect(
          new StreamableHTTPClientTransport(new URL(`${BASE}/api/mcp`), {
            requestInit: { headers: auth },
          }),
        );
        return client;
      }),
    );
    let nextClient = 0;
    const mcp = await closedLoop(10, async (i) => {
      const client = clients[nextClient++ % clients.length]!;
      const result = await client.callTool({ name: "welcome", arguments: { name: `Ada ${i}` } });
      if (result.isError) throw new Error(`tools/call failed: ${JSON.stringify(result.content)}`);
    });
    await Promise.all(clients.map((client) => client.close()));

    console.log(
      JSON.stringify({
        syncRunsPerSecondC1: c1.perSecond,
        syncRunsPerSecondC10: c10.perSecond,
        syncP50MsC1: c1.p50,
        syncP99MsC10: c10.p99,
        getRunPerSecond: gets.perSecond,
        webhookRunsPerSecondC10: webhook.perSecond,
        mcpToolCallsPerSecondC10: mcp.perSecond,
        rssMbAfterLoad: round(rssMbOf(app)),
        seconds: SECONDS,
      }),
    );
  } finally {
    try {
      process.kill(-app.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
