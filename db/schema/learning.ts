import { sql } from "drizzle-orm";
import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants, users } from "./tenancy";
import { workflows } from "./workflows";

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * How each finished run went, as the learning module sees it: the class of task its workflow
 * does, the pattern and strategy it used, success, latency, tokens, cost, and the user's rating.
 * Not a foreign key to runs: outcomes outlive pruned runs.
 */
export const runOutcomes = pgTable(
  "run_outcomes",
  {
    runId: uuid("run_id").primaryKey(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id").notNull(),
    versionId: uuid("version_id").notNull(),
    taskClass: text("task_class").notNull(),
    pattern: text("pattern").notNull(),
    strategyId: text("strategy_id").notNull(),
    success: boolean("success").notNull(),
    /**
     * The success measure in [0, 1] when it is a score rather than success or failure: an
     * evaluation item's score, or an experiment's evaluator. Null for plain run success.
     */
    score: doublePrecision("score"),
    /** "run" (the executor), or "evaluation" (an evaluation item: counted once, as its score). */
    source: text("source").$type<"run" | "evaluation">().notNull().default("run"),
    latencyMs: integer("latency_ms").notNull(),
    tokens: integer("tokens").notNull(),
    costUsd: doublePrecision("cost_usd").notNull(),
    rating: smallint("rating"),
    experimentId: uuid("experiment_id"),
    arm: text("arm"),
    /**
     * What was predicted for the run from the outcomes recorded before it (engine/learning
     * run-forecast.ts RunForecast, as JSON), kept to check predictions against what happened.
     */
    prediction: jsonb("prediction").$type<unknown>(),
    /**
     * The structure of the version that ran (engine/learning/workflow-shape.ts tokens), so a new
     * workflow's forecast can find the workflows built like it. Null on outcomes stored before it
     * was kept: they count as of unknown structure.
     */
    shape: jsonb("shape").$type<string[]>(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    // The outcome list's pages (newest first, run id on ties) and the tenant's latest outcomes.
    index("run_outcomes_tenant_created_run_idx").on(t.tenantId, t.createdAt.desc(), t.runId.desc()),
    // The run forecaster's reads: a workflow's and a task class's latest outcomes.
    index("run_outcomes_tenant_workflow_created_idx").on(
      t.tenantId,
      t.workflowId,
      t.createdAt.desc(),
    ),
    index("run_outcomes_tenant_class_created_idx").on(t.tenantId, t.taskClass, t.createdAt.desc()),
  ],
);

/** What a tenant's runs and edits taught so far (engine/learning's book and preference counters, as JSON). */
export const learningState = pgTable("learning_state", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  book: jsonb("book").$type<unknown>().notNull(),
  preferences: jsonb("preferences").$type<unknown>().notNull(),
  outcomes: integer("outcomes").notNull().default(0),
  /** What the run forecaster learned (engine/learning/run-forecast.ts ForecastTuning, as JSON). */
  forecastTuning: jsonb("forecast_tuning").$type<unknown>(),
  updatedAt: at("updated_at").notNull().defaultNow(),
});

export const EXPERIMENT_STATUSES = ["running", "stopped", "completed"] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** An A/B experiment between two versions of one workflow: runs started without a version are split between them. */
export const experiments = pgTable(
  "experiments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** engine/learning's Experiment (arms with their counts, split, assignment, stop rule), as JSON. */
    state: jsonb("state").$type<unknown>().notNull(),
    /** Arm id → the workflow version it runs. */
    versions: jsonb("versions").$type<Record<string, string>>().notNull(),
    status: text("status").$type<ExperimentStatus>().notNull().default("running"),
    result: jsonb("result").$type<unknown>(),
    /** What counts as success for the arms: null for run success, or a dataset's evaluator (server/services/experiments.ts SuccessMeasure). */
    successMeasure: jsonb("success_measure").$type<unknown>(),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: at("created_at").notNull().defaultNow(),
    endedAt: at("ended_at"),
  },
  (t) => [
    index("experiments_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
    index("experiments_workflow_idx").on(t.workflowId, t.status),
    // One running experiment per workflow, even when two are started at the same moment.
    uniqueIndex("experiments_one_running_key")
      .on(t.workflowId)
      .where(sql`${t.status} = 'running'`),
  ],
);

/** A workflow the planner proposed for a task, kept to learn from what the user changed in it. */
export const workflowProposals = pgTable("workflow_proposals", {
  workflowId: uuid("workflow_id")
    .primaryKey()
    .references(() => workflows.id, { onDelete: "cascade" }),
  tenantId: uuid("tenant_id")
    .notNull()
    .references(() => tenants.id, { onDelete: "cascade" }),
  task: text("task").notNull(),
  document: jsonb("document").$type<unknown>().notNull(),
  /** Set once the user's first published version was compared with the proposal. */
  learnedAt: at("learned_at"),
  createdAt: at("created_at").notNull().defaultNow(),
});
