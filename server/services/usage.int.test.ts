import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import type { Role } from "@/db/schema";
import { runInTransaction } from "@/db/statements";
import { upsertUsageRecords, type UsageRecordInsert } from "@/server/repositories/usage";
import type { TenantRow } from "@/server/repositories/tenants";
import type { UserRow } from "@/server/repositories/users";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const record = (
  values: Partial<UsageRecordInsert> & Pick<UsageRecordInsert, "tenantId" | "day">,
): UsageRecordInsert => ({
  runId: randomUUID(),
  status: "completed",
  steps: 3,
  inputTokens: 100,
  outputTokens: 20,
  costUsd: 0.01,
  mcpCalls: 1,
  durationMs: 1200,
  ...values,
});

/** A tenant with an admin and an editor who ran two workflows, and a third workflow deleted since. */
async function tenantWithUsage() {
  const { db } = database;
  const tenant = await makeTenant(db);
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
  const asAdmin = await callerFor(db, admin, tenant);
  const onboarding = await asAdmin.workflow.create({ name: "Onboarding" });
  const digest = await asAdmin.workflow.create({ name: "Digest" });
  const gone = randomUUID();
  const t = tenant.id;
  await runInTransaction(db, [
    upsertUsageRecords(db, [
      record({
        tenantId: t,
        day: "2026-03-01",
        workflowId: onboarding.id,
        userId: admin.id,
        inputTokens: 100,
        outputTokens: 10,
        costUsd: 0.5,
      }),
      record({
        tenantId: t,
        day: "2026-03-01",
        workflowId: onboarding.id,
        userId: admin.id,
        status: "failed",
        inputTokens: 50,
        outputTokens: 5,
        costUsd: 0.25,
      }),
      record({
        tenantId: t,
        day: "2026-03-03",
        workflowId: digest.id,
        userId: editor.id,
        steps: 7,
        inputTokens: 10,
        outputTokens: 1,
        costUsd: 0.125,
        mcpCalls: 4,
      }),
      record({
        tenantId: t,
        day: "2026-03-03",
        workflowId: gone,
        userId: editor.id,
        steps: 1,
        inputTokens: 1,
        outputTokens: 1,
        costUsd: 0,
        unpricedTokens: 2,
        mcpCalls: 0,
      }),
      // Outside the range: the day before.
      record({
        tenantId: t,
        day: "2026-02-28",
        workflowId: digest.id,
        userId: editor.id,
        inputTokens: 9999,
      }),
    ]),
  ]);
  return { tenant, admin, editor, asAdmin, onboarding, digest, gone };
}

const range = { from: "2026-03-01", to: "2026-03-03" };

describe("usage summary", () => {
  it("sums the range's runs, steps, tokens, cost and MCP calls, per day with empty days as zeros", async () => {
    const { asAdmin } = await tenantWithUsage();
    const other = await makeTenant(database.db);
    await runInTransaction(database.db, [
      upsertUsageRecords(database.db, [
        record({ tenantId: other.id, day: "2026-03-02", inputTokens: 5000 }),
      ]),
    ]);

    const usage = await asAdmin.usage.summary(range);
    expect(usage.totals).toEqual({
      runs: 4,
      steps: 14,
      inputTokens: 161,
      outputTokens: 17,
      costUsd: 0.875,
      unpricedTokens: 2,
      mcpCalls: 6,
    });
    expect(usage.byDay.map((d) => [d.day, d.runs, d.completed, d.failed, d.inputTokens])).toEqual([
      ["2026-03-01", 2, 1, 1, 150],
      ["2026-03-02", 0, 0, 0, 0],
      ["2026-03-03", 2, 2, 0, 11],
    ]);
  });

  it("ranks workflows and members by runs, names them, and sums the rest as other", async () => {
    const { asAdmin, admin, editor, onboarding, digest, gone } = await tenantWithUsage();
    const usage = await asAdmin.usage.summary({ ...range, top: 2 });
    expect(usage.byWorkflow.items.map((w) => [w.workflowId, w.name, w.runs])).toEqual([
      [onboarding.id, "Onboarding", 2],
      [digest.id, "Digest", 1],
    ]);
    expect(usage.byWorkflow.other).toMatchObject({ runs: 1, inputTokens: 1, steps: 1 });

    const all = await asAdmin.usage.summary({ ...range, top: 10 });
    expect(all.byWorkflow.other).toBeNull();
    expect(all.byWorkflow.items.find((w) => w.workflowId === gone)).toMatchObject({
      name: null,
      runs: 1,
    });
    expect(all.byMember.items).toEqual([
      expect.objectContaining({ userId: admin.id, email: admin.email, runs: 2, costUsd: 0.75 }),
      expect.objectContaining({ userId: editor.id, email: editor.email, runs: 2, mcpCalls: 4 }),
    ]);

    const one = await asAdmin.usage.summary({ ...range, top: 1 });
    expect(one.byMember.other).toMatchObject({ runs: 2, inputTokens: 11, costUsd: 0.125 });
  });

  it("counts a run once when its record is written again (upsert on the run id)", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const admin = await makeUser(db, { memberships: [[tenant, "owner"]] });
    const first = record({
      tenantId: tenant.id,
      day: "2026-03-02",
      status: "failed",
      inputTokens: 10,
    });
    await runInTransaction(db, [upsertUsageRecords(db, [first])]);
    await runInTransaction(db, [
      upsertUsageRecords(db, [{ ...first, status: "completed", inputTokens: 30 }]),
    ]);
    const usage = await (await callerFor(db, admin, tenant)).usage.summary(range);
    expect(usage.totals).toMatchObject({ runs: 1, inputTokens: 30 });
  });

  it("refuses ranges that are backwards or longer than a year, naming the field", async () => {
    const { asAdmin } = await tenantWithUsage();
    await expect(
      asAdmin.usage.summary({ from: "2026-03-05", to: "2026-03-01" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      asAdmin.usage.summary({ from: "2024-01-01", to: "2026-01-01" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      asAdmin.usage.summary({ from: "March 1", to: "2026-03-01" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it.each([
    ["viewer", false],
    ["editor", false],
    ["admin", true],
    ["owner", true],
  ] as [Role, boolean][])("a %s may see usage: %s", async (role, allowed) => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const user = await makeUser(db, { memberships: [[tenant, role]] });
    const caller = await callerFor(db, user, tenant);
    if (allowed) {
      await expect(caller.usage.summary(range)).resolves.toMatchObject({ totals: { runs: 0 } });
    } else {
      await expect(caller.usage.summary(range)).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.usage.export(range)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});

describe("usage export", () => {
  async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
    const all: T[] = [];
    for await (const row of rows) all.push(row);
    return all;
  }

  it("yields every run of the range once, in day order, across pages, even when recorded in the same instant", async () => {
    const { db } = database;
    const tenant: TenantRow = await makeTenant(db);
    const owner: UserRow = await makeUser(db, { memberships: [[tenant, "owner"]] });
    const days = ["2026-03-03", "2026-03-01", "2026-03-02"];
    // One statement: every row gets the same recorded_at, so only the run id breaks ties.
    const rows = Array.from({ length: 1234 }, (_, i) =>
      record({ tenantId: tenant.id, day: days[i % 3]!, userId: owner.id }),
    );
    await runInTransaction(db, [upsertUsageRecords(db, rows)]);
    await runInTransaction(db, [
      upsertUsageRecords(db, [
        record({ tenantId: tenant.id, day: "2026-03-04", userId: owner.id }),
      ]),
    ]);

    const exported = await collect(await (await callerFor(db, owner, tenant)).usage.export(range));
    expect(exported).toHaveLength(1234);
    expect(new Set(exported.map((r) => r.runId)).size).toBe(1234);
    expect(exported.map((r) => r.day)).toEqual([...exported.map((r) => r.day)].sort());
    expect(exported[0]).toMatchObject({
      day: "2026-03-01",
      userEmail: owner.email,
      tenantId: tenant.id,
    });
  });

  it("names the workflow and member of each run, and never another tenant's", async () => {
    const { asAdmin, admin, gone } = await tenantWithUsage();
    const exported = await collect(await asAdmin.usage.export(range));
    expect(exported).toHaveLength(4);
    expect(exported.slice(0, 2).map((r) => [r.workflowName, r.userEmail])).toEqual([
      ["Onboarding", admin.email],
      ["Onboarding", admin.email],
    ]);
    expect(exported.find((r) => r.workflowId === gone)).toMatchObject({ workflowName: null });
  });
});
