import { randomBytes, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { AppError } from "@/engine/errors";
import { createCaller } from "@/server/api/root";
import { createContext, type ApiTokenIdentity } from "@/server/api/trpc";
import { findAppError } from "@/server/api/errors";
import { getRedis } from "@/server/redis";
import type { TenantRow } from "@/server/repositories/tenants";
import type { UserRow } from "@/server/repositories/users";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant, makeUser, testMeta } from "@/server/testing/factories";
import { createRequestRateLimiter } from "./rate-limit";

/**
 * Request rate limits through the tRPC caller (the process's limiter: in memory, or on Redis
 * when REDIS_URL is set, as in CI's second pass), and the limiter's window on its own.
 */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  getRedis()?.disconnect();
  await database?.close();
});

async function callerFor(user: UserRow, tenant: TenantRow, apiToken?: ApiTokenIdentity) {
  return createCaller(
    await createContext({
      db: database.db,
      identity: { userId: user.id, tenantId: tenant.id, apiToken },
      meta: testMeta,
    }),
  );
}

async function failureOf(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, appCode: findAppError(error)?.code ?? null, message: error.message };
  }
  throw new Error("expected the call to fail");
}

async function tenantWithLimits(limits: {
  requestsPerMinutePerUser?: number;
  requestsPerMinutePerToken?: number;
}) {
  const tenant = await makeTenant(database.db);
  const owner = await makeUser(database.db, { memberships: [[tenant, "owner"]] });
  await (await callerFor(owner, tenant)).limits.update(limits);
  return tenant;
}

describe("request rate limits", () => {
  it("stop a member after the tenant's limit per minute, with a 429 saying when to retry, and only that member", async () => {
    const tenant = await tenantWithLimits({ requestsPerMinutePerUser: 3 });
    const busy = await callerFor(
      await makeUser(database.db, { memberships: [[tenant, "viewer"]] }),
      tenant,
    );
    const other = await callerFor(
      await makeUser(database.db, { memberships: [[tenant, "viewer"]] }),
      tenant,
    );
    for (let i = 0; i < 3; i++) await busy.session.me();
    const refused = await failureOf(busy.limits.get());
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "RATE_LIMITED" });
    expect(refused.message).toMatch(
      /^Too many requests: You made more than 3 in a minute \(the tenant's limit per member\)\. Try again in \d+ seconds?\.$/,
    );
    await expect(other.session.me()).resolves.toBeDefined();
  });

  it("stop an API token after the tenant's limit per token, apart from its member's own browser session", async () => {
    const tenant = await tenantWithLimits({ requestsPerMinutePerToken: 2 });
    const member = await makeUser(database.db, { memberships: [[tenant, "editor"]] });
    // The scope under either naming (permission names, or the scope table being introduced).
    const token = { id: randomUUID(), name: "ci", scopes: ["workflows:read", "workflow.view"] };
    const viaToken = await callerFor(member, tenant, token);
    await viaToken.workflow.list({ limit: 1 });
    await viaToken.workflow.list({ limit: 1 });
    const refused = await failureOf(viaToken.workflow.list({ limit: 1 }));
    expect(refused).toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "RATE_LIMITED" });
    expect(refused.message).toContain(
      "This API token made more than 2 in a minute (the tenant's limit per API token)",
    );

    const otherToken = await callerFor(member, tenant, {
      ...token,
      id: randomUUID(),
      name: "other",
    });
    await expect(otherToken.workflow.list({ limit: 1 })).resolves.toBeDefined();
    await expect((await callerFor(member, tenant)).limits.get()).resolves.toBeDefined();
  });

  it("use the platform default when the tenant sets none", async () => {
    const tenant = await makeTenant(database.db);
    const viewer = await callerFor(
      await makeUser(database.db, { memberships: [[tenant, "viewer"]] }),
      tenant,
    );
    const { limits } = await viewer.limits.get();
    expect(limits.find((l) => l.key === "requestsPerMinutePerUser")).toMatchObject({
      source: "platform",
      used: 1,
    });
  });
});

describe("the request limiter's window", () => {
  it("lets a key through again once its window has passed", async () => {
    const limiter = createRequestRateLimiter({
      redis: getRedis(),
      windowSeconds: 2,
      keyPrefix: `test-${randomBytes(4).toString("hex")}`,
    });
    await limiter.consume("user", "t:u", 2);
    await limiter.consume("user", "t:u", 2);
    const refusal = await limiter.consume("user", "t:u", 2).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({
      code: "RATE_LIMITED",
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect([1, 2]).toContain((refusal as AppError).details?.retryAfterSeconds);
    expect(await limiter.used("user", "t:u", 2)).toBe(2);
    await limiter.consume("token", "t:u", 2); // another kind of key is counted apart

    // The window is 2 s so a busy machine cannot let it pass between the calls above.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(limiter.consume("user", "t:u", 2)).resolves.toBeUndefined();
    expect(await limiter.used("user", "t:u", 2)).toBe(1);
  });
});
