import { sql } from "drizzle-orm";
import type { Db } from "./client";
import { memberships, tenants, users, workflows } from "./schema";

/** The demo sign-ins that `npm start` prints. Only seeded into an empty database. */
export const DEMO_ACCOUNTS = {
  owner: { email: "owner@demo.test", password: "demo-owner-pass", name: "Dana Owner" },
  viewer: { email: "viewer@demo.test", password: "demo-viewer-pass", name: "Vic Viewer" },
  superadmin: { email: "admin@maestro.test", password: "demo-admin-pass", name: "Sam Superadmin" },
} as const;

export interface DemoWorkflow {
  name: string;
  description: string;
  document: unknown;
}

/**
 * Fills an empty database with a demo: the tenant "Demo" (owner and viewer), a second tenant
 * "Acme Research" where the owner is an editor (so the tenant switcher has something to switch),
 * a platform superadmin, and the workflows given (built by the server from the engine's examples).
 * Does nothing when any tenant exists.
 * Returns whether it seeded.
 */
export async function seedDemoData(
  db: Db,
  options: {
    hashPassword: (password: string) => Promise<string>;
    workflows: { demo: DemoWorkflow[]; acme: DemoWorkflow[] };
  },
): Promise<boolean> {
  const { hashPassword } = options;
  return db.transaction(async (tx) => {
    // Serialise concurrent starters on PostgreSQL; PGlite has one connection anyway.
    await tx.execute(sql`select pg_advisory_xact_lock(424242)`);
    if ((await tx.$count(tenants)) > 0) return false;

    const [demo, acme] = await tx
      .insert(tenants)
      .values([
        { slug: "demo", name: "Demo" },
        { slug: "acme-research", name: "Acme Research" },
      ])
      .returning();
    const { owner, viewer, superadmin } = DEMO_ACCOUNTS;
    const [ownerRow, viewerRow] = await tx
      .insert(users)
      .values([
        {
          email: owner.email,
          name: owner.name,
          passwordHash: await hashPassword(owner.password),
          lastTenantId: demo!.id,
        },
        {
          email: viewer.email,
          name: viewer.name,
          passwordHash: await hashPassword(viewer.password),
          lastTenantId: demo!.id,
        },
        {
          email: superadmin.email,
          name: superadmin.name,
          passwordHash: await hashPassword(superadmin.password),
          isSuperadmin: true,
        },
      ])
      .returning();
    await tx.insert(memberships).values([
      { tenantId: demo!.id, userId: ownerRow!.id, role: "owner" },
      { tenantId: demo!.id, userId: viewerRow!.id, role: "viewer" },
      { tenantId: acme!.id, userId: ownerRow!.id, role: "editor" },
    ]);
    await tx.insert(workflows).values([
      ...options.workflows.demo.map((w) => ({
        ...w,
        tenantId: demo!.id,
        createdBy: ownerRow!.id,
      })),
      ...options.workflows.acme.map((w) => ({
        ...w,
        tenantId: acme!.id,
        createdBy: ownerRow!.id,
      })),
    ]);
    return true;
  });
}
