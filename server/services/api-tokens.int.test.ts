import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Database } from "@/db/client";
import { apiTokens, auditLogs, memberships } from "@/db/schema";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import type { TenantRow } from "@/server/repositories/tenants";
import type { UserRow } from "@/server/repositories/users";
import { createTestDatabase } from "@/server/testing/database";
import { callerFor, makeTenant, makeUser, testMeta } from "@/server/testing/factories";
import {
  authenticateApiToken,
  hashToken,
  identityFromAuthorization,
  readBearerToken,
  TOKEN_RECHECK_MS,
} from "./api-tokens";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const DAY = 86_400_000;

async function setup() {
  const tenant = await makeTenant(database.db);
  const other = await makeTenant(database.db);
  const admin = await makeUser(database.db, {
    memberships: [
      [tenant, "admin"],
      [other, "owner"],
    ],
  });
  const viewer = await makeUser(database.db, { memberships: [[tenant, "viewer"]] });
  const outsider = await makeUser(database.db, { memberships: [[other, "admin"]] });
  return {
    tenant,
    other,
    admin,
    viewer,
    outsider,
    asAdmin: await callerFor(database.db, admin, tenant),
  };
}

/** A tRPC caller authenticated the way the route handlers do it: from the bearer secret alone. */
async function callerWithToken(secret: string) {
  const identity = await authenticateApiToken(database.db, secret);
  return createCaller(await createContext({ db: database.db, identity, meta: testMeta }));
}

async function createToken(
  caller: Awaited<ReturnType<typeof callerFor>>,
  scopes: string[],
  expiry: { in: "never" } | { in: "days"; days: 7 | 30 | 90 } = { in: "never" },
) {
  return caller.token.create({
    name: `token ${scopes.join(" ")}`,
    scopes: scopes as never,
    expiry,
  });
}

async function setRole(user: UserRow, tenant: TenantRow, role: "viewer" | "admin") {
  await database.db
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.userId, user.id), eq(memberships.tenantId, tenant.id)));
}

describe("API tokens", () => {
  it("shows the secret once, stores only its SHA-256 hash, and never lists or audits it", async () => {
    const { tenant, asAdmin } = await setup();
    const { token, secret } = await createToken(asAdmin, ["runs:read", "runs:write"], {
      in: "days",
      days: 30,
    });
    expect(secret).toMatch(/^mst_[A-Za-z0-9_-]{43}$/);
    expect(token).toMatchObject({
      prefix: secret.slice(0, 10),
      scopes: ["runs:read", "runs:write"],
      status: "active",
    });
    expect(token.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * DAY);
    expect(token).not.toHaveProperty("tokenHash");

    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, token.id));
    expect(row!.tokenHash).toBe(hashToken(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(4));

    const list = await asAdmin.token.list({});
    const listed = JSON.stringify(list);
    expect(list.items.map((t) => t.id)).toContain(token.id);
    expect(listed).not.toContain(secret.slice(4));
    expect(listed).not.toContain(row!.tokenHash);
    expect(listed).not.toContain("tokenHash");

    const audit = await database.db
      .select()
      .from(auditLogs)
      .where(eq(auditLogs.tenantId, tenant.id));
    expect(audit.map((a) => a.action)).toContain("token.create");
    expect(JSON.stringify(audit)).not.toContain(secret.slice(4));
    expect(JSON.stringify(audit)).not.toContain(row!.tokenHash);
  });

  it("acts as its creator in its own tenant, within its scopes, and never changes account or tokens", async () => {
    const { tenant, other, admin, asAdmin } = await setup();
    const { secret } = await createToken(asAdmin, ["workflows:write"]);
    const identity = await authenticateApiToken(database.db, secret);
    expect(identity).toMatchObject({
      userId: admin.id,
      tenantId: tenant.id,
      apiToken: { scopes: ["workflows:write"] },
    });

    const asToken = await callerWithToken(secret);
    const workflow = await asToken.workflow.create({ name: "Made by a token" });
    expect(workflow.tenantId).toBe(tenant.id);
    await expect(asToken.session.me()).resolves.toMatchObject({
      user: { userId: admin.id },
      tenant: { id: tenant.id },
    });

    await expect(asToken.run.list({})).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("runs:read or runs:write"),
    });
    await expect(
      asToken.token.create({ name: "more", scopes: ["admin"], expiry: { in: "never" } }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("no API token may do this"),
    });
    await expect(asToken.session.switchTenant({ tenantId: other.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    // A token never falls back to another of its creator's tenants, as a session would.
    const stranger = await makeTenant(database.db);
    const elsewhere = createCaller(
      await createContext({
        db: database.db,
        identity: { ...identity, tenantId: stranger.id },
        meta: testMeta,
      }),
    );
    await expect(elsewhere.workflow.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("follows its creator's role: a demotion reduces it and removal from the tenant kills it", async () => {
    const { tenant, admin, asAdmin } = await setup();
    const { secret } = await createToken(asAdmin, ["workflows:write"]);
    await setRole(admin, tenant, "viewer");
    const asToken = await callerWithToken(secret);
    await expect(asToken.workflow.create({ name: "Not any more" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(asToken.workflow.list({})).resolves.toBeDefined();

    await database.db
      .delete(memberships)
      .where(and(eq(memberships.userId, admin.id), eq(memberships.tenantId, tenant.id)));
    await expect(authenticateApiToken(database.db, secret)).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringContaining("no longer belongs to its tenant"),
    });
  });

  it("a change made through a token is audited with the token's name, its creator as the actor", async () => {
    const { tenant, admin, asAdmin } = await setup();
    const { secret, token } = await createToken(asAdmin, ["workflows:write"]);
    const flow = await (
      await callerWithToken(secret)
    ).workflow.create({ name: "Made by a script" });
    const [entry] = await database.db
      .select()
      .from(auditLogs)
      .where(
        and(
          eq(auditLogs.tenantId, tenant.id),
          eq(auditLogs.action, "workflow.create"),
          eq(auditLogs.targetId, flow.id),
        ),
      );
    expect(entry).toMatchObject({ actorUserId: admin.id, actorLabel: admin.email });
    expect(entry!.metadata).toMatchObject({ viaApiToken: { id: token.id, name: token.name } });
  });

  it("an admin-scope token of an owner cannot hand out admin or owner, nor change an admin", async () => {
    const { other, admin } = await setup(); // admin is an owner of `other`
    const owner = await makeUser(database.db, { memberships: [[other, "owner"]] });
    const asOwner = await callerFor(database.db, owner, other);
    const { secret } = await createToken(asOwner, ["admin"]);
    const viaToken = await callerWithToken(secret);
    await expect(viaToken.member.invite({ role: "owner", expiresInDays: 7 })).rejects.toMatchObject(
      { code: "FORBIDDEN" },
    );
    await expect(viaToken.member.invite({ role: "admin", expiresInDays: 7 })).rejects.toMatchObject(
      { code: "FORBIDDEN" },
    );
    await expect(
      viaToken.member.changeRole({ userId: admin.id, role: "viewer" }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/API token cannot change an owner/),
    });
    // What a script may do: invite at a lower role.
    await expect(
      viaToken.member.invite({ role: "editor", expiresInDays: 7 }),
    ).resolves.toMatchObject({ invitation: { role: "editor" } });
  });

  it("refuses expired, revoked and unknown tokens, saying which", async () => {
    const { tenant, asAdmin } = await setup();
    const week = await createToken(asAdmin, ["runs:read"], { in: "days", days: 7 });
    await expect(
      authenticateApiToken(database.db, week.secret, new Date(Date.now() + 6 * DAY)),
    ).resolves.toBeDefined();
    await expect(
      authenticateApiToken(database.db, week.secret, new Date(Date.now() + 8 * DAY)),
    ).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringContaining("expired on"),
    });

    const revoked = await createToken(asAdmin, ["runs:read"]);
    await expect(callerWithToken(revoked.secret)).resolves.toBeDefined();
    await expect(asAdmin.token.revoke({ id: revoked.token.id })).resolves.toMatchObject({
      status: "revoked",
    });
    await expect(authenticateApiToken(database.db, revoked.secret)).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
      message: expect.stringContaining("was revoked"),
    });
    const listed = (await asAdmin.token.list({})).items.find((t) => t.id === revoked.token.id);
    expect(listed).toMatchObject({ status: "revoked", revokedAt: expect.any(Date) });
    const audit = await database.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.tenantId, tenant.id), eq(auditLogs.action, "token.revoke")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetId: revoked.token.id });

    await expect(authenticateApiToken(database.db, `mst_${"x".repeat(43)}`)).rejects.toMatchObject({
      message: expect.stringContaining("Unknown API token"),
    });
    await expect(authenticateApiToken(database.db, "ghp_something")).rejects.toMatchObject({
      message: expect.stringContaining("start with mst_"),
    });
  });

  it("lets only the tenant's admins list and revoke its tokens", async () => {
    const { tenant, other, viewer, outsider, asAdmin } = await setup();
    const { token } = await createToken(asAdmin, ["runs:read"]);
    const asViewer = await callerFor(database.db, viewer, tenant);
    await expect(asViewer.token.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asViewer.token.revoke({ id: token.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const asOutsider = await callerFor(database.db, outsider, other);
    await expect(asOutsider.token.revoke({ id: token.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await asOutsider.token.list({})).items.map((t) => t.id)).not.toContain(token.id);
    expect((await asAdmin.token.list({})).items.find((t) => t.id === token.id)?.status).toBe(
      "active",
    );
  });

  it("checks the form: a name, at least one known scope, an expiry date in the future", async () => {
    const { asAdmin } = await setup();
    /** What the form shows per field: zod's flattened errors (the error formatter sends the same). */
    const fieldErrorsOf = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail("should have been refused"),
        (error: { code: string; cause: unknown }) => ({
          code: error.code,
          fields: z.flattenError(error.cause as z.ZodError).fieldErrors,
        }),
      );
    await expect(
      fieldErrorsOf(
        asAdmin.token.create({ name: " ", scopes: ["runs:read"], expiry: { in: "never" } }),
      ),
    ).resolves.toEqual({
      code: "BAD_REQUEST",
      fields: { name: ["Give the token a name"] },
    });
    await expect(
      fieldErrorsOf(asAdmin.token.create({ name: "x", scopes: [], expiry: { in: "never" } })),
    ).resolves.toEqual({
      code: "BAD_REQUEST",
      fields: { scopes: ["Pick at least one scope"] },
    });
    await expect(
      asAdmin.token.create({ name: "x", scopes: ["root" as never], expiry: { in: "never" } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      asAdmin.token.create({
        name: "x",
        scopes: ["runs:read"],
        expiry: { in: "date", date: new Date(Date.now() - DAY) },
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Pick an expiry date in the future.",
      cause: { details: { field: "expiry" } },
    });
    const dated = await asAdmin.token.create({
      name: "dated",
      scopes: ["runs:read"],
      expiry: { in: "date", date: new Date(Date.now() + 3 * DAY) },
    });
    expect(dated.token.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 2 * DAY);
  });

  it("a token in use loses its access at once when it is revoked or its creator is demoted or removed in the app", async () => {
    const { tenant, admin, asAdmin } = await setup();
    const owner = await makeUser(database.db, { memberships: [[tenant, "owner"]] });
    const asOwner = await callerFor(database.db, owner, tenant);
    const bearer = async (scopes: string[]) =>
      `Bearer ${(await createToken(asAdmin, scopes)).secret}`;
    const roleVia = async (authorization: string) =>
      (await identityFromAuthorization(database.db, authorization))?.verified?.tenant.role;

    const revoked = await createToken(asAdmin, ["runs:read"]);
    await expect(roleVia(`Bearer ${revoked.secret}`)).resolves.toBe("admin");
    await asAdmin.token.revoke({ id: revoked.token.id });
    await expect(roleVia(`Bearer ${revoked.secret}`)).rejects.toMatchObject({
      message: expect.stringContaining("was revoked"),
    });

    const kept = await bearer(["workflows:write"]);
    await expect(roleVia(kept)).resolves.toBe("admin");
    await asOwner.member.changeRole({ userId: admin.id, role: "viewer" });
    await expect(roleVia(kept)).resolves.toBe("viewer");
    await asOwner.member.remove({ userId: admin.id });
    await expect(roleVia(kept)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("sees a change made elsewhere (another process, the database itself) within TOKEN_RECHECK_MS", async () => {
    const { tenant, admin, asAdmin } = await setup();
    const authorization = `Bearer ${(await createToken(asAdmin, ["runs:read"])).secret}`;
    const roleNow = async () =>
      (await identityFromAuthorization(database.db, authorization))?.verified?.tenant.role;
    await expect(roleNow()).resolves.toBe("admin");
    await setRole(admin, tenant, "viewer");
    await new Promise((resolve) => setTimeout(resolve, TOKEN_RECHECK_MS + 50));
    await expect(roleNow()).resolves.toBe("viewer");
  });

  it("records its last use at most once a minute", async () => {
    const { asAdmin } = await setup();
    const { token, secret } = await createToken(asAdmin, ["runs:read"]);
    const lastUsed = async () =>
      (await database.db.select().from(apiTokens).where(eq(apiTokens.id, token.id)))[0]!.lastUsedAt;
    const t0 = new Date();
    await authenticateApiToken(database.db, secret, t0);
    expect(await lastUsed()).toEqual(t0);
    await authenticateApiToken(database.db, secret, new Date(t0.getTime() + 30_000));
    expect(await lastUsed()).toEqual(t0);
    const later = new Date(t0.getTime() + 61_000);
    await authenticateApiToken(database.db, secret, later);
    expect(await lastUsed()).toEqual(later);
  });

  it("reads the Authorization header: none means the session, anything but a bearer token is refused", async () => {
    expect(readBearerToken("Bearer mst_abc")).toBe("mst_abc");
    expect(readBearerToken("bearer   mst_abc ")).toBe("mst_abc");
    expect(readBearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    await expect(identityFromAuthorization(database.db, null)).resolves.toBeNull();
    await expect(
      identityFromAuthorization(database.db, "Basic dXNlcjpwYXNz"),
    ).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
