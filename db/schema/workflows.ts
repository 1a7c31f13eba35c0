import {
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants, users } from "./tenancy";

/** A workflow as the canvas saves it. The document's shape is owned by engine/schema. */
export const workflows = pgTable(
  "workflows",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    document: jsonb("document").$type<unknown>().notNull().default({}),
    /** Set while the workflow is paused (by a person, or by anomaly remediation): runs are refused. */
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    pausedReason: text("paused_reason"),
    /** Bumped on every save; a save that names an older version is refused (lost-update guard). */
    version: integer("version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("workflows_tenant_name_key").on(t.tenantId, t.name),
    index("workflows_tenant_updated_idx").on(t.tenantId, t.updatedAt.desc()),
  ],
);
