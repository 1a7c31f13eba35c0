import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { createMemoryBus } from "@/server/events/bus";
import { BreakerRegistry } from "@/server/mcp/breakers";
import { listAlerts, upsertAnomalySettings } from "@/server/repositories/alerts";
import {
  addToRollups,
  type RollupDelta,
  type RollupRow,
} from "@/server/repositories/metric-rollups";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import {
  createWatcherMemory,
  evaluateTenant,
  type WatchDeps,
  type WatchOutcome,
} from "./anomaly-watch";
import { detectOn, findWatchedMetric, pointsOf } from "./watched-series";

/**
 * The watcher runs in every process that executes runs (server/run-system.ts), each with its own
 * memory, over one database: two processes passing over the same tenant in turn must tell a level
 * shift flagged late once between them, one alert and one opened/resolved webhook pair, whether a
 * pass sees the shift over at once or it stays open over several passes.
 */
const MINUTE = 60_000;
const HISTORY = 200; // minutes of ordinary cost before the shift
const AFTER = 40; // minutes of the shifted cost the watchers see arrive

let database: Database;
let receiver: Server;
let received: { type: string; id: string }[] = [];
let webhookUrl: string;
beforeAll(async () => {
  database = await createTestDatabase();
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const { type, alert } = JSON.parse(body) as { type: string; alert: { id: string } };
      received.push({ type, id: alert.id });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/maestro`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await database?.close();
});

/** One process's watcher: its own memory, the shared database. */
function watchDeps(): WatchDeps {
  return {
    db: database.db,
    bus: createMemoryBus(),
    breakers: new BreakerRegistry(),
    bucketMs: MINUTE,
    defaultMaxConcurrentRuns: 50,
    memory: createWatcherMemory(),
  };
}

/** Cost per run: $0.010 with 5 % noise (a fixed seeded draw), 30 % higher from minute HISTORY on. */
function costPerRun(count: number): number[] {
  let seed = 4;
  const uniform = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  return Array.from({ length: count }, (_, i) => {
    const noise = Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
    return 0.01 * (i >= HISTORY ? 1.3 : 1) * (1 + 0.05 * noise);
  });
}

/** The shifted series for one tenant, its minutes written into the rollups as a recorder would. */
function shiftedSeries(tenantId: string) {
  const subject = randomUUID(); // a workflow's id (one the tenant no longer has: labelled by its id)
  const start = Math.floor(Date.now() / MINUTE) * MINUTE - (HISTORY + AFTER + 30) * MINUTE;
  const at = (i: number) => start + i * MINUTE;
  const costs = costPerRun(HISTORY + AFTER);
  const runs = 10;
  const minute = (i: number): RollupDelta => ({
    tenantId,
    source: "workflow",
    subject,
    bucketStart: new Date(at(i)),
    count: runs,
    errors: 0,
    durationMs: 0,
    tokens: 0,
    costUsd: costs[i]! * runs,
    gaugeMax: 0,
    hist: [],
  });
  const addMinutes = (from: number, to: number) =>
    addToRollups(
      database.db,
      Array.from({ length: to - from }, (_, k) => minute(from + k)),
    );
  const metric = findWatchedMetric("workflow.cost_per_run")!;
  const rows = Array.from({ length: HISTORY + AFTER }, (_, i) => minute(i) as RollupRow);
  /** The detectors on the whole series: where the shift's onset is. */
  const onset = () =>
    detectOn(
      metric,
      pointsOf(metric, rows, MINUTE, at(0), at(HISTORY + AFTER)),
      rows,
      MINUTE,
      undefined,
    ).changePoints[0]!;
  return { subject, at, addMinutes, onset };
}

/**
 * Two processes, A then B, pass over the tenant each time `step(pass)` more minutes of the shift
 * have arrived; returns what both opened and resolved, once every webhook they started is answered.
 */
async function twoProcesses(step: (pass: number) => number) {
  const ctx = await makeTenantContext(database.db, "admin");
  const tenantId = ctx.tenant.id;
  await upsertAnomalySettings(database.db, { tenantId, webhookUrl });
  received = [];
  const series = shiftedSeries(tenantId);
  await series.addMinutes(0, HISTORY);
  const processes = [watchDeps(), watchDeps()];
  const outcomes: WatchOutcome[] = [];
  for (const deps of processes)
    outcomes.push(await evaluateTenant(deps, tenantId, series.at(HISTORY)));
  for (let pass = 0, seen = HISTORY; seen < HISTORY + AFTER; pass++) {
    const next = Math.min(HISTORY + AFTER, seen + step(pass));
    await series.addMinutes(seen, next);
    seen = next;
    for (const deps of processes)
      outcomes.push(await evaluateTenant(deps, tenantId, series.at(seen)));
  }
  // Each process's webhooks still being sent are in its memory (dropped once answered).
  for (const deps of processes)
    await Promise.all([...(deps.memory.tenants.get(tenantId)?.webhooks.values() ?? [])]);
  const stored = await listAlerts(database.db, tenantId, {}, { limit: 10 });
  return {
    ...series,
    opened: outcomes.flatMap((o) => o.opened),
    resolved: outcomes.flatMap((o) => o.resolved),
    stored: stored.items,
  };
}

describe("the anomaly watcher in two processes on one database", () => {
  it("tells a shift over within one pass of five points once", async () => {
    const { onset, opened, resolved, stored } = await twoProcesses(() => 5);
    expect(stored.map((a) => [a.startedAt.getTime(), a.status])).toEqual([[onset(), "resolved"]]);
    expect(opened.map((a) => a.id)).toEqual([stored[0]!.id]);
    expect(resolved.map((a) => a.id)).toEqual([stored[0]!.id]);
    expect(received).toEqual([
      { type: "alert.opened", id: stored[0]!.id },
      { type: "alert.resolved", id: stored[0]!.id },
    ]);
  }, 60_000);

  it("tells a shift seen 1-3 points a pass, open over several passes, once", async () => {
    const { onset, opened, resolved, stored } = await twoProcesses((pass) => 1 + (pass % 3));
    expect(stored.map((a) => [a.startedAt.getTime(), a.status])).toEqual([[onset(), "resolved"]]);
    expect(opened.map((a) => a.id)).toEqual([stored[0]!.id]);
    expect(resolved.map((a) => a.id)).toEqual([stored[0]!.id]);
    expect(received).toEqual([
      { type: "alert.opened", id: stored[0]!.id },
      { type: "alert.resolved", id: stored[0]!.id },
    ]);
  }, 60_000);
});
