import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import type { Database } from "@/db/client";
import { listAuditLogs } from "@/server/repositories/audit";
import { findUserById } from "@/server/repositories/users";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser } from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe("session.me", () => {
  it("tells the shell who I am, where I act, my permissions and my other tenants", async () => {
    const { db } = database;
    const [demo, acme] = [await makeTenant(db, "Demo"), await makeTenant(db, "Acme")];
    const user = await makeUser(db, {
      memberships: [
        [demo, "viewer"],
        [acme, "admin"],
      ],
    });

    const me = await (await callerFor(db, user, demo)).session.me();
    expect(me.user).toMatchObject({ userId: user.id, email: user.email });
    expect(me.tenant).toMatchObject({ id: demo.id, role: "viewer" });
    expect(me.permissions).toContain("workflow.view");
    expect(me.permissions).not.toContain("workflow.edit");
    expect(me.tenants.map((t) => [t.name, t.role])).toEqual([
      ["Acme", "admin"],
      ["Demo", "viewer"],
    ]);
  });

  it("falls back to a tenant the user belongs to when the session names none", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const user = await makeUser(db, { memberships: [[tenant, "editor"]] });
    expect((await (await callerFor(db, user, null)).session.me()).tenant?.id).toBe(tenant.id);
  });

  it("a platform superadmin sees every tenant and acts in one as owner", async () => {
    const { db } = database;
    const tenant = await makeTenant(db);
    const admin = await makeUser(db, { isSuperadmin: true });
    const me = await (await callerFor(db, admin, tenant)).session.me();
    expect(me.tenant).toMatchObject({ id: tenant.id, role: "owner" });
    expect(me.tenants.map((t) => t.id)).toContain(tenant.id);
  });

  it("a user with no tenant is signed in but may not act in any tenant", async () => {
    const { db } = database;
    const loner = await makeUser(db);
    const caller = await callerFor(db, loner, null);
    expect((await caller.session.me()).tenant).toBeNull();
    await expect(caller.workflow.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("session.switchTenant", () => {
  it("switches to a tenant I belong to, remembers it, and audits it", async () => {
    const { db } = database;
    const [a, b] = [await makeTenant(db), await makeTenant(db)];
    const user = await makeUser(db, {
      memberships: [
        [a, "owner"],
        [b, "viewer"],
      ],
    });
    const result = await (await callerFor(db, user, a)).session.switchTenant({ tenantId: b.id });
    expect(result).toMatchObject({ id: b.id, role: "viewer" });
    expect((await findUserById(db, user.id))?.lastTenantId).toBe(b.id);
    const { items } = await listAuditLogs(db, { tenantId: b.id, limit: 5 });
    expect(items[0]).toMatchObject({
      action: "tenant.switch",
      actorUserId: user.id,
      targetId: b.id,
    });
  });

  it("refuses a tenant I do not belong to, and changes nothing", async () => {
    const { db } = database;
    const [mine, theirs] = [await makeTenant(db), await makeTenant(db)];
    const user = await makeUser(db, { memberships: [[mine, "owner"]] });
    const error = await (
      await callerFor(db, user, mine)
    ).session
      .switchTenant({ tenantId: theirs.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: "FORBIDDEN" });
    expect((await findUserById(db, user.id))?.lastTenantId).toBeNull();
    expect((await listAuditLogs(db, { tenantId: theirs.id, limit: 5 })).items).toEqual([]);
  });
});

describe("audit.list", () => {
  it("is for admins and owners only, and shows only my tenant's records", async () => {
    const { db } = database;
    const [a, b] = [await makeTenant(db), await makeTenant(db)];
    const admin = await makeUser(db, { memberships: [[a, "admin"]] });
    const editor = await makeUser(db, { memberships: [[a, "editor"]] });
    const other = await makeUser(db, { memberships: [[b, "owner"]] });
    await (await callerFor(db, editor, a)).workflow.create({ name: "In A" });
    await (await callerFor(db, other, b)).workflow.create({ name: "In B" });

    await expect((await callerFor(db, editor, a)).audit.list({})).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const { items } = await (await callerFor(db, admin, a)).audit.list({});
    expect(items.map((e) => [e.action, e.metadata])).toEqual([
      ["workflow.create", { name: "In A" }],
    ]);
    expect(items[0]?.actorName).toBe(editor.name);
  });
});

describe("session.members", () => {
  it("lists the members of my tenant only", async () => {
    const { db } = database;
    const [a, b] = [await makeTenant(db), await makeTenant(db)];
    const viewer = await makeUser(db, { memberships: [[a, "viewer"]] });
    await makeUser(db, { memberships: [[b, "owner"]] });
    const members = await (await callerFor(db, viewer, a)).session.members();
    expect(members.map((m) => m.userId)).toEqual([viewer.id]);
  });
});
