import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Database } from "@/db/client";
import { memberships, workflowTriggers } from "@/db/schema";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { getEnv } from "@/server/env";
import { listAuditLogs } from "@/server/repositories/audit";
import { findRun, listRuns } from "@/server/repositories/runs";
import * as repo from "@/server/repositories/schedules";
import { insertMembership } from "@/server/repositories/tenants";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createRunSystem, type RunSystem, type RunSystemOptions } from "@/server/run-system";
import { createTestDatabase } from "@/server/testing/database";
import {
  expectTrpcError,
  makeTenantContext,
  makeUser,
  testMeta,
  greetingWorkflow,
} from "@/server/testing/factories";
import type { TenantContext } from "./context";
import { publishVersion } from "./workflow-versions";
import { fireKey, tickSchedules, type SchedulerDeps } from "./scheduler";
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  setScheduleEnabled,
  updateSchedule,
} from "./schedules";
import { pauseWorkflow, resumeWorkflow } from "./workflows";
import { createApiToken, revokeApiToken } from "./api-tokens";

/**
 * Schedules end to end on a real database (PGlite, or PostgreSQL with DATABASE_URL) and the real
 * run path (in-process queue, or BullMQ with REDIS_URL): editing them, and the scheduler's ticks,
 * several at once as several processes would.
 */
let database: Database;
const systems: RunSystem[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
// Each test's run system sweeps the whole database for runs nobody holds: closed after its test,
// so it cannot take over a later test's run with its own (different) model and tools.
afterEach(async () => {
  await Promise.all(systems.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await database?.close();
});

function system(options: Partial<RunSystemOptions> = {}) {
  const made = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `schedules-${randomBytes(4).toString("hex")}`,
    ...options,
  });
  systems.push(made);
  return made;
}

const greeting = greetingWorkflow;

async function publishedWorkflow(ctx: TenantContext) {
  const workflow = await insertWorkflow(ctx.db, {
    tenantId: ctx.tenant.id,
    name: `Greeting ${randomBytes(3).toString("hex")}`,
    description: "",
    document: greeting,
    createdBy: ctx.actor.userId,
  });
  await publishVersion(ctx, { workflowId: workflow.id });
  return workflow;
}

const spec = {
  name: "",
  cron: "0 * * * *",
  timezone: "UTC",
  input: { name: "Ada" },
  misfire: "skip" as const,
};

// A tick fires every due schedule in the database: an earlier test's hourly schedule must not come
// due at the top of the hour while a later test counts what its tick did.
afterEach(async () => {
  await database.db.update(workflowTriggers).set({ isEnabled: false });
});

async function scheduleRuns(ctx: TenantContext, workflowId: string) {
  return (
    await listRuns(ctx.db, {
      tenantId: ctx.tenant.id,
      workflowId,
      trigger: ["schedule"],
      limit: 100,
    })
  ).items;
}

async function makeDue(ctx: TenantContext, scheduleId: string, nextFireAt: Date) {
  await repo.updateSchedule(ctx.db, ctx.tenant.id, scheduleId, { nextFireAt });
}

function scheduler(runs: RunSystem, workerId: string): SchedulerDeps {
  return { db: database.db, runDeps: runs.runDeps, workerId };
}

describe("editing schedules", () => {
  it("refuses a workflow that was never published, saying what to do", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await insertWorkflow(ctx.db, {
      tenantId: ctx.tenant.id,
      name: "Draft only",
      description: "",
      document: greeting,
      createdBy: ctx.actor.userId,
    });
    await expect(createSchedule(ctx, { ...spec, workflowId: workflow.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/never been published.*publish it/),
    });
  });

  it("checks the input against the published version's input", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    await expect(
      createSchedule(ctx, { ...spec, workflowId: workflow.id, input: { name: 42 } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      details: { field: "input" },
    });
  });

  it("answers a bad expression or time zone with 400 and the field it is about", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const caller = createCaller(
      await createContext({
        db: database.db,
        identity: { userId: ctx.actor.userId, tenantId: ctx.tenant.id },
        meta: testMeta,
      }),
    );
    const fieldErrors = async (promise: Promise<unknown>) => {
      const error = await expectTrpcError(promise, "BAD_REQUEST");
      return z.flattenError(error.cause as z.ZodError).fieldErrors as Record<string, string[]>;
    };
    expect(
      (
        await fieldErrors(
          caller.schedule.create({ ...spec, workflowId: workflow.id, cron: "61 9 * * *" }),
        )
      ).cron?.[0],
    ).toMatch(/minute/);
    expect(
      (
        await fieldErrors(
          caller.schedule.create({ ...spec, workflowId: workflow.id, timezone: "Mars/Olympus" }),
        )
      ).timezone?.[0],
    ).toMatch(/not a time zone/);
    expect(
      Object.keys(
        await fieldErrors(caller.schedule.preview({ cron: "every day", timezone: "UTC" })),
      ),
    ).toEqual(["cron"]);
    expect(await repo.listSchedules(ctx.db, ctx.tenant.id, workflow.id)).toEqual([]);
  });

  it("creates, lists with the next five fire times, updates, pauses, resumes and deletes, each audited", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const now = new Date("2026-03-27T10:00:00Z");
    const created = await createSchedule(
      ctx,
      { ...spec, workflowId: workflow.id, cron: "0 9 * * 1-5", timezone: "europe/berlin" },
      now,
    );
    expect(created).toMatchObject({
      timezone: "Europe/Berlin",
      description: "Every weekday at 09:00",
      isEnabled: true,
      nextFireAt: new Date("2026-03-30T07:00:00Z"),
    });

    const listed = await listSchedules(ctx, workflow.id, now);
    expect(listed.publishedVersion).toBe(1);
    expect(listed.schedules.map((s) => s.id)).toEqual([created.id]);
    expect(listed.schedules[0]!.upcoming.map((d) => d.toISOString())).toEqual([
      "2026-03-30T07:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
      "2026-04-01T07:00:00.000Z",
      "2026-04-02T07:00:00.000Z",
      "2026-04-03T07:00:00.000Z",
    ]);

    const updated = await updateSchedule(
      ctx,
      {
        id: created.id,
        name: "Mornings",
        cron: "30 8 * * *",
        timezone: "UTC",
        input: { name: "Grace" },
        misfire: "run-once",
      },
      now,
    );
    expect(updated).toMatchObject({
      name: "Mornings",
      cron: "30 8 * * *",
      misfire: "run-once",
      input: { name: "Grace" },
      nextFireAt: new Date("2026-03-28T08:30:00Z"),
    });

    expect(await setScheduleEnabled(ctx, { id: created.id, isEnabled: false }, now)).toMatchObject({
      isEnabled: false,
    });
    const later = new Date("2026-04-10T12:00:00Z");
    // Resuming counts from now: nothing that fell in the pause is caught up.
    expect(await setScheduleEnabled(ctx, { id: created.id, isEnabled: true }, later)).toMatchObject(
      { isEnabled: true, nextFireAt: new Date("2026-04-11T08:30:00Z") },
    );

    await deleteSchedule(ctx, created.id);
    expect((await listSchedules(ctx, workflow.id)).schedules).toEqual([]);
    const audit = await listAuditLogs(ctx.db, {
      tenantId: ctx.tenant.id,
      targetId: created.id,
      limit: 20,
    });
    expect(audit.items.map((a) => a.action).sort()).toEqual([
      "schedule.create",
      "schedule.delete",
      "schedule.pause",
      "schedule.resume",
      "schedule.update",
    ]);
  });

  it("finds nothing of another tenant", async () => {
    const ctx = await makeTenantContext(database.db);
    const other = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, { ...spec, workflowId: workflow.id });
    await expect(listSchedules(other, workflow.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(updateSchedule(other, { ...spec, id: schedule.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(deleteSchedule(other, schedule.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      setScheduleEnabled(other, { id: schedule.id, isEnabled: false }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("the scheduler", () => {
  it("fires a due schedule exactly once when two schedulers tick at the same time", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, { ...spec, workflowId: workflow.id });
    await makeDue(ctx, schedule.id, new Date(Date.now() - 1000));

    // Two processes: each its own run system and scheduler, one database.
    const [a, b] = [scheduler(system(), "process-a"), scheduler(system(), "process-b")];
    const outcomes = await Promise.all([
      tickSchedules(a),
      tickSchedules(b),
      tickSchedules(a),
      tickSchedules(b),
    ]);
    expect(outcomes.reduce((sum, o) => sum + o.started, 0)).toBe(1);

    const runs = await scheduleRuns(ctx, workflow.id);
    expect(runs).toHaveLength(1);
    const run = await findRun(ctx.db, ctx.tenant.id, runs[0]!.id);
    expect(run).toMatchObject({
      trigger: "schedule",
      triggerId: schedule.id,
      input: { name: "Ada" },
      startedBy: ctx.actor.userId,
    });

    const [row] = await ctx.db
      .select()
      .from(workflowTriggers)
      .where(eq(workflowTriggers.id, schedule.id));
    expect(row!.nextFireAt!.getTime()).toBeGreaterThan(Date.now());
    expect(row!.lastFiredAt).not.toBeNull();
    expect(row!.leasedBy).toBeNull(); // the lease was let go once the run started
    // Ticking again finds nothing due.
    await Promise.all([tickSchedules(a), tickSchedules(b)]);
    expect(await scheduleRuns(ctx, workflow.id)).toHaveLength(1);
  });

  it("starts a fire whose process died after taking it, once, and gives back the run of one that had started", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, { ...spec, workflowId: workflow.id });
    const deps = scheduler(system(), "survivor");
    const dead = {
      leasedBy: "dead-process",
      leasedUntil: new Date(Date.now() - 1000),
      nextFireAt: new Date(Date.now() + 3_600_000),
    };

    // Taken at 09:00 by a process that stopped before starting the run: the run is started now.
    const lost = new Date("2026-05-04T09:00:00Z");
    await repo.setScheduleFire(ctx.db, schedule.id, { ...dead, lastFiredAt: lost });
    expect(await tickSchedules(deps)).toMatchObject({ started: 1, replayed: 0 });
    // Taken at 09:00 again, as if that process had started the run before dying: no second run.
    await repo.setScheduleFire(ctx.db, schedule.id, { ...dead, lastFiredAt: lost });
    expect(await tickSchedules(deps)).toMatchObject({ started: 0, replayed: 1 });

    const runs = await scheduleRuns(ctx, workflow.id);
    expect(runs).toHaveLength(1);
    expect(fireKey(schedule.id, lost)).toBe(`schedule:${schedule.id}:2026-05-04T09:00:00.000Z`);
  });

  it("after a stop of hours, skips the missed fires under `skip` and moves on to a future time", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, {
      ...spec,
      workflowId: workflow.id,
      misfire: "skip",
    });
    await makeDue(ctx, schedule.id, new Date(Date.now() - 3 * 3_600_000));

    expect(await tickSchedules(scheduler(system(), "restarted"))).toMatchObject({
      started: 0,
      skipped: 3,
    });
    expect(await scheduleRuns(ctx, workflow.id)).toEqual([]);
    const [row] = await repo.listSchedules(ctx.db, ctx.tenant.id, workflow.id);
    expect(row!.nextFireAt!.getTime()).toBeGreaterThan(Date.now());
    expect(row!.leasedBy).toBeNull();
  });

  it("after a stop of hours, runs once for all the missed fires under `run-once`", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, {
      ...spec,
      workflowId: workflow.id,
      misfire: "run-once",
    });
    await makeDue(ctx, schedule.id, new Date(Date.now() - 3 * 3_600_000));

    const deps = scheduler(system(), "restarted");
    expect(await tickSchedules(deps)).toMatchObject({ started: 1 });
    await tickSchedules(deps);
    expect(await scheduleRuns(ctx, workflow.id)).toHaveLength(1);
    const [row] = await repo.listSchedules(ctx.db, ctx.tenant.id, workflow.id);
    expect(row!.nextFireAt!.getTime()).toBeGreaterThan(Date.now());
  });

  it("does not fire a paused schedule", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, { ...spec, workflowId: workflow.id });
    await setScheduleEnabled(ctx, { id: schedule.id, isEnabled: false });
    await makeDue(ctx, schedule.id, new Date(Date.now() - 1000));

    expect(await tickSchedules(scheduler(system(), "p"))).toMatchObject({ started: 0, refused: 0 });
    expect(await scheduleRuns(ctx, workflow.id)).toEqual([]);
  });

  it("skips the fire of a paused workflow, or of a schedule whose creator left, and goes on to the next time", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const paused = await createSchedule(ctx, { ...spec, workflowId: workflow.id });
    await pauseWorkflow(ctx, { id: workflow.id });
    await makeDue(ctx, paused.id, new Date(Date.now() - 1000));

    const other = await publishedWorkflow(ctx);
    const leaver = await makeUser(ctx.db);
    await insertMembership(ctx.db, { tenantId: ctx.tenant.id, userId: leaver.id, role: "editor" });
    const orphan = await createSchedule(
      { ...ctx, actor: { ...ctx.actor, userId: leaver.id } },
      { ...spec, workflowId: other.id },
    );
    await ctx.db.delete(memberships).where(eq(memberships.userId, leaver.id));
    await makeDue(ctx, orphan.id, new Date(Date.now() - 1000));

    expect((await listSchedules(ctx, other.id)).schedules[0]).toMatchObject({
      createdByName: leaver.name,
      canCreatorRun: false,
    });
    expect((await listSchedules(ctx, workflow.id)).schedules[0]).toMatchObject({
      canCreatorRun: true,
    });

    expect(await tickSchedules(scheduler(system(), "p"))).toMatchObject({
      started: 0,
      refused: 2,
      failed: 0,
    });
    expect(await scheduleRuns(ctx, workflow.id)).toEqual([]);
    expect(await scheduleRuns(ctx, other.id)).toEqual([]);
    for (const row of [
      ...(await repo.listSchedules(ctx.db, ctx.tenant.id, workflow.id)),
      ...(await repo.listSchedules(ctx.db, ctx.tenant.id, other.id)),
    ]) {
      expect(row.nextFireAt!.getTime()).toBeGreaterThan(Date.now());
      expect(row.leasedBy).toBeNull();
    }
  });

  it("keeps why a fire started no run on the schedule, and clears it once one starts", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, { ...spec, workflowId: workflow.id });
    await pauseWorkflow(ctx, { id: workflow.id });
    await makeDue(ctx, schedule.id, new Date(Date.now() - 1000));
    expect(await tickSchedules(scheduler(system(), "p"))).toMatchObject({ refused: 1 });
    const [refused] = (await listSchedules(ctx, workflow.id)).schedules;
    expect(refused!.lastError).toMatch(/paused/i);
    expect(refused!.lastErrorAt).toBeInstanceOf(Date);

    await resumeWorkflow(ctx, workflow.id);
    await makeDue(ctx, schedule.id, new Date(Date.now() - 1000));
    expect(await tickSchedules(scheduler(system(), "p"))).toMatchObject({ started: 1 });
    expect((await listSchedules(ctx, workflow.id)).schedules[0]).toMatchObject({
      lastError: null,
      lastErrorAt: null,
    });
  });

  it("stops firing once the API token it was made with is revoked, and says so on the schedule", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const token = await createApiToken(ctx, {
      name: "deploy script",
      scopes: ["runs:write"],
      expiry: { in: "never" },
    });
    const viaToken = {
      ...ctx,
      meta: { ...ctx.meta, apiToken: { id: token.token.id, name: "deploy script" } },
    };
    const schedule = await createSchedule(viaToken, { ...spec, workflowId: workflow.id });
    await makeDue(ctx, schedule.id, new Date(Date.now() - 1000));
    expect(await tickSchedules(scheduler(system(), "p"))).toMatchObject({ started: 1, refused: 0 });

    await revokeApiToken(ctx, token.token.id);
    await makeDue(ctx, schedule.id, new Date(Date.now() - 1000));
    expect(await tickSchedules(scheduler(system(), "p"))).toMatchObject({ started: 0, refused: 1 });
    expect((await listSchedules(ctx, workflow.id)).schedules[0]!.lastError).toBe(
      'The API token "deploy script" this trigger was made with was revoked: an editor must make the trigger again.',
    );
    expect(await scheduleRuns(ctx, workflow.id)).toHaveLength(1);
  });

  it("runs where workers run: a due schedule's run completes with trigger schedule", async () => {
    const ctx = await makeTenantContext(database.db);
    const workflow = await publishedWorkflow(ctx);
    const schedule = await createSchedule(ctx, { ...spec, workflowId: workflow.id });
    await makeDue(ctx, schedule.id, new Date(Date.now() - 1000));

    const runs = system({ scheduleTickMs: 50 });
    await runs.startWorkers(1);
    let run: Awaited<ReturnType<typeof findRun>>;
    for (let waited = 0; ; waited += 50) {
      const [item] = await scheduleRuns(ctx, workflow.id);
      run = item && (await findRun(ctx.db, ctx.tenant.id, item.id));
      if (run?.status === "completed" || waited > 15_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(run).toMatchObject({
      status: "completed",
      trigger: "schedule",
      triggerId: schedule.id,
      output: { greeting: { message: "Hello, Ada!" } },
    });
  });
});
