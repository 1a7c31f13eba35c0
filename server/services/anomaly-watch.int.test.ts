import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { getEnv } from "@/server/env";
import { BreakerRegistry } from "@/server/mcp/breakers";
import { createMcpToolPort } from "@/server/mcp/tool-port";
import { listAlerts, upsertAnomalySettings } from "@/server/repositories/alerts";
import { listAuditLogs } from "@/server/repositories/audit";
import { addToRollups } from "@/server/repositories/metric-rollups";
import { findRun } from "@/server/repositories/runs";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import { evaluateTenant } from "./anomaly-watch";
import type { TenantContext } from "./context";
import { catalogQuery, listCatalog } from "./mcp-catalog";
import { installServer } from "./mcp-installations";
import { startRun } from "./runs";

/**
 * The anomaly watcher end to end: runs call a real filesystem MCP server (stdio, from npm) that
 * starts failing (the file it reads disappears); the figures go through the metric rollups; the
 * watcher opens one alert, its circuit-breaker rule opens the server's breaker (calls then fail at
 * once), the server recovers, a probe call closes the breaker and the alert resolves by itself.
 * Buckets are one second long so the test runs in seconds.
 */
const BUCKET_MS = 1_000;

let database: Database;
let system: RunSystem;
let dir: string;
const breakers = new BreakerRegistry({ coolDownMs: 300 });

beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "maestro-anomaly-"));
  system = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `runs-anomaly-${randomBytes(4).toString("hex")}`,
    tools: (tenantId, onCall) => createMcpToolPort({ db: database.db, tenantId, breakers, onCall }),
    anomalyBucketMs: BUCKET_MS,
    anomalyEvaluateMs: 3_600_000, // evaluated by the test, at the moments it chooses
    breakers,
  });
  await system.startWorkers(4);
});
afterAll(async () => {
  await system?.close();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

const adminContext = () => makeTenantContext(database.db, "admin");

const readsAFile = makeWorkflow({
  name: "Reads a file",
  nodes: [
    makeNode("input", "in", {
      schema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
    }),
    makeNode("tool", "read", {
      server: "files",
      tool: "read_text_file",
      args: { path: "{{input.path}}" },
    }),
    makeNode("output", "out", { name: "text" }),
  ],
  edges: chain("in", "read", "out"),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runOnce(ctx: TenantContext, workflowId: string, path: string) {
  const { id } = await startRun(ctx, system.runDeps, { workflowId, input: { path }, draft: true });
  for (const until = Date.now() + 15_000; Date.now() < until; await sleep(20)) {
    const run = await findRun(ctx.db, ctx.tenant.id, id);
    if (run && ["completed", "failed", "cancelled"].includes(run.status)) return run;
  }
  throw new Error(`run ${id} did not finish`);
}

/** Runs for `ms`, a few at a time, so every one-second bucket of the span has calls in it. */
async function runFor(ctx: TenantContext, workflowId: string, path: string, ms: number) {
  const results = [];
  for (const until = Date.now() + ms; Date.now() < until;)
    results.push(...(await Promise.all([1, 2, 3].map(() => runOnce(ctx, workflowId, path)))));
  return results;
}

/** Evaluates at the end of the last whole bucket, after the recorder flushed. */
async function evaluate(ctx: TenantContext) {
  await system.watch.metrics!.flush();
  const now = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS;
  return evaluateTenant(system.watch, ctx.tenant.id, now);
}

describe("the anomaly watcher", () => {
  it("opens one alert when a real MCP server starts failing, opens its breaker, and closes both after recovery", async () => {
    const ctx = await adminContext();
    const { items } = await listCatalog(ctx, catalogQuery.parse({ search: "filesystem" }));
    await installServer(ctx, {
      catalogEntryId: items.find((i) => i.title === "Filesystem")!.id,
      name: "files",
      values: { "arg:allowed_directory": [dir] },
    });
    await upsertAnomalySettings(ctx.db, {
      tenantId: ctx.tenant.id,
      rules: {
        circuitBreaker: true,
        fallbackServer: false,
        pauseWorkflow: false,
        tightenRate: false,
      },
    });
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Reads a file",
      description: "",
      document: readsAFile,
      createdBy: ctx.actor.userId,
    });
    const file = join(dir, "notes.txt");
    writeFileSync(file, "all good");

    // Two minutes of normal calls to the server (one now and then fails), as earlier flushes left
    // them; without latencies, so only the error rate has a history to judge against.
    const start = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS;
    await addToRollups(
      ctx.db,
      Array.from({ length: 120 }, (_, i) => ({
        tenantId: ctx.tenant.id,
        source: "mcp" as const,
        subject: "files",
        bucketStart: new Date(start - (120 - i) * BUCKET_MS),
        count: 20,
        errors: i % 17 === 0 ? 1 : 0,
        durationMs: 0,
        tokens: 0,
        costUsd: 0,
        gaugeMax: 0,
        hist: [],
      })),
    );

    const healthy = await runFor(ctx, workflow.id, file, 1_500);
    expect(healthy.every((r) => r.status === "completed")).toBe(true);
    expect((await evaluate(ctx)).opened.map((a) => `${a.metric}: ${a.reason}`)).toEqual([]);

    // The server starts failing: the file it is asked for is gone.
    renameSync(file, `${file}.moved`);
    const failing = await runFor(ctx, workflow.id, file, 2_200);
    expect(failing.every((r) => r.status === "failed")).toBe(true);
    const first = await evaluate(ctx);
    expect(first.opened.map((a) => `${a.metric}: ${a.reason}`)).toEqual([
      expect.stringMatching(/^mcp\.error_rate: /),
    ]);
    const [alert] = first.opened;
    expect(alert).toMatchObject({
      metric: "mcp.error_rate",
      subject: "files",
      subjectLabel: 'MCP server "files"',
      status: "open",
    });
    expect(alert!.reason).toMatch(/\S/);
    expect(alert!.evidence.runIds.length).toBeGreaterThan(0);
    expect(alert!.actions).toEqual([
      expect.objectContaining({ rule: "circuitBreaker", details: { server: "files" } }),
    ]);
    expect(breakers.state(ctx.tenant.id, "files")).toBe("open");

    // While open, calls fail at once with a clear error instead of reaching the server.
    const blocked = await runOnce(ctx, workflow.id, file);
    expect(blocked.error).toMatchObject({ code: "CIRCUIT_OPEN" });
    expect(blocked.error!.message).toContain('"files"');

    // Still failing a moment later: the same alert is updated, not a second one opened.
    await sleep(BUCKET_MS);
    const again = await evaluate(ctx);
    expect(again.opened.map((a) => `${a.metric}: ${a.reason}`)).toEqual([]);

    // Recovery: the file is back; after the cool-down a probe call goes through and closes the breaker.
    renameSync(`${file}.moved`, file);
    await sleep(400);
    const recovered = await runFor(ctx, workflow.id, file, 5_000);
    expect(recovered.at(-1)!.status).toBe("completed");
    expect(breakers.state(ctx.tenant.id, "files")).toBeNull();

    const later = await evaluate(ctx);
    expect(later.resolved).toEqual([
      expect.objectContaining({ id: alert!.id, status: "resolved", resolution: "auto" }),
    ]);
    const all = await listAlerts(ctx.db, ctx.tenant.id, {}, { limit: 10 });
    expect(all.items).toHaveLength(1);
    const audit = await listAuditLogs(ctx.db, {
      tenantId: ctx.tenant.id,
      targetType: "alert",
      limit: 50,
    });
    const actions = audit.items.map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["alert.open", "remediation.circuitBreaker", "alert.resolve"]),
    );
  }, 60_000);
});
