import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { SHIFT_ONSET_MAX_LAG } from "@/engine/anomaly/scan-series";
import { listAlerts } from "@/server/repositories/alerts";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenantContext } from "@/server/testing/factories";
import { MINUTE, minuteWatcher, shiftedCostSeries } from "@/server/testing/watched-minutes";
import { evaluateTenant, type WatchOutcome } from "./anomaly-watch";

/**
 * A level shift whose points each stay inside the band, met as a user meets it: a workflow's cost
 * per run arrives a minute at a time and the watcher evaluates every minute or two (a few new
 * points per pass). The detector flags the shift at its onset only once several points lie beyond
 * it, by which time the watcher has judged the onset already; it must still alert, once, naming the
 * onset, and not again on later passes or after a restart (state from the database, not memory).
 */
const HISTORY = 200; // minutes of ordinary cost before the shift
const AFTER = 40; // minutes of the shifted cost the watcher sees arrive

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe("the anomaly watcher and a level shift flagged late", () => {
  it("has a shift the detector flags at its onset, late, with no point outside its band", () => {
    // As the alert page and bench:anomaly see the whole series: one shift, flagged at its onset by
    // the level-shift detector. As points arrive: no point is out of its band when it is the newest
    // one, so a watcher judging only new points never hears of the shift.
    const { at, judge } = shiftedCostSeries(database.db, randomUUID(), {
      history: HISTORY,
      after: AFTER,
    });
    const all = judge(HISTORY + AFTER);
    expect(all.anomalies.map((a) => [a.at, a.detector])).toEqual([
      [all.changePoints[0], "level-shift"],
    ]);
    expect(all.changePoints[0]).toBeGreaterThanOrEqual(at(HISTORY));
    expect(all.changePoints[0]).toBeLessThanOrEqual(at(HISTORY + 2));
    for (let n = HISTORY + 1; n <= HISTORY + AFTER; n++)
      expect(judge(n).anomalies.filter((a) => a.at === at(n - 1))).toEqual([]);
  });

  it("alerts once at the shift's onset, across passes of a few points and a restart", async () => {
    const ctx = await makeTenantContext(database.db, "admin");
    const tenantId = ctx.tenant.id;
    const { subject, at, addMinutes, judge } = shiftedCostSeries(database.db, tenantId, {
      history: HISTORY,
      after: AFTER,
    });
    const onset = judge(HISTORY + AFTER).changePoints[0]!;

    // The history, judged once: nothing to say.
    await addMinutes(0, HISTORY);
    const opened: WatchOutcome["opened"] = [];
    let deps = minuteWatcher(database.db);
    expect((await evaluateTenant(deps, tenantId, at(HISTORY))).opened).toEqual([]);

    // The shift arrives a few minutes per pass (1, 2, 3 new points in turn).
    let seen = HISTORY;
    for (let pass = 0; seen < HISTORY + 30; pass++) {
      const next = Math.min(HISTORY + 30, seen + 1 + (pass % 3));
      await addMinutes(seen, next);
      seen = next;
      opened.push(...(await evaluateTenant(deps, tenantId, at(seen))).opened);
    }
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ metric: "workflow.cost_per_run", subject });
    expect(opened[0]!.startedAt.getTime()).toBe(onset);
    expect(opened[0]!.reason).toMatch(/shifted up/);

    // A restart while the onset is still within the detector's look-back: a new process with empty
    // memory reads what was alerted from the database.
    expect(at(seen) - onset).toBeLessThan(SHIFT_ONSET_MAX_LAG * MINUTE);
    deps = minuteWatcher(database.db);
    for (; seen < HISTORY + AFTER; seen++) {
      await addMinutes(seen, seen + 1);
      opened.push(...(await evaluateTenant(deps, tenantId, at(seen + 1))).opened);
    }
    expect(opened).toHaveLength(1);
    // And one more restart on the same figures: still nothing new.
    expect((await evaluateTenant(minuteWatcher(database.db), tenantId, at(seen))).opened).toEqual(
      [],
    );

    const stored = await listAlerts(database.db, tenantId, {}, { limit: 10 });
    expect(stored.items.map((a) => [a.metric, a.startedAt.getTime()])).toEqual([
      ["workflow.cost_per_run", onset],
    ]);
  }, 60_000);

  it("tells a shift that is over within one pass of many points, opened and resolved", async () => {
    // Passes five minutes apart: the pass that sees the shift confirmed also sees the points after
    // it back inside the (moved) band, enough to resolve it.
    const ctx = await makeTenantContext(database.db, "admin");
    const tenantId = ctx.tenant.id;
    const { at, addMinutes, judge } = shiftedCostSeries(database.db, tenantId, {
      history: HISTORY,
      after: AFTER,
    });
    const onset = judge(HISTORY + AFTER).changePoints[0]!;
    await addMinutes(0, HISTORY);
    const deps = minuteWatcher(database.db);
    const outcomes: WatchOutcome[] = [await evaluateTenant(deps, tenantId, at(HISTORY))];
    for (let seen = HISTORY; seen < HISTORY + AFTER; seen += 5) {
      await addMinutes(seen, seen + 5);
      outcomes.push(await evaluateTenant(deps, tenantId, at(seen + 5)));
    }
    const opened = outcomes.flatMap((o) => o.opened);
    expect(opened.map((a) => [a.metric, a.startedAt.getTime()])).toEqual([
      ["workflow.cost_per_run", onset],
    ]);
    const pass = outcomes.find((o) => o.opened.length)!;
    expect(pass.resolved).toEqual([
      expect.objectContaining({ id: opened[0]!.id, status: "resolved", resolution: "auto" }),
    ]);
  }, 60_000);
});
