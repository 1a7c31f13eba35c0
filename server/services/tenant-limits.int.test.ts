import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { tenants, type Role } from "@/db/schema";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { findAppError } from "@/server/api/errors";
import { getEnv } from "@/server/env";
import { createRunSystem, type RunSystem } from "@/server/run-system";
import { listAuditLogs } from "@/server/repositories/audit";
import { insertRun } from "@/server/repositories/runs";
import type { TenantRow } from "@/server/repositories/tenants";
import type { UserRow } from "@/server/repositories/users";
import { insertWorkflow } from "@/server/repositories/workflows";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser, testMeta } from "@/server/testing/factories";

/**
 * Quotas, limit settings and suspension through the tRPC caller, on a real database and the real
 * run service. No workers run, so started runs stay queued.
 */
let database: Database;
let runs: RunSystem;
beforeAll(async () => {
  database = await createTestDatabase();
  runs = createRunSystem({
    db: database.db,
    redisUrl: getEnv().redisUrl,
    queueName: `limits-test-${randomBytes(4).toString("hex")}`,
  });
});
afterAll(async () => {
  await runs?.close();
  await database?.close();
});

const echo = makeWorkflow({
  name: "Echo",
  nodes: [makeNode("input", "in"), makeNode("output", "out", { name: "echo" })],
  edges: chain("in", "out"),
});

async function callerFor(user: UserRow, tenant: TenantRow) {
  return createCaller(
    await createContext({
      db: database.db,
      identity: { userId: user.id, tenantId: tenant.id },
      meta: testMeta,
      runSystem: async () => runs,
    }),
  );
}

async function setup(roles: Role[] = ["owner", "editor", "viewer"]) {
  const tenant = await makeTenant(database.db);
  const users = await Promise.all(
    roles.map((role) => makeUser(database.db, { memberships: [[tenant, role]] })),
  );
  const callers = await Promise.all(users.map((user) => callerFor(user, tenant)));
  const workflow = await insertWorkflow(database.db, {
    tenantId: tenant.id,
    name: "Echo",
    description: "",
    document: echo,
    createdBy: users[0]!.id,
  });
  return { tenant, users, callers, workflow };
}

/** The error a call fails with: its tRPC code, domain code and message. */
async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return {
      code: error.code,
      appCode: findAppError(error)?.code ?? null,
      message: error.message,
      cause: error.cause,
    };
  }
  throw new Error("expected the call to fail");
}

const suspend = (tenant: TenantRow) =>
  database.db.update(tenants).set({ suspendedAt: new Date() }).where(eq(tenants.id, tenant.id));

describe("run quotas", () => {
  it("refuses a run beyond the tenant's concurrent runs, saying what to do", async () => {
    const { callers, workflow } = await setup(["admin", "editor"]);
    const [admin, editor] = callers;
    await admin!.limits.update({ maxConcurrentRuns: 2 });
    await editor!.run.start({ workflowId: workflow.id, draft: true, input: {} });
    await editor!.run.start({ workflowId: workflow.id, draft: true, input: {} });
    const refused = await failureOf(
      editor!.run.start({ workflowId: workflow.id, draft: true, input: {} }),
    );
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "QUOTA_EXCEEDED" });
    expect(refused.message).toBe(
      "This tenant already has 2 runs queued or running (the limit is 2 at once). Wait for some to finish or cancel them, or ask an admin to raise it on Admin → Limits.",
    );
  });

  it("refuses a run beyond the tenant's runs per day", async () => {
    const { tenant, callers, workflow } = await setup(["admin", "editor"]);
    const [admin, editor] = callers;
    await admin!.limits.update({ maxRunsPerDay: 3 });
    // Runs of today that have ended still count for the day (though not as concurrent).
    const cancelled = await cancelledRun(editor!, workflow.id);
    await insertRun(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      versionId: cancelled.versionId,
      input: {},
      status: "completed",
    });
    await editor!.run.start({ workflowId: workflow.id, draft: true, input: {} });
    const refused = await failureOf(
      editor!.run.start({ workflowId: workflow.id, draft: true, input: {} }),
    );
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "QUOTA_EXCEEDED" });
    expect(refused.message).toContain(
      "has started 3 runs today (the limit is 3 runs per day, UTC)",
    );
    expect(refused.message).toContain("after midnight UTC");
  });

  it("refuses a run once the month's tokens are used up, counting only this month's runs", async () => {
    const { tenant, callers, workflow } = await setup(["admin", "editor"]);
    const [admin, editor] = callers;
    await admin!.limits.update({ maxTokensPerMonth: 1000 });
    const cancelled = await cancelledRun(editor!, workflow.id);
    const versionId = cancelled.versionId;
    const lastMonth = new Date(
      Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1) - 60_000,
    );
    await insertRun(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      versionId,
      input: {},
      status: "completed",
      inputTokens: 5000,
      createdAt: lastMonth,
    });
    await insertRun(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      versionId,
      input: {},
      status: "completed",
      inputTokens: 600,
      outputTokens: 300,
    });
    await editor!.run.start({ workflowId: workflow.id, draft: true, input: {} }); // 900 used: still under

    await insertRun(database.db, {
      tenantId: tenant.id,
      workflowId: workflow.id,
      versionId,
      input: {},
      status: "completed",
      outputTokens: 100,
    });
    const refused = await failureOf(
      editor!.run.start({ workflowId: workflow.id, draft: true, input: {} }),
    );
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "QUOTA_EXCEEDED" });
    expect(refused.message).toContain(
      "has used 1,000 LLM tokens this month (the limit is 1,000 tokens per month, UTC)",
    );
    // A retry is a new run: the same quota applies.
    expect(await failureOf(editor!.run.retry({ id: cancelled.id }))).toMatchObject({
      appCode: "QUOTA_EXCEEDED",
      message: refused.message,
    });
  });

  it("shows each limit with its source and the current use", async () => {
    const { callers, workflow } = await setup(["admin", "editor", "viewer"]);
    const [admin, editor, viewer] = callers;
    await admin!.limits.update({ maxRunsPerDay: 10 });
    await editor!.run.start({ workflowId: workflow.id, draft: true, input: {} });
    const { limits, suspendedAt } = await viewer!.limits.get();
    expect(suspendedAt).toBeNull();
    const byKey = Object.fromEntries(limits.map((l) => [l.key, l]));
    expect(byKey.maxRunsPerDay).toMatchObject({
      value: 10,
      source: "tenant",
      own: 10,
      platformDefault: getEnv().limits.maxRunsPerDay,
      used: 1,
    });
    expect(byKey.maxConcurrentRuns).toMatchObject({
      value: getEnv().runs.maxActivePerTenant,
      source: "platform",
      own: null,
      used: 1,
    });
    expect(byKey.maxTokensPerMonth).toMatchObject({ source: "platform", used: 0 });
    expect(byKey.requestsPerMinutePerUser).toMatchObject({
      value: getEnv().limits.requestsPerMinutePerUser,
      source: "platform",
    });
    expect(byKey.requestsPerMinutePerUser!.used).toBeGreaterThanOrEqual(1); // this very request
  });
});

/** A run started and cancelled at once: its draft version carries the hand-made runs of a test. */
async function cancelledRun(caller: Awaited<ReturnType<typeof callerFor>>, workflowId: string) {
  const run = await caller.run.start({ workflowId, draft: true, input: {} });
  await caller.run.cancel({ id: run.id });
  return run;
}

describe("changing limits", () => {
  it("is for admins: members may only read them", async () => {
    const { callers } = await setup(["editor", "viewer"]);
    for (const caller of callers) {
      expect((await caller.limits.get()).limits).toHaveLength(5);
      expect(await failureOf(caller.limits.update({ maxRunsPerDay: 5 }))).toMatchObject({
        code: "FORBIDDEN",
      });
    }
  });

  it("accepts positive whole numbers within bounds, field by field", async () => {
    const { callers } = await setup(["admin"]);
    const admin = callers[0]!;
    for (const [input, field] of [
      [{ maxRunsPerDay: 0 }, "maxRunsPerDay"],
      [{ maxTokensPerMonth: 2.5 }, "maxTokensPerMonth"],
      [{ requestsPerMinutePerToken: 1_000_000 }, "requestsPerMinutePerToken"],
    ] as const) {
      const refused = await failureOf(admin.limits.update(input));
      expect(refused.code).toBe("BAD_REQUEST");
      const issues = (refused.cause as { issues?: { path: PropertyKey[] }[] }).issues ?? [];
      expect(issues.map((i) => i.path[0])).toEqual([field]);
    }
    await expect(
      admin.limits.update({ maxRunsPerDay: 5, unknownLimit: 3 } as never),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await admin.limits.get()).limits.every((l) => l.source === "platform")).toBe(true);
  });

  it("lets only a platform admin raise a limit above the platform default", async () => {
    const { tenant, callers } = await setup(["owner"]);
    const owner = callers[0]!;
    const platformMax = getEnv().runs.maxActivePerTenant;
    const refused = await failureOf(owner.limits.update({ maxConcurrentRuns: platformMax + 1 }));
    expect(refused).toMatchObject({ code: "BAD_REQUEST", appCode: "INVALID_INPUT" });
    expect(refused.message).toContain("only a platform admin");
    expect(findAppError(refused.cause)?.details).toEqual({ field: "maxConcurrentRuns" });

    const superadmin = await callerFor(await makeUser(database.db, { isSuperadmin: true }), tenant);
    await superadmin.limits.update({ maxConcurrentRuns: platformMax + 1 });
    // The owner may keep (or lower) what the platform admin granted.
    await owner.limits.update({ maxConcurrentRuns: platformMax + 1, maxRunsPerDay: 100 });
    expect(
      (await owner.limits.get()).limits.find((l) => l.key === "maxConcurrentRuns")?.value,
    ).toBe(platformMax + 1);
  });

  it("records each change with the limits before and after, and clears a limit back to the default", async () => {
    const { tenant, users, callers } = await setup(["admin"]);
    const admin = callers[0]!;
    await admin.limits.update({ maxRunsPerDay: 100, requestsPerMinutePerUser: 300 });
    const after = await admin.limits.update({ maxRunsPerDay: null, maxTokensPerMonth: 50_000 });
    const byKey = Object.fromEntries(after.limits.map((l) => [l.key, l]));
    expect(byKey.maxRunsPerDay).toMatchObject({
      source: "platform",
      own: null,
      value: getEnv().limits.maxRunsPerDay,
    });
    expect(byKey.maxTokensPerMonth).toMatchObject({ source: "tenant", value: 50_000 });
    expect(byKey.requestsPerMinutePerUser).toMatchObject({ source: "tenant", value: 300 });

    const log = await listAuditLogs(database.db, {
      tenantId: tenant.id,
      action: "limits.update",
      limit: 10,
    });
    expect(
      log.items.map((entry) => ({
        actor: entry.actorUserId,
        target: entry.targetId,
        metadata: entry.metadata,
      })),
    ).toEqual([
      {
        actor: users[0]!.id,
        target: tenant.id,
        metadata: {
          before: { maxRunsPerDay: 100, requestsPerMinutePerUser: 300 },
          after: { requestsPerMinutePerUser: 300, maxTokensPerMonth: 50_000 },
        },
      },
      {
        actor: users[0]!.id,
        target: tenant.id,
        metadata: { before: {}, after: { maxRunsPerDay: 100, requestsPerMinutePerUser: 300 } },
      },
    ]);
  });
});

describe("a suspended tenant", () => {
  it("refuses every change and run, to everyone in it, but still answers reads", async () => {
    const { tenant, callers, workflow } = await setup(["owner", "editor", "viewer"]);
    const [owner, editor, viewer] = callers;
    await suspend(tenant);
    const superadmin = await callerFor(await makeUser(database.db, { isSuperadmin: true }), tenant);

    for (const refused of [
      await failureOf(owner!.limits.update({ maxRunsPerDay: 5 })),
      await failureOf(superadmin.limits.update({ maxRunsPerDay: 5 })),
      await failureOf(editor!.run.start({ workflowId: workflow.id, draft: true, input: {} })),
      await failureOf(editor!.workflow.create({ name: "New", description: "" })),
    ]) {
      expect(refused).toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("This tenant is suspended by the platform admin"),
      });
    }
    expect((await viewer!.limits.get()).suspendedAt).toBeInstanceOf(Date);
    expect((await editor!.workflow.list({ limit: 10 })).items.map((w) => w.id)).toContain(
      workflow.id,
    );
    expect((await owner!.session.me()).tenant?.id).toBe(tenant.id);
    // Platform administration is not inside the tenant: it goes on.
    await expect(superadmin.platform.listTenants({ limit: 5 })).resolves.toBeDefined();
  });

  it("refuses to start runs through the run service directly too (the REST API's path)", async () => {
    const { tenant, users, workflow } = await setup(["editor"]);
    await suspend(tenant);
    const { startRun } = await import("./runs");
    const ctx = {
      db: database.db,
      actor: {
        userId: users[0]!.id,
        email: users[0]!.email,
        name: users[0]!.name,
        isSuperadmin: false,
      },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role: "editor" as const },
      meta: testMeta,
    };
    await expect(
      startRun(ctx, runs.runDeps, { workflowId: workflow.id, draft: true, input: {} }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("suspended"),
    });
  });
});
