import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { auditLogs, tenants, type Role } from "@/db/schema";
import { appRouter } from "@/server/api/root";
import { insertAuditLog, type AuditInsert } from "@/server/repositories/audit";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

/** A tenant whose log holds a few known records from two members, at known times. */
async function tenantWithLog() {
  const { db } = database;
  const tenant = await makeTenant(db);
  const admin = await makeUser(db, {
    memberships: [[tenant, "admin"]],
    email: `ann-${tenant.slug}@example.test`,
  });
  const editor = await makeUser(db, {
    memberships: [[tenant, "editor"]],
    email: `editor.${tenant.slug}@example.test`,
  });
  const entry = (
    values: Partial<AuditInsert> & Pick<AuditInsert, "action" | "createdAt">,
  ): AuditInsert => ({
    tenantId: tenant.id,
    actorUserId: admin.id,
    actorLabel: admin.email,
    ...values,
  });
  for (const values of [
    entry({
      action: "workflow.create",
      targetType: "workflow",
      targetId: "wf-1",
      createdAt: new Date("2026-03-01T10:00:00Z"),
      metadata: { name: "Onboarding" },
    }),
    entry({
      action: "workflow.rename",
      targetType: "workflow",
      targetId: "wf-1",
      createdAt: new Date("2026-03-02T10:00:00Z"),
    }),
    entry({
      action: "run.start",
      targetType: "run",
      targetId: "run-9",
      createdAt: new Date("2026-03-03T10:00:00Z"),
      actorUserId: editor.id,
      actorLabel: editor.email,
    }),
    entry({
      action: "member.role.change",
      targetType: "member",
      targetId: editor.id,
      createdAt: new Date("2026-03-04T10:00:00Z"),
    }),
  ]) {
    await insertAuditLog(db, values);
  }
  return { tenant, admin, editor, caller: await callerFor(db, admin, tenant) };
}

describe("audit log filters", () => {
  it("filters by action, actor (member or part of the e-mail), target and time range", async () => {
    const { caller, editor } = await tenantWithLog();
    const actions = async (filters: Parameters<typeof caller.audit.list>[0]) =>
      (await caller.audit.list(filters)).items.map((i) => i.action);

    expect(await actions({})).toEqual([
      "member.role.change",
      "run.start",
      "workflow.rename",
      "workflow.create",
    ]);
    expect(await actions({ action: "workflow.rename" })).toEqual(["workflow.rename"]);
    expect(await actions({ actorUserId: editor.id })).toEqual(["run.start"]);
    // Part of the e-mail, any case ("editor." cannot occur in the other member's address, whose slug is letters, digits and "-").
    expect(await actions({ actor: "EDITOR." })).toEqual(["run.start"]);
    expect(await actions({ actor: "%" })).toEqual([]);
    expect(await actions({ targetType: "workflow" })).toEqual([
      "workflow.rename",
      "workflow.create",
    ]);
    expect(
      await actions({ targetType: "workflow", targetId: "wf-1", action: "workflow.create" }),
    ).toEqual(["workflow.create"]);
    expect(
      await actions({
        from: new Date("2026-03-02T00:00:00Z"),
        to: new Date("2026-03-04T00:00:00Z"),
      }),
    ).toEqual(["run.start", "workflow.rename"]);
  });

  it("offers the actions, actors and target types present in the tenant's log only", async () => {
    const { caller, admin, editor } = await tenantWithLog();
    await tenantWithLog(); // another tenant's records must not show
    const facets = await caller.audit.facets();
    expect(facets.actions).toEqual([
      "member.role.change",
      "run.start",
      "workflow.create",
      "workflow.rename",
    ]);
    expect(facets.targetTypes).toEqual(["member", "run", "workflow"]);
    expect(facets.actors.map((a) => a.userId).sort()).toEqual([admin.id, editor.id].sort());
  });

  it("pages through records written in the same instant without skipping or repeating any", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const owner = await makeUser(db, { memberships: [[tenant, "owner"]] });
    // One statement: every row gets the same now(), which on PostgreSQL has microseconds a JavaScript Date cannot hold.
    await db.insert(auditLogs).values(
      Array.from({ length: 23 }, (_, i) => ({
        tenantId: tenant.id,
        actorLabel: owner.email,
        action: `bulk.${i}`,
      })),
    );
    const caller = await callerFor(db, owner, tenant);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.audit.list>> = await caller.audit.list({
        limit: 5,
        cursor,
      });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
  });

  it("exports every matching record through the export procedure", async () => {
    const { caller } = await tenantWithLog();
    const rows: string[] = [];
    for await (const row of await caller.audit.export({ targetType: "workflow" }))
      rows.push(row.action);
    expect(rows).toEqual(["workflow.rename", "workflow.create"]);
  });

  it.each([
    ["viewer", false],
    ["editor", false],
    ["admin", true],
    ["owner", true],
  ] as [Role, boolean][])("a %s may read the audit log: %s", async (role, allowed) => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const user = await makeUser(db, { memberships: [[tenant, role]] });
    const caller = await callerFor(db, user, tenant);
    // One call at a time: a refusal must have its handler attached before it arrives.
    for (const call of [
      () => caller.audit.list({}),
      () => caller.audit.facets(),
      () => caller.audit.export({}),
    ]) {
      if (allowed) await expect(call()).resolves.toBeDefined();
      else await expect(call()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});

describe("the audit log is append-only", () => {
  it("has no procedure that changes or deletes a record", () => {
    const all = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    const procedures = Object.keys(all).filter((path) => path.startsWith("audit."));
    expect(procedures.sort()).toEqual(["audit.export", "audit.facets", "audit.list"]);
    for (const path of procedures) expect(all[path]!._def.type).toBe("query");
  });

  it("refuses UPDATE and DELETE through the app's database handle, while deleting the tenant removes its records", async () => {
    const { db } = database;
    const { tenant } = await tenantWithLog();
    const mine = eq(auditLogs.tenantId, tenant.id);

    // Drizzle wraps the database's refusal; the trigger's message is the cause.
    const refusal = (query: Promise<unknown>) =>
      query.then(
        () => "done",
        (e: unknown) => String((e as { cause?: Error }).cause?.message),
      );
    expect(
      await refusal(db.update(auditLogs).set({ action: "nothing.happened" }).where(mine)),
    ).toBe("audit records cannot be changed");
    expect(await refusal(db.delete(auditLogs).where(mine))).toBe("audit records cannot be deleted");
    expect(await db.select({ action: auditLogs.action }).from(auditLogs).where(mine)).toHaveLength(
      4,
    );

    await db.delete(tenants).where(eq(tenants.id, tenant.id));
    expect(await db.select().from(auditLogs).where(mine)).toEqual([]);
  });
});
