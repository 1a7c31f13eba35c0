import { sql } from "drizzle-orm";
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants, users } from "./tenancy";

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * What a rollup row counts: runs of one workflow, steps of one node kind, calls to one MCP server,
 * health checks of one MCP server, a tenant's runs, its queue.
 */
export const ROLLUP_SOURCES = [
  "workflow",
  "node_kind",
  "mcp",
  "mcp_health",
  "tenant",
  "queue",
] as const;
export type RollupSource = (typeof ROLLUP_SOURCES)[number];

/**
 * Pre-aggregated metrics per tenant, source, subject (a workflow id, a node kind, a server name)
 * and time bucket: what the anomaly watcher reads instead of every run. Writers add to a bucket
 * (insert … on conflict do update with sums), so several processes can flush into one row.
 * `hist` counts values (durations in ms, or queue waits) in log-spaced bins for percentiles.
 */
export const metricRollups = pgTable(
  "metric_rollups",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    source: text("source").$type<RollupSource>().notNull(),
    subject: text("subject").notNull(),
    bucketStart: at("bucket_start").notNull(),
    count: integer("count").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    /** Sum of the durations (ms) counted. */
    durationMs: doublePrecision("duration_ms").notNull().default(0),
    tokens: doublePrecision("tokens").notNull().default(0),
    costUsd: doublePrecision("cost_usd").notNull().default(0),
    /** The largest sampled gauge in the bucket (queue depth). */
    gaugeMax: doublePrecision("gauge_max").notNull().default(0),
    hist: integer("hist")
      .array()
      .notNull()
      .default(sql`'{}'::integer[]`),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.source, t.subject, t.bucketStart] }),
    index("metric_rollups_tenant_bucket_idx").on(t.tenantId, t.bucketStart),
  ],
);

export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export const ALERT_SEVERITIES = ["warning", "critical"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** A remediation the watcher took for an alert, and whether someone took it back. */
export interface AlertAction {
  id: string;
  rule: "circuitBreaker" | "fallbackServer" | "pauseWorkflow" | "tightenRate";
  description: string;
  at: string;
  undoneAt?: string;
  undoneBy?: string;
  /** What undoing needs (the previous rate limit, the server name, …). */
  details: Record<string, unknown>;
}

export interface AlertEvidence {
  runIds: string[];
  /** The flagged points of the series, `[unixMs, value]`. */
  points: [number, number][];
}

/**
 * An anomaly on one watched series. While it lasts, later detections update the same row (one
 * open alert per tenant and series: the partial unique index); it resolves by hand or when the
 * series is back inside its band.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The watched series: `workflow.failure_rate`, `mcp.latency_p95`, … */
    metric: text("metric").notNull(),
    subject: text("subject").notNull(),
    subjectLabel: text("subject_label").notNull(),
    severity: text("severity").$type<AlertSeverity>().notNull(),
    status: text("status").$type<AlertStatus>().notNull().default("open"),
    title: text("title").notNull(),
    reason: text("reason").notNull(),
    score: doublePrecision("score").notNull(),
    value: doublePrecision("value").notNull(),
    bandLow: doublePrecision("band_low").notNull(),
    bandHigh: doublePrecision("band_high").notNull(),
    /** The first flagged point's time. */
    startedAt: at("started_at").notNull(),
    /** The newest anomalous point's time. */
    lastSeenAt: at("last_seen_at").notNull(),
    /** The newest point judged, so a point is never counted twice. */
    lastEvaluatedAt: at("last_evaluated_at").notNull(),
    /** Anomalous points while it was open. */
    occurrences: integer("occurrences").notNull().default(1),
    /** Consecutive points back inside the band. */
    calmCount: integer("calm_count").notNull().default(0),
    evidence: jsonb("evidence").$type<AlertEvidence>().notNull(),
    actions: jsonb("actions").$type<AlertAction[]>().notNull().default([]),
    acknowledgedAt: at("acknowledged_at"),
    acknowledgedBy: uuid("acknowledged_by").references(() => users.id, { onDelete: "set null" }),
    resolvedAt: at("resolved_at"),
    resolvedBy: uuid("resolved_by").references(() => users.id, { onDelete: "set null" }),
    /** "auto" when the series came back into its band, "manual" when a person resolved it. */
    resolution: text("resolution").$type<"auto" | "manual">(),
    notifiedAt: at("notified_at"),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("alerts_one_open_per_series_key")
      .on(t.tenantId, t.metric, t.subject)
      .where(sql`${t.status} <> 'resolved'`),
    index("alerts_tenant_created_idx").on(t.tenantId, t.createdAt.desc()),
  ],
);

export type RemediationRule = AlertAction["rule"];

export interface AnomalyRules {
  circuitBreaker: boolean;
  fallbackServer: boolean;
  pauseWorkflow: boolean;
  tightenRate: boolean;
}

/** A tenant's anomaly settings: sensitivity, remediation rules, fallback servers, webhook. */
export const anomalySettings = pgTable("anomaly_settings", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  sensitivity: text("sensitivity").$type<"low" | "medium" | "high">().notNull().default("medium"),
  /** Per watched metric (`workflow.failure_rate`, …): a sensitivity other than the tenant's. */
  metricSensitivity: jsonb("metric_sensitivity")
    .$type<Record<string, "low" | "medium" | "high">>()
    .notNull()
    .default({}),
  rules: jsonb("rules").$type<AnomalyRules>().notNull().default({
    circuitBreaker: false,
    fallbackServer: false,
    pauseWorkflow: false,
    tightenRate: false,
  }),
  /** Installation name → the installation that takes its calls while its breaker is open. */
  fallbackServers: jsonb("fallback_servers").$type<Record<string, string>>().notNull().default({}),
  webhookUrl: text("webhook_url"),
  /** Encrypted (server/secrets.ts); signs the webhook's payload. */
  webhookSecret: text("webhook_secret"),
  updatedAt: at("updated_at").notNull().defaultNow(),
});
