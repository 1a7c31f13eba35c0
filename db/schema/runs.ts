import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants, users } from "./tenancy";
import { workflows } from "./workflows";
import type { RunTrigger } from "./triggers";

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * What a run executes: an immutable snapshot of a workflow document and its compiled plan.
 * Published versions are numbered; a run of the unsaved draft gets an unnumbered draft version.
 */
export const workflowVersions = pgTable(
  "workflow_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    /** 1, 2, 3… for published versions; null for a draft snapshot. */
    version: integer("version"),
    document: jsonb("document").$type<unknown>().notNull(),
    plan: jsonb("plan").$type<unknown>().notNull(),
    note: text("note").notNull().default(""),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("workflow_versions_number_key")
      .on(t.workflowId, t.version)
      .where(sql`${t.version} is not null`),
    index("workflow_versions_workflow_idx").on(t.workflowId, t.createdAt.desc()),
  ],
);

export const RUN_STATUSES = [
  "queued",
  "running",
  "waiting",
  "completed",
  "failed",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const runStatusEnum = pgEnum("run_status", RUN_STATUSES);

export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    versionId: uuid("version_id")
      .notNull()
      .references(() => workflowVersions.id, { onDelete: "cascade" }),
    isDraft: boolean("is_draft").notNull().default(false),
    status: runStatusEnum("status").notNull().default("queued"),
    input: jsonb("input").$type<unknown>().notNull(),
    output: jsonb("output").$type<unknown>(),
    error: jsonb("error").$type<{ code: string; message: string; stepId?: string }>(),
    /** Decisions for human-approval steps, by step id, passed to the runtime when it resumes. */
    approvals: jsonb("approvals")
      .$type<Record<string, { approved: boolean; comment?: string; decidedBy?: string }>>()
      .notNull()
      .default({}),
    pinnedOutputs: jsonb("pinned_outputs")
      .$type<Record<string, { output: unknown; port?: string }>>()
      .notNull()
      .default({}),
    startedBy: uuid("started_by").references(() => users.id, { onDelete: "set null" }),
    /** The run this one retries (from its failed step). */
    retryOf: uuid("retry_of"),
    /** How the run was started (manual, api, webhook, schedule, mcp, retry, …) and by which trigger row, if any. */
    trigger: text("trigger").$type<RunTrigger>().notNull().default("manual"),
    triggerId: uuid("trigger_id"),
    createdAt: at("created_at").notNull().defaultNow(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    durationMs: integer("duration_ms"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    /** Tokens spent on models without a known price: while any, the cost is unknown (not $0). */
    unpricedTokens: integer("unpriced_tokens").notNull().default(0),
    /** Which worker holds the run, and when it last said so; a stale heartbeat means the worker died. */
    workerId: text("worker_id"),
    heartbeatAt: at("heartbeat_at"),
    resumeCount: integer("resume_count").notNull().default(0),
    cancelRequestedAt: at("cancel_requested_at"),
  },
  (t) => [
    index("runs_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
    index("runs_tenant_workflow_idx").on(t.tenantId, t.workflowId, t.createdAt.desc()),
    index("runs_status_heartbeat_idx").on(t.status, t.heartbeatAt),
    index("runs_tenant_status_idx").on(t.tenantId, t.status),
    index("runs_tenant_trigger_idx").on(t.tenantId, t.trigger, t.createdAt.desc()),
  ],
);

export const STEP_STATUSES = ["running", "completed", "failed", "skipped", "waiting"] as const;
export const stepStatusEnum = pgEnum("step_status", STEP_STATUSES);

/** One step of a run (plan steps and dynamic ones such as orchestrator workers). */
export const stepRuns = pgTable(
  "step_runs",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    stepId: text("step_id").notNull(),
    tenantId: uuid("tenant_id").notNull(),
    parentStepId: text("parent_step_id"),
    kind: text("kind"),
    status: stepStatusEnum("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    output: jsonb("output").$type<unknown>(),
    port: text("port"),
    error: jsonb("error").$type<{ code: string; message: string }>(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    durationMs: integer("duration_ms"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    /** Tokens spent on models without a known price: while any, the cost is unknown (not $0). */
    unpricedTokens: integer("unpriced_tokens").notNull().default(0),
    pinned: boolean("pinned").notNull().default(false),
    fallbackStepId: text("fallback_step_id"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepId] })],
);

/** Every run event, append-only, numbered per tenant stream so a page can catch up after a reconnect. */
export const runEvents = pgTable(
  "run_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: uuid("tenant_id").notNull(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    payload: jsonb("payload").$type<unknown>().notNull(),
    at: at("at").notNull().defaultNow(),
  },
  (t) => [
    index("run_events_tenant_id_idx").on(t.tenantId, t.id),
    index("run_events_run_idx").on(t.runId, t.id),
  ],
);

/**
 * What one run used, written once when it ends (and rewritten if it ends again after an approval),
 * for the usage page, quotas and billing export. Kept apart from `runs` so billing figures
 * survive the pruning of old runs.
 */
export const usageRecords = pgTable(
  "usage_records",
  {
    runId: uuid("run_id").primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id"),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    /** The UTC day the run ended, for per-day charts and the daily quota. */
    day: date("day", { mode: "string" }).notNull(),
    status: runStatusEnum("status").notNull(),
    steps: integer("steps").notNull().default(0),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    /** Tokens spent on models without a known price: while any, the cost is unknown (not $0). */
    unpricedTokens: integer("unpriced_tokens").notNull().default(0),
    mcpCalls: integer("mcp_calls").notNull().default(0),
    durationMs: integer("duration_ms"),
    recordedAt: at("recorded_at").notNull().defaultNow(),
  },
  (t) => [index("usage_records_tenant_day_idx").on(t.tenantId, t.day)],
);
