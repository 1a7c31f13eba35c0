import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { createFailureLimiter } from "@/server/auth/failure-limiter";
import { getRedis } from "@/server/redis";
import { listAuditLogsOfActor } from "@/server/repositories/audit";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser, TEST_PASSWORD, testMeta } from "@/server/testing/factories";
import { signInWithPassword, WRONG_CREDENTIALS } from "./auth";

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
  getRedis()?.disconnect();
});

/** In memory by default; on the shared Redis when REDIS_URL is set (as in CI's second pass). */
function newLimiter(maxFailures = 3) {
  return createFailureLimiter({
    maxFailures,
    windowSeconds: 600,
    redis: getRedis(),
    keyPrefix: `test-${Math.random().toString(36).slice(2)}`,
  });
}

/** Limiters per account and per client; the client one allows plenty unless a test says otherwise. */
function newDeps(maxFailures = 3, maxFailuresPerClient = 1000) {
  return {
    db: database.db,
    limiter: newLimiter(maxFailures),
    clientLimiter: newLimiter(maxFailuresPerClient),
  };
}

describe("sign-in with e-mail and password", () => {
  it("accepts the right password, case-insensitively by e-mail, and picks the user's tenant", async () => {
    const tenant = await makeTenant(database.db, "Demo");
    const user = await makeUser(database.db, { memberships: [[tenant, "owner"]] });
    const result = await signInWithPassword(
      newDeps(),
      { email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD },
      testMeta,
    );
    expect(result).toEqual({
      ok: true,
      user: { id: user.id, email: user.email, name: user.name },
      tenantId: tenant.id,
    });
    const [entry] = await listAuditLogsOfActor(database.db, user.email);
    expect(entry).toMatchObject({
      action: "auth.signin.success",
      actorUserId: user.id,
      tenantId: tenant.id,
      ip: "127.0.0.1",
    });
  });

  it("says the same thing for a wrong password and an unknown e-mail, and audits both", async () => {
    const user = await makeUser(database.db);
    const deps = newDeps();
    const wrong = await signInWithPassword(deps, { email: user.email, password: "nope" }, testMeta);
    const unknown = await signInWithPassword(
      deps,
      { email: "nobody@example.test", password: TEST_PASSWORD },
      testMeta,
    );
    expect(wrong).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    expect(unknown).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    expect((await listAuditLogsOfActor(database.db, user.email))[0]).toMatchObject({
      action: "auth.signin.failure",
      actorUserId: user.id,
      metadata: { reason: "wrong-password" },
    });
    expect((await listAuditLogsOfActor(database.db, "nobody@example.test"))[0]).toMatchObject({
      action: "auth.signin.failure",
      actorUserId: null,
      tenantId: null,
      metadata: { reason: "unknown-email" },
    });
  });

  it("refuses malformed input without touching the database", async () => {
    const result = await signInWithPassword(newDeps(), { email: 42 }, testMeta);
    expect(result).toEqual({ ok: false, message: WRONG_CREDENTIALS });
  });

  it("locks an account after repeated failures, even for the right password, and says for how long", async () => {
    const user = await makeUser(database.db);
    const other = await makeUser(database.db);
    const deps = newDeps(3);
    for (let i = 0; i < 3; i++) {
      expect(
        await signInWithPassword(deps, { email: user.email, password: `guess ${i}` }, testMeta),
      ).toMatchObject({
        ok: false,
        message: WRONG_CREDENTIALS,
      });
    }
    const locked = await signInWithPassword(
      deps,
      { email: user.email, password: TEST_PASSWORD },
      testMeta,
    );
    expect(locked).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Too many failed sign-ins.*10 minutes/),
    });
    expect((await listAuditLogsOfActor(database.db, user.email))[0]).toMatchObject({
      metadata: { reason: "locked" },
    });

    // Another account is not affected.
    expect(
      await signInWithPassword(deps, { email: other.email, password: TEST_PASSWORD }, testMeta),
    ).toMatchObject({ ok: true });
  });

  it("refuses a client that tried many accounts, whichever account it tries next, and says why; other clients go on", async () => {
    const accounts = await Promise.all(Array.from({ length: 4 }, () => makeUser(database.db)));
    const deps = newDeps(3, 3);
    const guesser = { ip: "203.0.113.9", userAgent: "guesser" };
    // One wrong guess each for three accounts: no account is locked, but the client is.
    for (const account of accounts.slice(0, 3)) {
      expect(
        await signInWithPassword(deps, { email: account.email, password: "guess" }, guesser),
      ).toEqual({ ok: false, message: WRONG_CREDENTIALS });
    }
    const fourth = accounts[3]!;
    const refused = await signInWithPassword(
      deps,
      { email: fourth.email, password: TEST_PASSWORD },
      guesser,
    );
    expect(refused).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Too many failed sign-ins from your network.*10 minutes/),
    });
    expect((await listAuditLogsOfActor(database.db, fourth.email))[0]).toMatchObject({
      action: "auth.signin.failure",
      ip: "203.0.113.9",
      metadata: { reason: "client-throttled" },
    });
    // The accounts themselves are not locked for anyone else.
    expect(
      await signInWithPassword(deps, { email: fourth.email, password: TEST_PASSWORD }, testMeta),
    ).toMatchObject({ ok: true });
    expect(
      await signInWithPassword(
        deps,
        { email: accounts[0]!.email, password: TEST_PASSWORD },
        testMeta,
      ),
    ).toMatchObject({ ok: true });
  });

  it("a success does not clear the client's count (a guesser cannot reset it with an account of their own)", async () => {
    const own = await makeUser(database.db);
    const victim = await makeUser(database.db);
    const deps = newDeps(10, 2);
    const guesser = { ip: "203.0.113.10", userAgent: "guesser" };
    await signInWithPassword(deps, { email: victim.email, password: "guess 1" }, guesser);
    expect(
      await signInWithPassword(deps, { email: own.email, password: TEST_PASSWORD }, guesser),
    ).toMatchObject({ ok: true });
    await signInWithPassword(deps, { email: victim.email, password: "guess 2" }, guesser);
    expect(
      await signInWithPassword(deps, { email: victim.email, password: TEST_PASSWORD }, guesser),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining("from your network"),
    });
  });

  it("a success clears earlier failures", async () => {
    const user = await makeUser(database.db);
    const deps = newDeps(3);
    for (let round = 0; round < 2; round++) {
      await signInWithPassword(deps, { email: user.email, password: "typo" }, testMeta);
      await signInWithPassword(deps, { email: user.email, password: "typo" }, testMeta);
      expect(
        await signInWithPassword(deps, { email: user.email, password: TEST_PASSWORD }, testMeta),
      ).toMatchObject({ ok: true });
    }
  });

  it("a disabled account cannot sign in", async () => {
    const { users } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    const user = await makeUser(database.db);
    await database.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    const result = await signInWithPassword(
      newDeps(),
      { email: user.email, password: TEST_PASSWORD },
      testMeta,
    );
    expect(result).toEqual({ ok: false, message: WRONG_CREDENTIALS });
  });
});
