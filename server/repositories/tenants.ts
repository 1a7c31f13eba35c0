import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, tenants, users, type Role } from "@/db/schema";

export type TenantRow = typeof tenants.$inferSelect;
export interface TenantWithRole {
  id: string;
  slug: string;
  name: string;
  role: Role;
}

export async function insertTenant(
  db: Db,
  values: { slug: string; name: string },
): Promise<TenantRow> {
  const [row] = await db.insert(tenants).values(values).returning();
  return row!;
}

export async function findTenantById(db: Db, id: string): Promise<TenantRow | undefined> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

export async function countTenants(db: Db): Promise<number> {
  return db.$count(tenants);
}

export async function listAllTenants(db: Db): Promise<TenantRow[]> {
  return db.select().from(tenants).orderBy(asc(tenants.name));
}

/** The tenants a user belongs to, with the role in each, by name. */
export async function listTenantsOfUser(db: Db, userId: string): Promise<TenantWithRole[]> {
  return db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(tenants.name));
}

export async function findMembership(
  db: Db,
  userId: string,
  tenantId: string,
): Promise<TenantWithRole | undefined> {
  const [row] = await db
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), eq(memberships.tenantId, tenantId)));
  return row;
}

export async function insertMembership(
  db: Db,
  values: { tenantId: string; userId: string; role: Role },
): Promise<void> {
  await db.insert(memberships).values(values);
}

export async function listMembers(db: Db, tenantId: string) {
  return db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      since: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, tenantId))
    .orderBy(asc(users.name));
}
