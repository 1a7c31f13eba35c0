import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { runs } from "@/db/schema";
import { insertVersion } from "@/server/repositories/workflow-versions";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser, testMeta } from "@/server/testing/factories";
import type { TenantContext } from "./context";
import { getRunAnalytics } from "./run-analytics";

/** Aggregates computed by the database (PGlite, or PostgreSQL with DATABASE_URL) over runs inserted directly. */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const NOW = new Date("2026-03-10T12:30:00Z");
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

async function fixture() {
  const tenant = await makeTenant(database.db);
  const user = await makeUser(database.db, { memberships: [[tenant, "viewer"]] });
  const ctx: TenantContext = {
    db: database.db,
    actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: false },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "viewer" },
    meta: testMeta,
  };
  const workflow = async (name: string) => {
    const row = await insertWorkflow(database.db, {
      tenantId: tenant.id,
      name,
      description: "",
      document: {},
      createdBy: user.id,
    });
    const version = await insertVersion(database.db, {
      tenantId: tenant.id,
      workflowId: row.id,
      isDraft: true,
      document: {},
      plan: {},
      createdBy: user.id,
    });
    return { id: row.id, versionId: version.id };
  };
  const fast = await workflow("Fast");
  const slow = await workflow("Slow");
  const run = (
    w: { id: string; versionId: string },
    status: "completed" | "failed" | "running",
    at: Date,
    durationMs: number | null,
    cost = 0,
  ) => ({
    tenantId: tenant.id,
    workflowId: w.id,
    versionId: w.versionId,
    status,
    input: {},
    createdAt: at,
    durationMs,
    inputTokens: 100,
    outputTokens: 50,
    costUsd: cost,
  });
  await database.db.insert(runs).values([
    // Fast: durations 10..100 ms, one failure, all within the last hour.
    ...Array.from({ length: 10 }, (_, i) =>
      run(fast, i === 9 ? "failed" : "completed", minutesAgo(5 + i), (i + 1) * 10, 0.01),
    ),
    // Slow: two finished runs and one still running, two hours ago.
    run(slow, "completed", minutesAgo(120), 1000, 0.5),
    run(slow, "completed", minutesAgo(121), 3000, 0.5),
    run(slow, "running", minutesAgo(122), null),
    // Outside every window but the month: eight days ago.
    run(slow, "failed", minutesAgo(8 * 24 * 60), 50),
  ]);
  return { ctx, tenant, user, fast, slow };
}

describe("run analytics", () => {
  it("counts, rates, percentiles and sums per workflow within the window", async () => {
    const { ctx, fast, slow } = await fixture();
    const result = await getRunAnalytics(ctx, { range: "day" }, NOW);

    expect(result.totals).toMatchObject({
      runs: 13,
      finished: 12,
      completed: 11,
      failed: 1,
      active: 1,
      tokens: 13 * 150,
    });
    expect(result.totals.successRate).toBeCloseTo(11 / 12);
    expect(result.totals.costUsd).toBeCloseTo(10 * 0.01 + 1);

    const byId = new Map(result.byWorkflow.map((w) => [w.workflowId, w]));
    const f = byId.get(fast.id)!;
    expect(f).toMatchObject({
      name: "Fast",
      runs: 10,
      completed: 9,
      failed: 1,
      inputTokens: 1000,
      outputTokens: 500,
    });
    expect(f.successRate).toBeCloseTo(0.9);
    expect(f.p50).toBeCloseTo(55); // percentile_cont interpolates between 50 and 60
    expect(f.p95).toBeCloseTo(95.5);
    expect(f.p99).toBeCloseTo(99.1);
    const s = byId.get(slow.id)!;
    expect(s).toMatchObject({ runs: 3, finished: 2, completed: 2 });
    expect(s.p50).toBeCloseTo(2000); // the running run has no duration and does not count
    expect(s.costUsd).toBeCloseTo(1);
  });

  it("buckets runs over time by hour for a day and by minute for an hour", async () => {
    const { ctx } = await fixture();
    const day = await getRunAnalytics(ctx, { range: "day" }, NOW);
    expect(day.bucket).toBe("hour");
    expect(
      day.overTime.map((b) => [b.bucket.toISOString(), b.runs, b.completed, b.failed]),
    ).toEqual([
      ["2026-03-10T10:00:00.000Z", 3, 2, 0],
      ["2026-03-10T12:00:00.000Z", 10, 9, 1],
    ]);

    const hour = await getRunAnalytics(ctx, { range: "hour" }, NOW);
    expect(hour.bucket).toBe("minute");
    expect(hour.overTime).toHaveLength(10);
    expect(hour.overTime.every((b) => b.runs === 1)).toBe(true);
    expect(hour.totals.runs).toBe(10);

    const month = await getRunAnalytics(ctx, { range: "month" }, NOW);
    expect(month.totals.runs).toBe(14);
    expect(month.usageByDay.map((d) => d.day.toISOString().slice(0, 10))).toEqual([
      "2026-03-02",
      "2026-03-10",
      "2026-03-10",
    ]);
  });

  it("sees only the caller's tenant, and any member may read it", async () => {
    const { user, tenant } = await fixture();
    const other = await makeTenant(database.db);
    const stranger = await makeUser(database.db, { memberships: [[other, "owner"]] });
    const mine = await (
      await callerFor(database.db, user, tenant)
    ).analytics.runs({ range: "month" });
    expect(mine).toMatchObject({ range: "month", bucket: "day" }); // a viewer may read analytics
    const theirs = await (
      await callerFor(database.db, stranger, other)
    ).analytics.runs({ range: "month" });
    expect(theirs.totals).toMatchObject({ runs: 0, tokens: 0, costUsd: 0 });
    expect(theirs.totals.successRate).toBeNull();
    expect(theirs.byWorkflow).toEqual([]);
    await expect(
      (await callerFor(database.db, null)).analytics.runs({ range: "day" }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
