import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "@/db/client";
import { memberships, type Role } from "@/db/schema";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { hashPassword } from "@/server/auth/password";
import { insertMembership, insertTenant, type TenantRow } from "@/server/repositories/tenants";
import { insertUser, type UserRow } from "@/server/repositories/users";
import type { TenantContext } from "@/server/services/context";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";

export const TEST_PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

const unique = () => randomBytes(4).toString("hex");

export function makeTenant(db: Db, name = `Tenant ${unique()}`): Promise<TenantRow> {
  return insertTenant(db, {
    name,
    slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${unique()}`,
  });
}

/** A user with TEST_PASSWORD, optionally a member of tenants with the given roles. */
export async function makeUser(
  db: Db,
  options: { memberships?: [TenantRow, Role][]; isSuperadmin?: boolean; email?: string } = {},
): Promise<UserRow> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const id = unique();
  const user = await insertUser(db, {
    email: options.email ?? `user-${id}@example.test`,
    name: `User ${id}`,
    passwordHash: await passwordHash,
    isSuperadmin: options.isSuperadmin ?? false,
  });
  for (const [tenant, role] of options.memberships ?? []) {
    await insertMembership(db, { tenantId: tenant.id, userId: user.id, role });
  }
  return user;
}

export const testMeta = { ip: "127.0.0.1", userAgent: "vitest" };

/** A new tenant with one member of `role`, as the context its use cases take (services called directly). */
export async function makeTenantContext(db: Db, role: Role = "editor"): Promise<TenantContext> {
  const tenant = await makeTenant(db);
  const user = await makeUser(db, { memberships: [[tenant, role]] });
  return {
    db,
    actor: { userId: user.id, email: user.email, name: user.name, isSuperadmin: false },
    tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, role },
    meta: testMeta,
  };
}

/** A tRPC caller acting as `user` with `tenant` asked for in the session, as the route handler would build it. */
export async function callerFor(db: Db, user: UserRow | null, tenant?: TenantRow | null) {
  const identity = user ? { userId: user.id, tenantId: tenant?.id ?? null } : null;
  return createCaller(await createContext({ db, identity, meta: testMeta }));
}

/** Awaits a call that must fail with a TRPCError of `code`, and returns the error for more checks. */
/** A new tenant with one member of `role`, and a tRPC caller acting as that member. */
export async function makeMemberCaller(db: Db, role: Role = "editor") {
  const tenant = await makeTenant(db);
  const user = await makeUser(db, { memberships: [[tenant, role]] });
  return { tenant, user, caller: await callerFor(db, user, tenant) };
}

export async function expectTrpcError(
  promise: Promise<unknown>,
  code: TRPCError["code"],
): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

/** A user's role in a tenant as stored, or undefined when they are not a member. */
export async function roleOf(db: Db, tenant: TenantRow, userId: string): Promise<Role | undefined> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenant.id), eq(memberships.userId, userId)));
  return row?.role;
}

/** input → transform → output: greets `input.name` without any LLM or MCP server (output `greeting.message`). */
export const greetingWorkflow = makeWorkflow({
  name: "Greeting",
  nodes: [
    makeNode("input", "in", {
      schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    }),
    makeNode("transform", "greet", { template: { message: "Hello, {{input.name}}!" } }),
    makeNode("output", "out", { name: "greeting" }),
  ],
  edges: chain("in", "greet", "out"),
});
