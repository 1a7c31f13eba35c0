import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { TokenUsage } from "@/engine/schema/run-events";
import { tenants, users } from "./tenancy";
import { workflowVersions } from "./runs";
import { workflows } from "./workflows";

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Evaluations (issue 17): a workflow's datasets of items, versioned (an edit or import makes a new
 * version; a version never changes), the evaluators attached to a dataset, and evaluations that run
 * one dataset version against a workflow version or the draft, keeping each item's result.
 * The evaluator and result shapes are the engine's (engine/evaluation).
 */
export const datasets = pgTable(
  "datasets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** The evaluators (engine EvaluatorListSchema); empty until some are set. */
    evaluators: jsonb("evaluators").$type<unknown[]>().notNull().default([]),
    /** The newest version's number (1 at creation: an empty version). */
    latestVersion: integer("latest_version").notNull().default(1),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("datasets_workflow_name_key").on(t.tenantId, t.workflowId, t.name)],
);

export const DATASET_VERSION_SOURCES = ["created", "manual", "import", "run"] as const;
export type DatasetVersionSource = (typeof DATASET_VERSION_SOURCES)[number];

/** One immutable version of a dataset; its items are the dataset_items rows of this version. */
export const datasetVersions = pgTable(
  "dataset_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    datasetId: uuid("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    /** What made it: the dataset's creation, items added by hand, an import, a run added. */
    source: text("source").$type<DatasetVersionSource>().notNull(),
    itemCount: integer("item_count").notNull().default(0),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("dataset_versions_dataset_version_key").on(t.datasetId, t.version)],
);

/** An item of one dataset version. `itemId` is stable across versions (a copy keeps it). */
export const datasetItems = pgTable(
  "dataset_items",
  {
    versionId: uuid("version_id")
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    itemId: text("item_id").notNull(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** Order within the version. */
    position: integer("position").notNull(),
    input: jsonb("input").$type<Record<string, unknown>>().notNull(),
    /** SQL NULL: the item has no reference answer. */
    reference: jsonb("reference").$type<unknown>(),
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.itemId] }),
    index("dataset_items_version_position_idx").on(t.versionId, t.position),
  ],
);

export const EVALUATION_STATUSES = [
  "queued",
  "running",
  "completed",
  "cancelled",
  "failed",
] as const;
export type EvaluationStatus = (typeof EVALUATION_STATUSES)[number];

/** One dataset version run against a workflow version (or the draft) and scored. */
export const evaluations = pgTable(
  "evaluations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    datasetId: uuid("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    datasetVersionId: uuid("dataset_version_id")
      .notNull()
      .references(() => datasetVersions.id, { onDelete: "cascade" }),
    /** The published version evaluated; null for the draft (each run then snapshots the draft). */
    workflowVersionId: uuid("workflow_version_id").references(() => workflowVersions.id, {
      onDelete: "set null",
    }),
    isDraft: boolean("is_draft").notNull().default(false),
    /** For the draft: the workflow's save counter when it started (a publish gate trusts it only while the draft is unchanged). */
    draftRevision: integer("draft_revision"),
    status: text("status").$type<EvaluationStatus>().notNull().default("queued"),
    /** The evaluators as they were when it started (the dataset's may change later). */
    evaluators: jsonb("evaluators").$type<unknown[]>().notNull(),
    concurrency: integer("concurrency").notNull(),
    totalItems: integer("total_items").notNull(),
    finishedItems: integer("finished_items").notNull().default(0),
    failedRuns: integer("failed_runs").notNull().default(0),
    /** engine summarizeEvaluation's answer, set when it ends. */
    summary: jsonb("summary").$type<unknown>(),
    /** Why it stopped early (a quota refusal, an error). */
    error: text("error"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    startedAt: at("started_at"),
    /** Written every few seconds by the process running it; one silent for long had its process die. */
    heartbeatAt: at("heartbeat_at"),
    finishedAt: at("finished_at"),
  },
  (t) => [
    index("evaluations_workflow_idx").on(t.tenantId, t.workflowId, t.createdAt.desc()),
    index("evaluations_dataset_idx").on(t.tenantId, t.datasetId),
  ],
);

/** One item's result in an evaluation: its run, output and each evaluator's score and reason. */
export const evaluationItems = pgTable(
  "evaluation_items",
  {
    evaluationId: uuid("evaluation_id")
      .notNull()
      .references(() => evaluations.id, { onDelete: "cascade" }),
    itemId: text("item_id").notNull(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The run (null when its start was refused). */
    runId: uuid("run_id"),
    output: jsonb("output").$type<unknown>(),
    /** Why the run did not complete; every evaluator then scores 0. */
    runError: text("run_error"),
    /** engine EvaluatorResult[]: score and reason, or the error of an evaluator that could not score. */
    results: jsonb("results").$type<unknown[]>().notNull(),
    score: real("score"),
    usage: jsonb("usage").$type<TokenUsage>(),
    costUsd: doublePrecision("cost_usd"),
    durationMs: integer("duration_ms"),
    finishedAt: at("finished_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.evaluationId, t.itemId] })],
);

export type DatasetRow = typeof datasets.$inferSelect;
export type DatasetVersionRow = typeof datasetVersions.$inferSelect;
export type DatasetItemRow = typeof datasetItems.$inferSelect;
export type EvaluationRow = typeof evaluations.$inferSelect;
export type EvaluationItemRow = typeof evaluationItems.$inferSelect;
