import { doublePrecision, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { datasets } from "./evaluations";
import { tenants, users } from "./tenancy";
import { workflows } from "./workflows";

/**
 * A workflow's publish gate (issue 17): publishing runs the draft against the latest version of
 * this dataset and is refused below `minScore` (an admin may override, audited). One per workflow;
 * deleting the dataset removes the gate.
 */
export const workflowPublishGates = pgTable("workflow_publish_gates", {
  workflowId: uuid("workflow_id")
    .primaryKey()
    .references(() => workflows.id, { onDelete: "cascade" }),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" }),
  datasetId: uuid("dataset_id")
    .notNull()
    .references(() => datasets.id, { onDelete: "cascade" }),
  minScore: doublePrecision("min_score").notNull(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export type WorkflowPublishGateRow = typeof workflowPublishGates.$inferSelect;
