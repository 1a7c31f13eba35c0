import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Db } from "@/db/client";
import {
  apiTokens,
  auditLogs,
  invitations,
  llmProviderSettings,
  mcpCatalogEntries,
  mcpChecks,
  mcpInstallations,
  memberships,
  runEvents,
  runs,
  stepRuns,
  tenants,
  usageRecords,
  users,
  workflows,
  workflowVersions,
} from "@/db/schema";
import { listAuditLogs } from "@/server/repositories/audit";
import type { TenantRow } from "@/server/repositories/tenants";
import type { UserRow } from "@/server/repositories/users";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, expectTrpcError, makeTenant, makeUser } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const unique = () => randomBytes(3).toString("hex");
const today = () => new Date().toISOString().slice(0, 10);

/** A superadmin who belongs to no tenant: platform administration must not depend on membership. */
async function platformAdmin() {
  const admin = await makeUser(database.db, { isSuperadmin: true });
  return { admin, caller: await callerFor(database.db, admin, null) };
}

async function addUsage(
  db: Db,
  tenant: TenantRow,
  usage: { day: string; inputTokens: number; outputTokens: number; costUsd: number },
) {
  await db.insert(usageRecords).values({
    runId: crypto.randomUUID(),
    tenantId: tenant.id,
    status: "completed",
    steps: 1,
    ...usage,
  });
}

/** One row of the tenant in every table that holds tenant data (so the delete test proves the cascade everywhere). */
async function fillTenant(db: Db, tenant: TenantRow, user: UserRow) {
  const [workflow] = await db
    .insert(workflows)
    .values({ tenantId: tenant.id, name: `Flow ${unique()}`, createdBy: user.id })
    .returning();
  const [version] = await db
    .insert(workflowVersions)
    .values({
      tenantId: tenant.id,
      workflowId: workflow!.id,
      version: 1,
      document: {},
      plan: {},
      createdBy: user.id,
    })
    .returning();
  const [run] = await db
    .insert(runs)
    .values({
      tenantId: tenant.id,
      workflowId: workflow!.id,
      versionId: version!.id,
      status: "completed",
      input: {},
      startedBy: user.id,
    })
    .returning();
  await db
    .insert(stepRuns)
    .values({ runId: run!.id, stepId: "in", tenantId: tenant.id, status: "completed" });
  await db
    .insert(runEvents)
    .values({ tenantId: tenant.id, runId: run!.id, type: "run.completed", payload: {} });
  await db.insert(usageRecords).values({
    runId: run!.id,
    tenantId: tenant.id,
    day: today(),
    status: "completed",
    inputTokens: 5,
  });
  const [entry] = await db
    .insert(mcpCatalogEntries)
    .values({
      ownerTenantId: tenant.id,
      name: `io.example/server-${unique()}`,
      title: "Imported",
      description: "",
      version: "1.0.0",
      source: "file",
      serverJson: { name: "io.example/server", description: "", version: "1.0.0" } as never,
    })
    .returning();
  const [installation] = await db
    .insert(mcpInstallations)
    .values({
      tenantId: tenant.id,
      catalogEntryId: entry!.id,
      name: `srv-${unique()}`,
      createdBy: user.id,
    })
    .returning();
  await db.insert(mcpChecks).values({
    tenantId: tenant.id,
    installationId: installation!.id,
    catalogEntryId: entry!.id,
    kind: "check",
    status: "up",
  });
  await db.insert(apiTokens).values({
    tenantId: tenant.id,
    userId: user.id,
    name: "ci",
    prefix: "mst_x",
    tokenHash: unique() + unique(),
  });
  await db.insert(invitations).values({
    tenantId: tenant.id,
    role: "viewer",
    tokenHash: unique() + unique(),
    invitedBy: user.id,
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  await db
    .insert(llmProviderSettings)
    .values({ tenantId: tenant.id, provider: "openai", updatedBy: user.id });
  await db.insert(auditLogs).values({
    tenantId: tenant.id,
    actorUserId: user.id,
    actorLabel: user.email,
    action: "workflow.create",
  });
  await db.update(users).set({ lastTenantId: tenant.id }).where(eq(users.id, user.id));
}

/** Every column of the public schema that points at a tenant (tenant_id, owner_tenant_id, last_tenant_id…), found in the catalog. */
async function tenantColumns(db: Db): Promise<{ table: string; column: string }[]> {
  const result = await db.execute(sql`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = 'public' and column_name like '%tenant_id' order by table_name, column_name`);
  return (result as unknown as { rows: { table: string; column: string }[] }).rows;
}

async function rowsOfTenant(db: Db, tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { table, column } of await tenantColumns(db)) {
    const result = await db.execute(
      sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} = ${tenantId}`,
    );
    counts[`${table}.${column}`] = (result as unknown as { rows: { n: number }[] }).rows[0]!.n;
  }
  counts["tenants.id"] = await db.$count(tenants, eq(tenants.id, tenantId));
  return counts;
}

describe("platform.* is for superadmins only", () => {
  it("refuses a tenant owner and a signed-out caller", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const owner = await makeUser(db, { memberships: [[tenant, "owner"]] });
    const asOwner = await callerFor(db, owner, tenant);
    await expectTrpcError(asOwner.platform.listTenants({}), "FORBIDDEN");
    await expectTrpcError(
      asOwner.platform.renameTenant({ id: tenant.id, name: "Mine now" }),
      "FORBIDDEN",
    );
    await expectTrpcError(
      asOwner.platform.deleteTenant({ id: tenant.id, confirmName: tenant.name }),
      "FORBIDDEN",
    );
    await expectTrpcError((await callerFor(db, null)).platform.listTenants({}), "UNAUTHORIZED");
    expect(await db.$count(tenants, eq(tenants.id, tenant.id))).toBe(1);
  });
});

describe("platform.listTenants", () => {
  it("shows each tenant's members, suspension and usage this month, a page at a time", async () => {
    const { db } = database;
    const prefix = `List ${unique()}`;
    const [a, b, c] = [
      await makeTenant(db, `${prefix} A`),
      await makeTenant(db, `${prefix} B`),
      await makeTenant(db, `${prefix} C`),
    ];
    // Newest first: a second apart, so the order does not hang on the clock's resolution.
    for (const [i, t] of [a, b, c].entries()) {
      await db
        .update(tenants)
        .set({ createdAt: new Date(Date.now() - (3 - i) * 1000) })
        .where(eq(tenants.id, t.id));
    }
    await makeUser(db, { memberships: [[a, "owner"]] });
    await makeUser(db, { memberships: [[a, "viewer"]] });
    await addUsage(db, a, { day: today(), inputTokens: 100, outputTokens: 20, costUsd: 0.5 });
    await addUsage(db, a, { day: today(), inputTokens: 1, outputTokens: 2, costUsd: 0.25 });
    // Last month's run does not count towards this month.
    await addUsage(db, a, { day: "2000-01-15", inputTokens: 9999, outputTokens: 0, costUsd: 9 });
    const { caller } = await platformAdmin();
    await caller.platform.setSuspended({ id: b.id, suspended: true });

    const first = await caller.platform.listTenants({ search: prefix, limit: 2 });
    expect(first.items.map((t) => t.name)).toEqual([c.name, b.name]);
    expect(first.nextCursor).not.toBeNull();
    const second = await caller.platform.listTenants({
      search: prefix,
      limit: 2,
      cursor: first.nextCursor,
    });
    expect(second.items.map((t) => t.name)).toEqual([a.name]);
    expect(second.nextCursor).toBeNull();

    expect(second.items[0]).toMatchObject({
      memberCount: 2,
      suspendedAt: null,
      usage: { runs: 2, tokens: 123, costUsd: 0.75 },
    });
    expect(first.items[1]).toMatchObject({
      memberCount: 0,
      usage: { runs: 0, tokens: 0, costUsd: 0 },
    });
    expect(first.items[1]!.suspendedAt).toBeInstanceOf(Date);
  });
});

describe("platform.createTenant", () => {
  it("makes the named existing user the owner, and audits it in the new tenant", async () => {
    const { db } = database;
    const { admin, caller } = await platformAdmin();
    const owner = await makeUser(db);
    const slug = `acme-${unique()}`;
    const tenant = await caller.platform.createTenant({
      name: "Acme",
      slug,
      ownerEmail: owner.email.toUpperCase(),
    });
    expect(tenant).toMatchObject({ name: "Acme", slug });
    const members = await db.select().from(memberships).where(eq(memberships.tenantId, tenant.id));
    expect(members.map((m) => [m.userId, m.role])).toEqual([[owner.id, "owner"]]);
    const { items } = await listAuditLogs(db, { tenantId: tenant.id, limit: 5 });
    expect(items[0]).toMatchObject({
      action: "tenant.create",
      actorUserId: admin.id,
      targetId: tenant.id,
      metadata: { owner: owner.email },
    });
  });

  it("makes the platform admin the owner when no owner is named", async () => {
    const { db } = database;
    const { admin, caller } = await platformAdmin();
    const tenant = await caller.platform.createTenant({ name: "Solo", slug: `solo-${unique()}` });
    const [membership] = await db
      .select()
      .from(memberships)
      .where(eq(memberships.tenantId, tenant.id));
    expect(membership).toMatchObject({ userId: admin.id, role: "owner" });
  });

  it("refuses a bad slug, a taken slug and an unknown owner, and creates nothing", async () => {
    const { db } = database;
    const { caller } = await platformAdmin();
    const existing = await makeTenant(db);
    const before = await db.$count(tenants);

    const bad = await expectTrpcError(
      caller.platform.createTenant({ name: "Bad", slug: "Not A Slug" }),
      "BAD_REQUEST",
    );
    expect(bad.message).toContain("Lower-case letters");
    const taken = await expectTrpcError(
      caller.platform.createTenant({ name: "Twin", slug: existing.slug }),
      "CONFLICT",
    );
    expect(taken.message).toContain(`"${existing.slug}" is taken`);
    const unknown = await expectTrpcError(
      caller.platform.createTenant({
        name: "Ghost",
        slug: `ghost-${unique()}`,
        ownerEmail: "nobody@example.test",
      }),
      "BAD_REQUEST",
    );
    expect(unknown.message).toContain("no account for nobody@example.test");
    expect(await db.$count(tenants)).toBe(before);
  });
});

describe("platform.renameTenant and platform.setSuspended", () => {
  it("rename, suspend and resume a tenant the admin does not belong to, each audited in it", async () => {
    const { db } = database;
    const tenant = await makeTenant(db, `Old ${unique()}`);
    const { admin, caller } = await platformAdmin();

    await expect(
      caller.platform.renameTenant({ id: tenant.id, name: "  New name  " }),
    ).resolves.toMatchObject({ name: "New name" });
    const suspended = await caller.platform.setSuspended({ id: tenant.id, suspended: true });
    expect(suspended.suspendedAt).toBeInstanceOf(Date);
    const resumed = await caller.platform.setSuspended({ id: tenant.id, suspended: false });
    expect(resumed.suspendedAt).toBeNull();

    const { items } = await listAuditLogs(db, { tenantId: tenant.id, limit: 10 });
    expect(items.map((e) => e.action)).toEqual([
      "tenant.resume",
      "tenant.suspend",
      "tenant.rename",
    ]);
    expect(items[2]).toMatchObject({
      actorUserId: admin.id,
      metadata: { name: "New name", from: tenant.name },
    });
    await expectTrpcError(
      caller.platform.renameTenant({ id: crypto.randomUUID(), name: "Nobody" }),
      "NOT_FOUND",
    );
  });
});

describe("platform.deleteTenant", () => {
  it("asks for the tenant's name and deletes nothing when it is wrong", async () => {
    const { db } = database;
    const tenant = await makeTenant(db, `Keep ${unique()}`);
    const { caller } = await platformAdmin();
    const error = await expectTrpcError(
      caller.platform.deleteTenant({ id: tenant.id, confirmName: "something else" }),
      "BAD_REQUEST",
    );
    expect(error.message).toContain(`Type the tenant's name, ${tenant.name}`);
    expect(await db.$count(tenants, eq(tenants.id, tenant.id))).toBe(1);
  });

  it("leaves no row of the tenant in any table, keeps another tenant's rows, and records the deletion outside any tenant", async () => {
    const { db } = database;
    const [doomed, other] = [
      await makeTenant(db, `Doomed ${unique()}`),
      await makeTenant(db, `Other ${unique()}`),
    ];
    const doomedUser = await makeUser(db, {
      memberships: [
        [doomed, "owner"],
        [other, "viewer"],
      ],
    });
    const otherUser = await makeUser(db, { memberships: [[other, "owner"]] });
    await fillTenant(db, doomed, doomedUser);
    await fillTenant(db, other, otherUser);

    const before = await rowsOfTenant(db, doomed.id);
    // The seed really put rows of the tenant into every table the test knows of (a new table with a
    // tenant column is still checked below, for being empty after the delete).
    const seeded = Object.entries(before)
      .filter(([, n]) => n > 0)
      .map(([column]) => column);
    expect(seeded).toEqual(
      expect.arrayContaining([
        "api_tokens.tenant_id",
        "audit_logs.tenant_id",
        "invitations.tenant_id",
        "llm_provider_settings.tenant_id",
        "mcp_catalog_entries.owner_tenant_id",
        "mcp_checks.tenant_id",
        "mcp_installations.tenant_id",
        "memberships.tenant_id",
        "run_events.tenant_id",
        "runs.tenant_id",
        "step_runs.tenant_id",
        "tenants.id",
        "usage_records.tenant_id",
        "users.last_tenant_id",
        "workflow_versions.tenant_id",
        "workflows.tenant_id",
      ]),
    );
    const otherBefore = await rowsOfTenant(db, other.id);

    const { admin, caller } = await platformAdmin();
    await expect(
      caller.platform.deleteTenant({ id: doomed.id, confirmName: doomed.name }),
    ).resolves.toEqual({ id: doomed.id, name: doomed.name });

    const after = await rowsOfTenant(db, doomed.id);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect(await rowsOfTenant(db, other.id)).toEqual(otherBefore);
    // The accounts stay: only the tenant's data goes.
    expect(await db.$count(users, eq(users.id, doomedUser.id))).toBe(1);

    const [record] = await db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, "tenant.delete"), eq(auditLogs.targetId, doomed.id)));
    expect(record).toMatchObject({
      tenantId: null,
      actorUserId: admin.id,
      metadata: { name: doomed.name, slug: doomed.slug },
    });
  });
});
