import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { listAlerts, upsertAnomalySettings } from "@/server/repositories/alerts";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import {
  minuteSeries,
  minuteWatcher,
  startWebhookReceiver,
} from "@/server/testing/watched-minutes";
import { CALM_POINTS_TO_RESOLVE, evaluateTenant, type WatchDeps } from "./anomaly-watch";

/**
 * Several spells within one pass's points, met as a user meets them: the watcher evaluates every
 * ten minutes (ANOMALY_EVALUATE_SECONDS=600) and a workflow's failure rate spikes twice in between,
 * each time for a minute, back to normal for longer than it takes to resolve. Each spell is an
 * alert of its own, opened and resolved, with its own start and end; and the tenant's webhook
 * hears each alert opened before it hears it resolved.
 */
const HISTORY = 90; // minutes of ordinary runs, judged by a first pass
const BATCH = 12; // minutes one later pass sees
const SPIKES = [HISTORY + 1, HISTORY + 7]; // minutes where most runs fail

let database: Database;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let received: { type: string; id: string; status: string }[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver((body) => {
    const { type, alert } = JSON.parse(body) as {
      type: string;
      alert: { id: string; status: string };
    };
    received.push({ type, id: alert.id, status: alert.status });
  });
});
afterAll(async () => {
  await receiver.close();
  await database?.close();
});

const watchDeps = (extra: Partial<WatchDeps> = {}) => minuteWatcher(database.db, extra);

/** A workflow's runs, 40 a minute with a failure now and then, most failing in the SPIKES minutes. */
const spikySeries = (tenantId: string) =>
  minuteSeries(database.db, tenantId, {
    metric: "workflow.failure_rate",
    minutes: HISTORY + BATCH,
    minute: (i) => ({
      count: 40,
      errors: SPIKES.includes(i) ? 30 : i % 11 === 0 ? 1 : 0,
      costUsd: 0,
    }),
  });

/** The history judged by one pass, then the whole batch by the next: the outcome of the second. */
async function twoPasses(tenantId: string, deps: WatchDeps) {
  const series = spikySeries(tenantId);
  await series.addMinutes(0, HISTORY);
  expect((await evaluateTenant(deps, tenantId, series.at(HISTORY))).opened).toEqual([]);
  await series.addMinutes(HISTORY, HISTORY + BATCH);
  return { ...series, outcome: await evaluateTenant(deps, tenantId, series.at(HISTORY + BATCH)) };
}

/**
 * The real fetch to the loopback receiver, except that an "opened" send is held until `release()`,
 * which the test calls once the watcher's passes are over and every other send they started has
 * been answered (`others`): a slow first connection, made certain. A watcher that waits for
 * nothing lets "resolved" overtake it.
 */
function holdingOpened() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const others: Promise<unknown>[] = [];
  const heldFetch: typeof fetch = (input, init) => {
    if (String(init?.body).includes('"type":"alert.opened"'))
      return released.then(() => fetch(input, init));
    const sent = fetch(input, init);
    others.push(sent.catch(() => undefined));
    return sent;
  };
  return { heldFetch, others, release };
}

describe("the anomaly watcher and several spells in one pass", () => {
  it("has two spikes the detector flags, each followed by enough calm points to resolve", () => {
    const { at, judge } = spikySeries(randomUUID());
    const flagged = judge(HISTORY + BATCH)
      .anomalies.filter((a) => a.direction === "up")
      .map((a) => a.at);
    expect(flagged).toEqual(SPIKES.map(at));
    expect(SPIKES[1]! - SPIKES[0]! - 1).toBeGreaterThanOrEqual(CALM_POINTS_TO_RESOLVE);
    expect(HISTORY + BATCH - SPIKES[1]! - 1).toBeGreaterThanOrEqual(CALM_POINTS_TO_RESOLVE);
  });

  it("opens and resolves an alert for each spell, with its own start and end", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const tenantId = ctx.tenant.id;
    const { subject, at, outcome } = await twoPasses(tenantId, watchDeps());

    const spells = SPIKES.map((spike) => ({
      metric: "workflow.failure_rate",
      subject,
      status: "resolved",
      resolution: "auto",
      startedAt: new Date(at(spike)),
      lastSeenAt: new Date(at(spike)),
      // Resolved by its third calm point, not at the pass's time (which is after the next spell began).
      resolvedAt: new Date(at(spike + CALM_POINTS_TO_RESOLVE)),
      actions: [],
    }));
    expect(outcome.opened.map((a) => a.startedAt)).toEqual(spells.map((s) => s.startedAt));
    expect(outcome.resolved).toEqual(spells.map((s) => expect.objectContaining(s)));
    expect(outcome.resolved.map((a) => a.id)).toEqual(outcome.opened.map((a) => a.id));
    const stored = await listAlerts(database.db, tenantId, {}, { limit: 10 });
    expect(
      stored.items
        .map((a) => [a.startedAt.getTime(), a.resolvedAt?.getTime(), a.status])
        .sort((x, y) => Number(x[0]) - Number(y[0])),
    ).toEqual(SPIKES.map((spike) => [at(spike), at(spike + CALM_POINTS_TO_RESOLVE), "resolved"]));
  }, 60_000);

  it("sends each alert's webhook opened before resolved, however slow the first send", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const tenantId = ctx.tenant.id;
    await upsertAnomalySettings(database.db, { tenantId, webhookUrl: receiver.url });
    const { heldFetch, others, release } = holdingOpened();
    received = [];
    const { outcome } = await twoPasses(tenantId, watchDeps({ fetch: heldFetch }));
    expect(outcome.opened).toHaveLength(2);
    await Promise.all(others);
    release();
    await vi.waitFor(() => expect(received).toHaveLength(4), { timeout: 10_000, interval: 20 });

    const [first, second] = outcome.opened.map((a) => a.id);
    expect(received).toEqual([
      { type: "alert.opened", id: first, status: "open" },
      { type: "alert.resolved", id: first, status: "resolved" },
      { type: "alert.opened", id: second, status: "open" },
      { type: "alert.resolved", id: second, status: "resolved" },
    ]);
  }, 60_000);

  it("sends an alert's resolved webhook after its opened one also when a later pass resolves it", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const tenantId = ctx.tenant.id;
    await upsertAnomalySettings(database.db, { tenantId, webhookUrl: receiver.url });
    const { heldFetch, others, release } = holdingOpened();
    received = [];
    const deps = watchDeps({ fetch: heldFetch });
    const { at, addMinutes } = spikySeries(tenantId);
    await addMinutes(0, HISTORY);
    await evaluateTenant(deps, tenantId, at(HISTORY));
    // One pass sees the first spike as its newest point, the next its calm points after it.
    const resolvedAt = SPIKES[0]! + CALM_POINTS_TO_RESOLVE + 1;
    await addMinutes(HISTORY, SPIKES[0]! + 1);
    const { opened } = await evaluateTenant(deps, tenantId, at(SPIKES[0]! + 1));
    await addMinutes(SPIKES[0]! + 1, resolvedAt);
    const { resolved } = await evaluateTenant(deps, tenantId, at(resolvedAt));
    expect(opened).toHaveLength(1);
    expect(resolved.map((a) => a.id)).toEqual([opened[0]!.id]);
    await Promise.all(others);
    release();
    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 10_000, interval: 20 });
    expect(received.map((r) => [r.type, r.id])).toEqual([
      ["alert.opened", opened[0]!.id],
      ["alert.resolved", opened[0]!.id],
    ]);
  }, 60_000);
});
