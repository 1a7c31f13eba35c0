import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { apiTokens, tenants, users } from "./tenancy";
import { workflows } from "./workflows";

const at = (name: string) => timestamp(name, { withTimezone: true });

/** How a run was started; every entry point names itself (DESIGN.md §8). */
export const RUN_TRIGGERS = [
  "manual",
  "api",
  "webhook",
  "schedule",
  "mcp",
  "retry",
  "experiment",
  "evaluation",
] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** What a webhook trigger does with a request (server/services/webhooks.ts reads it through zod). */
export interface WebhookConfig {
  method: "POST" | "GET" | "PUT";
  /** none; a shared secret in a header; or an HMAC-SHA256 signature of the body (GitHub's X-Hub-Signature-256). */
  auth: "none" | "header" | "hmac-sha256";
  /** The header that carries the secret or the signature. */
  authHeader: string;
  /** latest: the latest published version; draft: the current draft (for testing). */
  version: "latest" | "draft";
  /** wait: answer with the run's output (up to timeoutSeconds); stream: SSE of the run's events; async: 202 at once. */
  response: "wait" | "stream" | "async";
  timeoutSeconds: number;
  /** Input field → where its value comes from: `body`, `body.a.b`, `query.x`, `headers.x-y`. Empty: the whole body is the input. */
  mapping: Record<string, string>;
}

/** A schedule's settings (server/services/schedules.ts). */
export interface ScheduleConfig {
  cron: string;
  timezone: string;
  input: unknown;
  /** After downtime: skip the fires missed, or run once to catch up. */
  misfire: "skip" | "run-once";
}

/**
 * Triggers that start a workflow's runs without a person: webhooks (`/api/hooks/<publicId>`) and
 * schedules. Schedules fire from the row: a process takes a lease on a due row (`leasedUntil`) and
 * moves `nextFireAt` on in the same statement, so one fire starts one run however many processes run.
 */
export const workflowTriggers = pgTable(
  "workflow_triggers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    workflowId: uuid("workflow_id")
      .notNull()
      .references(() => workflows.id, { onDelete: "cascade" }),
    kind: text("kind").$type<"webhook" | "schedule">().notNull(),
    name: text("name").notNull().default(""),
    /** The unguessable id in a webhook's URL; null for schedules. */
    publicId: text("public_id"),
    isEnabled: boolean("is_enabled").notNull().default(true),
    config: jsonb("config").$type<WebhookConfig | ScheduleConfig>().notNull(),
    /** A webhook's secret, AES-256-GCM encrypted (server/secrets.ts); never sent to the browser. */
    secretEncrypted: text("secret_encrypted"),
    /** Schedules: when the next fire is due, and who holds it until when. */
    nextFireAt: at("next_fire_at"),
    leasedUntil: at("leased_until"),
    leasedBy: text("leased_by"),
    lastFiredAt: at("last_fired_at"),
    /** Webhooks: the last request received while listening for a test request (method, query, headers, body). */
    listenUntil: at("listen_until"),
    lastRequest: jsonb("last_request").$type<unknown>(),
    lastRequestAt: at("last_request_at"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    /** The API token it was made with, if any: the trigger stops when that token is revoked or expires. */
    createdByTokenId: uuid("created_by_token_id").references(() => apiTokens.id, {
      onDelete: "cascade",
    }),
    /** Schedules: why the last fire could not start a run (cleared by the next that does). */
    lastError: text("last_error"),
    lastErrorAt: at("last_error_at"),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("workflow_triggers_public_id_key")
      .on(t.publicId)
      .where(sql`${t.publicId} is not null`),
    index("workflow_triggers_workflow_idx").on(t.tenantId, t.workflowId),
    index("workflow_triggers_due_idx")
      .on(t.nextFireAt)
      .where(sql`${t.kind} = 'schedule' and ${t.isEnabled}`),
  ],
);

/**
 * Idempotency keys of run starts (`Idempotency-Key` on the REST API and webhooks): the first start
 * with a key claims the row; a repeat within 24 hours gets the same run back, or is refused when
 * its body differs. The primary key makes two simultaneous claims on any number of processes one.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** SHA-256 of what the request asked for (workflow, version, input). */
    requestHash: text("request_hash").notNull(),
    runId: uuid("run_id").notNull(),
    createdAt: at("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.key] }),
    index("idempotency_keys_created_idx").on(t.createdAt),
  ],
);

/** A workflow offered as a tool on the tenant's MCP endpoint (`/api/mcp`); runs its latest published version. */
export const workflowMcpTools = pgTable(
  "workflow_mcp_tools",
  {
    workflowId: uuid("workflow_id")
      .primaryKey()
      .references(() => workflows.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The tool's name, unique in the tenant (`[a-zA-Z0-9_-]{1,64}`). */
    toolName: text("tool_name").notNull(),
    description: text("description").notNull().default(""),
    createdAt: at("created_at").notNull().defaultNow(),
    updatedAt: at("updated_at").notNull().defaultNow(),
  },
  (t) => [uniqueIndex("workflow_mcp_tools_tenant_name_key").on(t.tenantId, t.toolName)],
);

export type WorkflowTriggerRow = typeof workflowTriggers.$inferSelect;
export type WorkflowMcpToolRow = typeof workflowMcpTools.$inferSelect;
