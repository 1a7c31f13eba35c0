import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { listAlerts, upsertAnomalySettings } from "@/server/repositories/alerts";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import {
  minuteWatcher,
  shiftedCostSeries,
  startWebhookReceiver,
} from "@/server/testing/watched-minutes";
import { evaluateTenant, type WatchOutcome } from "./anomaly-watch";

/**
 * The watcher runs in every process that executes runs (server/run-system.ts), each with its own
 * memory, over one database: two processes passing over the same tenant in turn must tell a level
 * shift flagged late once between them, one alert and one opened/resolved webhook pair, whether a
 * pass sees the shift over at once or it stays open over several passes.
 */
const HISTORY = 200; // minutes of ordinary cost before the shift
const AFTER = 40; // minutes of the shifted cost the watchers see arrive

let database: Database;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let received: { type: string; id: string }[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver((body) => {
    const { type, alert } = JSON.parse(body) as { type: string; alert: { id: string } };
    received.push({ type, id: alert.id });
  });
});
afterAll(async () => {
  await receiver.close();
  await database?.close();
});

/**
 * Two processes, A then B, pass over the tenant each time `step(pass)` more minutes of the shift
 * have arrived; returns what both opened and resolved, once every webhook they started is answered.
 */
async function twoProcesses(step: (pass: number) => number) {
  const ctx = await makeTenantContext(database.db, "admin");
  const tenantId = ctx.tenant.id;
  await upsertAnomalySettings(database.db, { tenantId, webhookUrl: receiver.url });
  received = [];
  const series = shiftedCostSeries(database.db, tenantId, { history: HISTORY, after: AFTER });
  await series.addMinutes(0, HISTORY);
  const processes = [minuteWatcher(database.db), minuteWatcher(database.db)];
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
    /** Where the detectors on the whole series put the shift's onset. */
    onset: () => series.judge(HISTORY + AFTER).changePoints[0]!,
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
