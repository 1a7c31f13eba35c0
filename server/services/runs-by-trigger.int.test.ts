import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { runs, type RunTrigger } from "@/db/schema";
import { insertVersion } from "@/server/repositories/workflow-versions";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";

/** Where runs came from: the runs list filtered by trigger, and analytics counted per trigger (PGlite, or PostgreSQL with DATABASE_URL). */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function fixture() {
  const tenant = await makeTenant(database.db);
  const user = await makeUser(database.db, { memberships: [[tenant, "viewer"]] });
  const workflow = await insertWorkflow(database.db, {
    tenantId: tenant.id,
    name: "Digest",
    description: "",
    document: {},
    createdBy: user.id,
  });
  const version = await insertVersion(database.db, {
    tenantId: tenant.id,
    workflowId: workflow.id,
    isDraft: true,
    document: {},
    plan: {},
    createdBy: user.id,
  });
  const run = (
    trigger: RunTrigger,
    status: "completed" | "failed" | "running",
    minutes: number,
  ) => ({
    tenantId: tenant.id,
    workflowId: workflow.id,
    versionId: version.id,
    status,
    trigger,
    input: {},
    createdAt: minutesAgo(minutes),
    durationMs: status === "running" ? null : 100,
  });
  await database.db.insert(runs).values([
    // Schedule: 3 finished (2 completed) and one still running.
    run("schedule", "completed", 5),
    run("schedule", "completed", 65),
    run("schedule", "failed", 125),
    run("schedule", "running", 1),
    // Webhook: 2, both completed.
    run("webhook", "completed", 10),
    run("webhook", "completed", 20),
    // Manual: 1 failed.
    run("manual", "failed", 30),
    // Outside the day's window: a schedule run two days ago.
    run("schedule", "completed", 2 * 24 * 60),
  ]);
  return { tenant, user, caller: await callerFor(database.db, user, tenant) };
}

describe("runs by trigger", () => {
  it("lists only the runs of the triggers asked for, and says where each came from", async () => {
    const { caller } = await fixture();
    const all = await caller.run.list({ limit: 50 });
    expect(all.items).toHaveLength(8);

    const scheduled = await caller.run.list({ limit: 50, trigger: ["schedule"] });
    expect(scheduled.items).toHaveLength(5);
    expect(scheduled.items.every((r) => r.trigger === "schedule")).toBe(true);

    const outside = await caller.run.list({ limit: 50, trigger: ["webhook", "manual"] });
    expect(outside.items.map((r) => r.trigger).sort()).toEqual(["manual", "webhook", "webhook"]);
    expect((await caller.run.list({ limit: 50, trigger: ["mcp"] })).items).toEqual([]);

    // The run page reads it too.
    const one = await caller.run.get({ id: scheduled.items[0]!.id });
    expect(one.run.trigger).toBe("schedule");
  });

  it("refuses a trigger that does not exist with a clear input error", async () => {
    const { caller } = await fixture();
    await expect(
      caller.run.list({ limit: 10, trigger: ["cron" as RunTrigger] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      caller.analytics.runs({ range: "day", trigger: ["cron" as RunTrigger] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("counts runs and success per trigger over the window, and filters every figure by trigger", async () => {
    const { caller } = await fixture();
    const day = await caller.analytics.runs({ range: "day" });
    expect(
      day.byTrigger.map((t) => [t.trigger, t.runs, t.finished, t.completed, t.failed]),
    ).toEqual([
      ["schedule", 4, 3, 2, 1],
      ["webhook", 2, 2, 2, 0],
      ["manual", 1, 1, 0, 1],
    ]);
    expect(day.byTrigger[0]!.successRate).toBeCloseTo(2 / 3);
    expect(day.byTrigger[1]!.successRate).toBe(1);
    expect(day.byTrigger[2]!.successRate).toBe(0);
    expect(day.totals.runs).toBe(7);

    const week = await caller.analytics.runs({ range: "week" });
    expect(week.byTrigger.find((t) => t.trigger === "schedule")?.runs).toBe(5);

    const scheduled = await caller.analytics.runs({ range: "day", trigger: ["schedule"] });
    expect(scheduled.trigger).toEqual(["schedule"]);
    expect(scheduled.totals).toMatchObject({
      runs: 4,
      finished: 3,
      completed: 2,
      failed: 1,
      active: 1,
    });
    expect(scheduled.byWorkflow.map((w) => w.runs)).toEqual([4]);
    expect(scheduled.overTime.reduce((sum, b) => sum + b.runs, 0)).toBe(4);
    expect(scheduled.byTrigger.map((t) => t.trigger)).toEqual(["schedule"]);
  });

  it("sees only the caller's tenant", async () => {
    await fixture();
    const other = await makeTenant(database.db);
    const stranger = await makeUser(database.db, { memberships: [[other, "owner"]] });
    const caller = await callerFor(database.db, stranger, other);
    expect((await caller.run.list({ limit: 50, trigger: ["schedule"] })).items).toEqual([]);
    expect((await caller.analytics.runs({ range: "month" })).byTrigger).toEqual([]);
  });
});
