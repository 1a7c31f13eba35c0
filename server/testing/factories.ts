import { randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import type { Role } from "@/db/schema";
import { createCaller } from "@/server/api/root";
import { createContext } from "@/server/api/trpc";
import { hashPassword } from "@/server/auth/password";
import { insertMembership, insertTenant, type TenantRow } from "@/server/repositories/tenants";
import { insertUser, type UserRow } from "@/server/repositories/users";

export const TEST_PASSWORD = "correct horse battery staple";
let passwordHash: Promise<string> | undefined;

const unique = () => randomBytes(4).toString("hex");

export function makeTenant(db: Db, name = `Tenant ${unique()}`): Promise<TenantRow> {
  return insertTenant(db, { name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${unique()}` });
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

/** A tRPC caller acting as `user` with `tenant` asked for in the session, as the route handler would build it. */
export async function callerFor(db: Db, user: UserRow | null, tenant?: TenantRow | null) {
  const identity = user ? { userId: user.id, tenantId: tenant?.id ?? null } : null;
  return createCaller(await createContext({ db, identity, meta: testMeta }));
}
