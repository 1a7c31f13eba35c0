import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { invitations, tenants } from "@/db/schema";
import { createFailureLimiter } from "@/server/auth/failure-limiter";
import { verifyPassword } from "@/server/auth/password";
import { listAuditLogs } from "@/server/repositories/audit";
import { findUserByEmail, findUserById } from "@/server/repositories/users";
import { createTestDatabase } from "@/server/testing/database";
import {
  callerFor,
  expectTrpcError,
  makeTenant,
  makeUser,
  roleOf,
  testMeta,
} from "@/server/testing/factories";
import { signInWithPassword } from "./auth";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

async function setup() {
  const { db } = database;
  const tenant = await makeTenant(db);
  const owner = await makeUser(db, { memberships: [[tenant, "owner"]] });
  const admin = await makeUser(db, { memberships: [[tenant, "admin"]] });
  const editor = await makeUser(db, { memberships: [[tenant, "editor"]] });
  const asAdmin = await callerFor(db, admin, tenant);
  const asOwner = await callerFor(db, owner, tenant);
  return { tenant, owner, admin, editor, asAdmin, asOwner };
}

const publicCaller = () => callerFor(database.db, null);
const newPassword = "a long enough password";

describe("member.invite and member.listInvitations", () => {
  it("an admin creates a link: the token is returned once, only its SHA-256 is stored, and it is listed and audited", async () => {
    const { db } = database;
    const { tenant, admin, asAdmin } = await setup();
    const { invitation, token } = await asAdmin.member.invite({ role: "editor", expiresInDays: 7 });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(invitation).not.toHaveProperty("tokenHash");
    expect(invitation.expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const [stored] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(stored!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(stored)).not.toContain(token);

    const listed = await asAdmin.member.listInvitations({});
    expect(listed.items.map((i) => [i.id, i.role, i.email, i.invitedByName])).toEqual([
      [invitation.id, "editor", null, admin.name],
    ]);
    expect(listed.items[0]).not.toHaveProperty("tokenHash");
    const { items } = await listAuditLogs(db, { tenantId: tenant.id, limit: 5 });
    expect(items[0]).toMatchObject({
      action: "invitation.create",
      targetId: invitation.id,
      metadata: { role: "editor" },
    });
    expect(JSON.stringify(items)).not.toContain(token);
  });

  it("an invitation dies with its inviter's membership, and a suspended tenant takes no new members", async () => {
    const { db } = database;
    const { tenant, admin, asAdmin, asOwner } = await setup();
    const { token } = await asAdmin.member.invite({ role: "editor", expiresInDays: 30 });
    await asOwner.member.remove({ userId: admin.id });
    const [stored] = await db
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, createHash("sha256").update(token).digest("hex")));
    expect(stored!.revokedAt).toBeInstanceOf(Date);
    const joiner = await makeUser(db);
    await expectTrpcError(
      (await callerFor(db, joiner)).member.acceptInvitation({ token }),
      "CONFLICT",
    );

    const { token: second } = await asOwner.member.invite({ role: "viewer", expiresInDays: 7 });
    await db.update(tenants).set({ suspendedAt: new Date() }).where(eq(tenants.id, tenant.id));
    const error = await expectTrpcError(
      (await callerFor(db, joiner)).member.acceptInvitation({ token: second }),
      "FORBIDDEN",
    );
    expect(error.message).toMatch(/suspended/);
    expect(await roleOf(database.db, tenant, joiner.id)).toBeUndefined();
  });

  it("only an owner invites owners; editors cannot invite or see invitations", async () => {
    const { tenant, editor, asAdmin, asOwner } = await setup();
    const error = await expectTrpcError(
      asAdmin.member.invite({ role: "owner", expiresInDays: 1 }),
      "FORBIDDEN",
    );
    expect(error.message).toBe("Only an owner can make someone an owner.");
    await expect(asOwner.member.invite({ role: "owner", expiresInDays: 1 })).resolves.toMatchObject(
      { invitation: { role: "owner" } },
    );
    const asEditor = await callerFor(database.db, editor, tenant);
    await expectTrpcError(
      asEditor.member.invite({ role: "viewer", expiresInDays: 1 }),
      "FORBIDDEN",
    );
    await expectTrpcError(asEditor.member.listInvitations({}), "FORBIDDEN");
  });

  it("refuses an expiry that is not offered and an e-mail that is already a member", async () => {
    const { editor, asAdmin } = await setup();
    await expectTrpcError(
      asAdmin.member.invite({ role: "viewer", expiresInDays: 3 as 1 }),
      "BAD_REQUEST",
    );
    const error = await expectTrpcError(
      asAdmin.member.invite({ role: "viewer", email: editor.email, expiresInDays: 7 }),
      "CONFLICT",
    );
    expect(error.message).toContain("already a member");
  });

  it("another tenant's admin neither sees nor revokes our invitations", async () => {
    const here = await setup();
    const there = await setup();
    const { invitation } = await here.asAdmin.member.invite({ role: "viewer", expiresInDays: 7 });
    expect((await there.asAdmin.member.listInvitations({})).items).toEqual([]);
    await expectTrpcError(
      there.asAdmin.member.revokeInvitation({ id: invitation.id }),
      "NOT_FOUND",
    );
    expect((await here.asAdmin.member.listInvitations({})).items.map((i) => i.id)).toEqual([
      invitation.id,
    ]);
  });
});

describe("the invitation link", () => {
  it("shows a signed-out visitor the tenant and role; an unknown token is not found", async () => {
    const { tenant, asAdmin } = await setup();
    const { token } = await asAdmin.member.invite({
      role: "editor",
      email: "Invitee@Example.test",
      expiresInDays: 1,
    });
    const view = await (await publicCaller()).member.invitation({ token });
    expect(view).toMatchObject({
      tenant: { name: tenant.name },
      role: "editor",
      email: "invitee@example.test",
      status: "pending",
    });
    const error = await expectTrpcError(
      (await publicCaller()).member.invitation({ token: "x".repeat(43) }),
      "NOT_FOUND",
    );
    expect(error.message).toContain("not valid");
  });

  it("a signed-in user accepts once: joins with the role, lands in the tenant, audited there; the link is then used up", async () => {
    const { db } = database;
    const { tenant, asAdmin } = await setup();
    const { invitation, token } = await asAdmin.member.invite({ role: "editor", expiresInDays: 7 });
    const elsewhere = await makeTenant(db);
    const joiner = await makeUser(db, { memberships: [[elsewhere, "owner"]] });

    const result = await (
      await callerFor(db, joiner, elsewhere)
    ).member.acceptInvitation({ token });
    expect(result).toEqual({
      outcome: "joined",
      tenant: { id: tenant.id, name: tenant.name },
      role: "editor",
    });
    expect(await roleOf(database.db, tenant, joiner.id)).toBe("editor");
    expect((await findUserById(db, joiner.id))?.lastTenantId).toBe(tenant.id);
    const { items } = await listAuditLogs(db, { tenantId: tenant.id, limit: 5 });
    expect(items[0]).toMatchObject({
      action: "invitation.accept",
      actorUserId: joiner.id,
      targetId: joiner.id,
      metadata: { role: "editor", invitationId: invitation.id },
    });
    expect((await asAdmin.member.listInvitations({})).items).toEqual([]);

    expect((await (await publicCaller()).member.invitation({ token })).status).toBe("accepted");
    const second = await makeUser(db);
    const error = await expectTrpcError(
      (await callerFor(db, second, null)).member.acceptInvitation({ token }),
      "CONFLICT",
    );
    expect(error.message).toContain("already been used");
    expect(await roleOf(database.db, tenant, second.id)).toBeUndefined();
  });

  it("an invitation bound to an e-mail admits only that account", async () => {
    const { db } = database;
    const { tenant, asAdmin } = await setup();
    const invitee = await makeUser(db);
    const stranger = await makeUser(db);
    const { token } = await asAdmin.member.invite({
      role: "viewer",
      email: invitee.email.toUpperCase(),
      expiresInDays: 7,
    });
    const error = await expectTrpcError(
      (await callerFor(db, stranger, null)).member.acceptInvitation({ token }),
      "FORBIDDEN",
    );
    expect(error.message).toContain(`This invitation is for ${invitee.email}`);
    expect(await roleOf(database.db, tenant, stranger.id)).toBeUndefined();
    await expect(
      (await callerFor(db, invitee, null)).member.acceptInvitation({ token }),
    ).resolves.toMatchObject({ outcome: "joined", role: "viewer" });
  });

  it("someone already in the tenant keeps their role and the link stays unused", async () => {
    const { tenant, editor, asAdmin } = await setup();
    const { token } = await asAdmin.member.invite({ role: "viewer", expiresInDays: 7 });
    const result = await (
      await callerFor(database.db, editor, tenant)
    ).member.acceptInvitation({ token });
    expect(result).toMatchObject({ outcome: "already-member", role: "editor" });
    expect(await roleOf(database.db, tenant, editor.id)).toBe("editor");
    expect((await (await publicCaller()).member.invitation({ token })).status).toBe("pending");
  });

  it("a revoked invitation says so and admits nobody; revoking twice is refused", async () => {
    const { db } = database;
    const { tenant, asAdmin } = await setup();
    const { invitation, token } = await asAdmin.member.invite({ role: "viewer", expiresInDays: 7 });
    await expect(asAdmin.member.revokeInvitation({ id: invitation.id })).resolves.toEqual({
      id: invitation.id,
    });
    expect((await listAuditLogs(db, { tenantId: tenant.id, limit: 1 })).items[0]).toMatchObject({
      action: "invitation.revoke",
      targetId: invitation.id,
    });
    await expectTrpcError(asAdmin.member.revokeInvitation({ id: invitation.id }), "CONFLICT");

    expect((await (await publicCaller()).member.invitation({ token })).status).toBe("revoked");
    const user = await makeUser(db);
    const error = await expectTrpcError(
      (await callerFor(db, user, null)).member.acceptInvitation({ token }),
      "CONFLICT",
    );
    expect(error.message).toBe(
      "This invitation was revoked. Ask an admin of the tenant for a new one.",
    );
    expect(await roleOf(database.db, tenant, user.id)).toBeUndefined();
  });

  it("an expired invitation says so, admits nobody and is no longer listed", async () => {
    const { db } = database;
    const { tenant, asAdmin } = await setup();
    const { invitation, token } = await asAdmin.member.invite({ role: "viewer", expiresInDays: 1 });
    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, invitation.id));

    expect((await (await publicCaller()).member.invitation({ token })).status).toBe("expired");
    const user = await makeUser(db);
    const error = await expectTrpcError(
      (await callerFor(db, user, null)).member.acceptInvitation({ token }),
      "CONFLICT",
    );
    expect(error.message).toBe(
      "This invitation has expired. Ask an admin of the tenant for a new one.",
    );
    const signUp = (await publicCaller()).member.signUpWithInvitation({
      token,
      name: "Late",
      email: "late@example.test",
      password: newPassword,
    });
    await expectTrpcError(signUp, "CONFLICT");
    expect(await findUserByEmail(db, "late@example.test")).toBeUndefined();
    expect(await roleOf(database.db, tenant, user.id)).toBeUndefined();
    expect((await asAdmin.member.listInvitations({})).items).toEqual([]);
  });

  it("accepting needs a signed-in user", async () => {
    const { asAdmin } = await setup();
    const { token } = await asAdmin.member.invite({ role: "viewer", expiresInDays: 7 });
    await expectTrpcError(
      (await publicCaller()).member.acceptInvitation({ token }),
      "UNAUTHORIZED",
    );
  });
});

describe("member.signUpWithInvitation", () => {
  it("creates the account (scrypt-hashed password), joins the tenant, and the next sign-in lands there", async () => {
    const { db } = database;
    const { tenant, asAdmin } = await setup();
    const { token } = await asAdmin.member.invite({ role: "editor", expiresInDays: 7 });
    const result = await (
      await publicCaller()
    ).member.signUpWithInvitation({
      token,
      name: " New Person ",
      email: "New.Person@Example.test",
      password: newPassword,
    });
    expect(result).toMatchObject({
      outcome: "joined",
      tenant: { id: tenant.id },
      role: "editor",
      email: "new.person@example.test",
    });

    const user = await findUserByEmail(db, "new.person@example.test");
    expect(user).toMatchObject({
      name: "New Person",
      isSuperadmin: false,
      lastTenantId: tenant.id,
    });
    expect(user!.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword(newPassword, user!.passwordHash!)).toBe(true);
    expect(await roleOf(database.db, tenant, user!.id)).toBe("editor");
    expect((await listAuditLogs(db, { tenantId: tenant.id, limit: 1 })).items[0]).toMatchObject({
      action: "invitation.accept",
      actorUserId: user!.id,
      metadata: { newAccount: true },
    });

    const limiter = createFailureLimiter({
      maxFailures: 5,
      windowSeconds: 60,
      redis: null,
      keyPrefix: `test-${user!.id}`,
    });
    const signIn = await signInWithPassword(
      { db, limiter, clientLimiter: limiter },
      { email: "new.person@example.test", password: newPassword },
      testMeta,
    );
    expect(signIn).toMatchObject({ ok: true, tenantId: tenant.id });
  });

  it("refuses a short password, an existing account and another e-mail than the bound one, creating nothing", async () => {
    const { db } = database;
    const { editor, asAdmin } = await setup();
    const open = (await asAdmin.member.invite({ role: "viewer", expiresInDays: 7 })).token;
    const bound = (
      await asAdmin.member.invite({ role: "viewer", email: "bound@example.test", expiresInDays: 7 })
    ).token;
    const caller = await publicCaller();

    const short = await expectTrpcError(
      caller.member.signUpWithInvitation({
        token: open,
        name: "A",
        email: "short@example.test",
        password: "elevenchars",
      }),
      "BAD_REQUEST",
    );
    expect(JSON.stringify(short.cause)).toContain("At least 12 characters");
    const exists = await expectTrpcError(
      caller.member.signUpWithInvitation({
        token: open,
        name: "A",
        email: editor.email,
        password: newPassword,
      }),
      "CONFLICT",
    );
    expect(exists.message).toContain("sign in to accept");
    const wrong = await expectTrpcError(
      caller.member.signUpWithInvitation({
        token: bound,
        name: "A",
        email: "other@example.test",
        password: newPassword,
      }),
      "BAD_REQUEST",
    );
    expect(wrong.message).toContain("This invitation is for bound@example.test");

    expect(await findUserByEmail(db, "short@example.test")).toBeUndefined();
    expect(await findUserByEmail(db, "other@example.test")).toBeUndefined();
    expect((await caller.member.invitation({ token: open })).status).toBe("pending");
  });
});
