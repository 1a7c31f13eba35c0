import { integer, jsonb, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";

/**
 * A tenant's corrections to the planner's pattern model, learned online from its edits to
 * proposals and its ratings (engine/autonomy/pattern-delta.ts PatternDelta, as JSON): sparse
 * weights added to the committed model's for this tenant only.
 */
export const plannerModelDeltas = pgTable("planner_model_deltas", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  patternDelta: jsonb("pattern_delta").$type<unknown>().notNull(),
  corrections: integer("corrections").notNull().default(0),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
