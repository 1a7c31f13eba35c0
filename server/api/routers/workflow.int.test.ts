import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import type { Role } from "@/db/schema";
import { listAuditLogs } from "@/server/repositories/audit";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, expectTrpcError, makeTenant, makeUser } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe("workflow permissions per role", () => {
  const cases: [Role, boolean][] = [
    ["viewer", false],
    ["editor", true],
    ["admin", true],
    ["owner", true],
  ];
  it.each(cases)("a %s may list workflows; may edit: %s", async (role, canEdit) => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const user = await makeUser(db, { memberships: [[tenant, role]] });
    const caller = await callerFor(db, user, tenant);

    await expect(caller.workflow.list({})).resolves.toMatchObject({ items: [] });
    const create = caller.workflow.create({ name: `Flow by ${role}` });
    if (canEdit) {
      await expect(create).resolves.toMatchObject({
        name: `Flow by ${role}`,
        tenantId: tenant.id,
        version: 1,
      });
    } else {
      const error = await expectTrpcError(create, "FORBIDDEN");
      expect(error.message).toContain("editor role");
    }
  });

  it("a viewer cannot rename or delete an editor's workflow", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
    const viewer = await makeUser(db, { memberships: [[tenant, "viewer"]] });
    const workflow = await (
      await callerFor(db, editor, tenant)
    ).workflow.create({ name: "Research" });
    const asViewer = await callerFor(db, viewer, tenant);

    await expectTrpcError(
      asViewer.workflow.rename({ id: workflow.id, name: "Hijacked" }),
      "FORBIDDEN",
    );
    await expectTrpcError(asViewer.workflow.delete({ id: workflow.id }), "FORBIDDEN");
    await expect(asViewer.workflow.get({ id: workflow.id })).resolves.toMatchObject({
      name: "Research",
    });
  });

  it("a signed-out caller is UNAUTHORIZED", async () => {
    const caller = await callerFor(database.db, null);
    await expectTrpcError(caller.workflow.list({}), "UNAUTHORIZED");
  });
});

describe("tenant isolation", () => {
  it("a member of tenant A cannot read or change tenant B's workflow by its id", async () => {
    const { db } = database;
    const [a, b] = [await makeTenant(db, "Alpha"), await makeTenant(db, "Beta")];
    const alice = await makeUser(db, { memberships: [[a, "owner"]] });
    const bob = await makeUser(db, { memberships: [[b, "owner"]] });
    const secret = await (
      await callerFor(db, bob, b)
    ).workflow.create({ name: "Beta secret plan" });

    const asAlice = await callerFor(db, alice, a);
    await expectTrpcError(asAlice.workflow.get({ id: secret.id }), "NOT_FOUND");
    await expectTrpcError(asAlice.workflow.rename({ id: secret.id, name: "Stolen" }), "NOT_FOUND");
    await expectTrpcError(asAlice.workflow.delete({ id: secret.id }), "NOT_FOUND");
    expect((await asAlice.workflow.list({})).items.map((w) => w.id)).not.toContain(secret.id);

    // Asking the session for tenant B does not make Alice act there.
    const aliceAskingForB = await callerFor(db, alice, b);
    await expectTrpcError(aliceAskingForB.workflow.get({ id: secret.id }), "NOT_FOUND");
    const me = await aliceAskingForB.session.me();
    expect(me.tenant?.id).toBe(a.id);

    // Bob's workflow is untouched.
    await expect(
      (await callerFor(db, bob, b)).workflow.get({ id: secret.id }),
    ).resolves.toMatchObject({
      name: "Beta secret plan",
      version: 1,
    });
  });

  it("the same name may exist in two tenants, but not twice in one", async () => {
    const { db } = database;
    const [a, b] = [await makeTenant(db), await makeTenant(db)];
    const owner = await makeUser(db, {
      memberships: [
        [a, "owner"],
        [b, "owner"],
      ],
    });
    await (await callerFor(db, owner, a)).workflow.create({ name: "Daily digest" });
    await expect(
      (await callerFor(db, owner, b)).workflow.create({ name: "Daily digest" }),
    ).resolves.toBeTruthy();
    const error = await expectTrpcError(
      (await callerFor(db, owner, a)).workflow.create({ name: "Daily digest" }),
      "CONFLICT",
    );
    expect(error.message).toContain("already exists");
  });
});

describe("workflow changes are audited and validated", () => {
  it("create, rename and delete each leave one audit record in the tenant", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
    const caller = await callerFor(db, editor, tenant);

    const workflow = await caller.workflow.create({
      name: "Triage",
      description: "Sort incoming issues",
    });
    const renamed = await caller.workflow.rename({ id: workflow.id, name: "Issue triage" });
    expect(renamed.version).toBe(2);
    await caller.workflow.delete({ id: workflow.id });

    const { items } = await listAuditLogs(db, { tenantId: tenant.id, limit: 10 });
    expect(items.map((e) => e.action)).toEqual([
      "workflow.delete",
      "workflow.rename",
      "workflow.create",
    ]);
    for (const entry of items) {
      expect(entry).toMatchObject({
        actorUserId: editor.id,
        targetId: workflow.id,
        ip: "127.0.0.1",
      });
    }
  });

  it("a failed change writes no audit record", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
    const caller = await callerFor(db, editor, tenant);
    await caller.workflow.create({ name: "Only once" });
    await expectTrpcError(caller.workflow.create({ name: "Only once" }), "CONFLICT");
    const { items } = await listAuditLogs(db, { tenantId: tenant.id, limit: 10 });
    expect(items.map((e) => e.action)).toEqual(["workflow.create"]);
  });

  it("bad input is refused with field errors", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
    const caller = await callerFor(db, editor, tenant);
    const error = await expectTrpcError(caller.workflow.create({ name: "   " }), "BAD_REQUEST");
    expect(error.message).toContain("Give the workflow a name");
    await expectTrpcError(caller.workflow.get({ id: "not-a-uuid" }), "BAD_REQUEST");
  });

  it("pages through a long list without repeating or skipping", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
    const caller = await callerFor(db, editor, tenant);
    for (let i = 0; i < 7; i++) await caller.workflow.create({ name: `Flow ${i}` });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof caller.workflow.list>> = await caller.workflow.list({
        limit: 3,
        cursor,
      });
      seen.push(...page.items.map((w) => w.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["Flow 6", "Flow 5", "Flow 4", "Flow 3", "Flow 2", "Flow 1", "Flow 0"]);
    expect((await caller.workflow.list({ search: "flow 3" })).items.map((w) => w.name)).toEqual([
      "Flow 3",
    ]);
  });
});
