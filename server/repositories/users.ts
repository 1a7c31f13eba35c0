import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";

export type UserRow = typeof users.$inferSelect;

/** The columns of an account that something acts as (an API token's holder, a trigger's maker). */
export const actingUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  isSuperadmin: users.isSuperadmin,
  disabledAt: users.disabledAt,
};

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function insertUser(
  db: Db,
  values: Pick<typeof users.$inferInsert, "email" | "name" | "passwordHash" | "isSuperadmin">,
): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ ...values, email: values.email.toLowerCase() })
    .returning();
  return row!;
}

export async function setLastTenant(db: Db, userId: string, tenantId: string): Promise<void> {
  await db.update(users).set({ lastTenantId: tenantId }).where(eq(users.id, userId));
}

export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash }).where(eq(users.id, userId));
}
