import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { apiTokens, memberships } from "@/db/schema";
import { listAuditLogs } from "@/server/repositories/audit";
import { createTestDatabase } from "@/server/testing/database";
import {
  callerFor,
  expectTrpcError,
  makeTenant,
  makeUser,
  roleOf,
} from "@/server/testing/factories";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

/** A tenant with one member of each role. */
async function team() {
  const { db } = database;
  const tenant = await makeTenant(db);
  const owner = await makeUser(db, { memberships: [[tenant, "owner"]] });
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
  const viewer = await makeUser(db, { memberships: [[tenant, "viewer"]] });
  // Joined a second apart, so "oldest first" does not hang on the clock's resolution.
  for (const [i, user] of [owner, admin, editor, viewer].entries()) {
    await db
      .update(memberships)
      .set({ createdAt: new Date(Date.now() - (4 - i) * 1000) })
      .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.userId, user.id)));
  }
  const as = async (user: typeof owner) => callerFor(db, user, tenant);
  return { tenant, owner, admin, editor, viewer, as };
}

describe("member.list", () => {
  it("shows a viewer every member with role and joined date, oldest first, a page at a time", async () => {
    const { owner, admin, editor, viewer, as } = await team();
    const caller = await as(viewer);
    const first = await caller.member.list({ limit: 3 });
    expect(first.items.map((m) => [m.userId, m.role])).toEqual([
      [owner.id, "owner"],
      [admin.id, "admin"],
      [editor.id, "editor"],
    ]);
    expect(first.items[0]).toMatchObject({ email: owner.email, name: owner.name });
    expect(first.items[0]!.joinedAt).toBeInstanceOf(Date);
    const second = await caller.member.list({ limit: 3, cursor: first.nextCursor });
    expect(second.items.map((m) => m.userId)).toEqual([viewer.id]);
    expect(second.nextCursor).toBeNull();
  });

  it("lists only the caller's own tenant", async () => {
    const { owner } = await team();
    const elsewhere = await team();
    const items = (await (await elsewhere.as(elsewhere.viewer)).member.list({})).items;
    expect(items.map((m) => m.userId)).not.toContain(owner.id);
  });
});

describe("member.changeRole", () => {
  it("an owner changes a role, audited as member.role_change with before and after", async () => {
    const { tenant, owner, editor, as } = await team();
    const changed = await (await as(owner)).member.changeRole({ userId: editor.id, role: "admin" });
    expect(changed).toMatchObject({ userId: editor.id, role: "admin" });
    expect(await roleOf(database.db, tenant, editor.id)).toBe("admin");
    const { items } = await listAuditLogs(database.db, { tenantId: tenant.id, limit: 5 });
    expect(items[0]).toMatchObject({
      action: "member.role_change",
      actorUserId: owner.id,
      targetType: "user",
      targetId: editor.id,
      metadata: { name: editor.email, from: "editor", to: "admin" },
    });
  });

  it("an owner may make someone owner; then the first owner can be demoted by the new one", async () => {
    const { tenant, owner, admin, as } = await team();
    await (await as(owner)).member.changeRole({ userId: admin.id, role: "owner" });
    await (await as(admin)).member.changeRole({ userId: owner.id, role: "viewer" });
    expect([
      await roleOf(database.db, tenant, admin.id),
      await roleOf(database.db, tenant, owner.id),
    ]).toEqual(["owner", "viewer"]);
  });

  it("an admin changes editors and viewers but cannot make an owner or touch one", async () => {
    const { tenant, owner, admin, editor, viewer, as } = await team();
    const caller = await as(admin);
    await expect(
      caller.member.changeRole({ userId: viewer.id, role: "editor" }),
    ).resolves.toMatchObject({ role: "editor" });

    const promote = await expectTrpcError(
      caller.member.changeRole({ userId: editor.id, role: "owner" }),
      "FORBIDDEN",
    );
    expect(promote.message).toBe("Only an owner can make someone an owner.");
    const demote = await expectTrpcError(
      caller.member.changeRole({ userId: owner.id, role: "admin" }),
      "FORBIDDEN",
    );
    expect(demote.message).toContain("Only an owner can change an owner");
    expect([
      await roleOf(database.db, tenant, editor.id),
      await roleOf(database.db, tenant, owner.id),
    ]).toEqual(["editor", "owner"]);
  });

  it("nobody changes their own role, not even an owner", async () => {
    const { tenant, owner, admin, as } = await team();
    const error = await expectTrpcError(
      (await as(admin)).member.changeRole({ userId: admin.id, role: "owner" }),
      "FORBIDDEN",
    );
    expect(error.message).toContain("cannot change your own role");
    await expectTrpcError(
      (await as(owner)).member.changeRole({ userId: owner.id, role: "viewer" }),
      "FORBIDDEN",
    );
    expect([
      await roleOf(database.db, tenant, admin.id),
      await roleOf(database.db, tenant, owner.id),
    ]).toEqual(["admin", "owner"]);
  });

  it("the last owner cannot be demoted, even by a platform admin acting as owner", async () => {
    const { db } = database;
    const { tenant, owner } = await team();
    const superadmin = await makeUser(db, { isSuperadmin: true });
    const caller = await callerFor(db, superadmin, tenant);
    const error = await expectTrpcError(
      caller.member.changeRole({ userId: owner.id, role: "admin" }),
      "CONFLICT",
    );
    expect(error.message).toBe(
      "The last owner cannot be demoted: make another member owner first.",
    );
    expect(await roleOf(database.db, tenant, owner.id)).toBe("owner");
  });

  it("editors and viewers may not change roles", async () => {
    const { tenant, editor, viewer, as } = await team();
    await expectTrpcError(
      (await as(editor)).member.changeRole({ userId: viewer.id, role: "editor" }),
      "FORBIDDEN",
    );
    await expectTrpcError(
      (await as(viewer)).member.changeRole({ userId: editor.id, role: "viewer" }),
      "FORBIDDEN",
    );
    expect(await roleOf(database.db, tenant, viewer.id)).toBe("viewer");
  });

  it("another tenant's member is not found, and an admin of another tenant cannot act here", async () => {
    const here = await team();
    const there = await team();
    // An owner here names a member of another tenant: not one of ours.
    await expectTrpcError(
      (await here.as(here.owner)).member.changeRole({ userId: there.viewer.id, role: "admin" }),
      "NOT_FOUND",
    );
    await expectTrpcError(
      (await here.as(here.owner)).member.remove({ userId: there.viewer.id }),
      "NOT_FOUND",
    );
    // The other tenant's owner asking for our tenant in the session acts in their own tenant instead: our member is not found there.
    const intruder = await callerFor(database.db, there.owner, here.tenant);
    await expectTrpcError(
      intruder.member.changeRole({ userId: here.viewer.id, role: "admin" }),
      "NOT_FOUND",
    );
    await expectTrpcError(intruder.member.remove({ userId: here.viewer.id }), "NOT_FOUND");
    expect(await roleOf(database.db, there.tenant, there.viewer.id)).toBe("viewer");
    expect(await roleOf(database.db, here.tenant, here.viewer.id)).toBe("viewer");
  });
});

describe("member.remove", () => {
  it("an admin removes an editor; the account stays, the membership and its API tokens here go, audited", async () => {
    const { db } = database;
    const { tenant, admin, editor, as } = await team();
    const [token] = await db
      .insert(apiTokens)
      .values({
        tenantId: tenant.id,
        userId: editor.id,
        name: "ci",
        prefix: "mst_x",
        tokenHash: `h-${editor.id}`,
      })
      .returning();
    await expect((await as(admin)).member.remove({ userId: editor.id })).resolves.toEqual({
      userId: editor.id,
    });
    expect(await roleOf(database.db, tenant, editor.id)).toBeUndefined();
    const [revoked] = await db.select().from(apiTokens).where(eq(apiTokens.id, token!.id));
    expect(revoked!.revokedAt).toBeInstanceOf(Date);
    const { items } = await listAuditLogs(db, { tenantId: tenant.id, limit: 5 });
    expect(items[0]).toMatchObject({
      action: "member.remove",
      actorUserId: admin.id,
      targetId: editor.id,
      metadata: { role: "editor", revokedTokens: 1 },
    });
    // The removed member can no longer act in the tenant.
    await expect((await callerFor(db, editor, tenant)).session.me()).resolves.toMatchObject({
      tenant: null,
    });
  });

  it("an admin cannot remove an owner; nobody removes themselves; the last owner stays", async () => {
    const { db } = database;
    const { tenant, owner, admin, as } = await team();
    const byAdmin = await expectTrpcError(
      (await as(admin)).member.remove({ userId: owner.id }),
      "FORBIDDEN",
    );
    expect(byAdmin.message).toContain("Only an owner can remove an owner");
    await expectTrpcError((await as(admin)).member.remove({ userId: admin.id }), "FORBIDDEN");
    const superadmin = await makeUser(db, { isSuperadmin: true });
    const last = await expectTrpcError(
      (await callerFor(db, superadmin, tenant)).member.remove({ userId: owner.id }),
      "CONFLICT",
    );
    expect(last.message).toBe("The last owner cannot be removed: make another member owner first.");
    expect([
      await roleOf(database.db, tenant, owner.id),
      await roleOf(database.db, tenant, admin.id),
    ]).toEqual(["owner", "admin"]);
  });

  it("an owner removes another owner while one remains", async () => {
    const { tenant, owner, admin, as } = await team();
    await (await as(owner)).member.changeRole({ userId: admin.id, role: "owner" });
    await (await as(owner)).member.remove({ userId: admin.id });
    expect(await roleOf(database.db, tenant, admin.id)).toBeUndefined();
  });

  it("an editor may not remove anyone", async () => {
    const { tenant, editor, viewer, as } = await team();
    await expectTrpcError((await as(editor)).member.remove({ userId: viewer.id }), "FORBIDDEN");
    expect(await roleOf(database.db, tenant, viewer.id)).toBe("viewer");
  });
});
