import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** Roles inside one tenant, weakest first. The permission table lives in server/auth/permissions.ts. */
export const ROLES = ["viewer", "editor", "admin", "owner"] as const;
export type Role = (typeof ROLES)[number];
export const roleEnum = pgEnum("role", ROLES);

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/**
 * A tenant's own limits; an absent key means the platform default (server/env.ts). Validated by
 * TenantLimitsSchema in server/services/tenant-limits.ts before it is stored.
 */
export interface TenantLimits {
  /** Runs queued or running at once. */
  maxConcurrentRuns?: number;
  /** Runs started per UTC day. */
  maxRunsPerDay?: number;
  /** LLM tokens (in + out) per UTC calendar month. */
  maxTokensPerMonth?: number;
  /** API requests per minute, per signed-in member. */
  requestsPerMinutePerUser?: number;
  /** API requests per minute, per API token. */
  requestsPerMinutePerToken?: number;
}

export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  /** Set while a platform admin has suspended the tenant: its members can read but not change or run anything. */
  suspendedAt: timestamp("suspended_at", { withTimezone: true }),
  limits: jsonb("limits").$type<TenantLimits>().notNull().default({}),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Always stored lower-case; the unique index makes sign-in case-insensitive. */
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** Null for accounts that only sign in through an OAuth provider. */
    passwordHash: text("password_hash"),
    isSuperadmin: boolean("is_superadmin").notNull().default(false),
    lastTenantId: uuid("last_tenant_id").references(() => tenants.id, { onDelete: "set null" }),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

export const memberships = pgTable(
  "memberships",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    index("memberships_user_idx").on(t.userId),
  ],
);

/**
 * One signed-in browser session (its id is the next-auth JWT's `sid`). A session cookie is honoured
 * only while its row is here, not revoked and not past `expiresAt` (an absolute lifetime from
 * sign-in, however often the cookie rolls): sign-out revokes the row, "sign out everywhere" and a
 * password change revoke all of a user's rows (server/services/sessions.ts).
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

/** Programmatic access. Only a hash of the token is stored; `prefix` lets people recognise it. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    scopes: text("scopes")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("api_tokens_tenant_idx").on(t.tenantId)],
);

/**
 * An invitation by link. Only a hash of the link's token is stored. `email`, when set, binds the
 * invitation to that address; otherwise whoever opens the link may accept it, once, before it expires.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    email: text("email"),
    role: roleEnum("role").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("invitations_tenant_idx").on(t.tenantId, t.createdAt.desc())],
);

export const LLM_PROVIDERS = ["openai", "anthropic", "openai-compatible"] as const;
export type LlmProviderKind = (typeof LLM_PROVIDERS)[number];

/**
 * A tenant's own LLM provider settings; its runs use these before the platform's (env) ones.
 * The API key is AES-256-GCM encrypted (server/secrets.ts) and never sent back; `keyHint` is
 * its last four characters, so people can tell keys apart.
 */
export const llmProviderSettings = pgTable(
  "llm_provider_settings",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    provider: text("provider").$type<LlmProviderKind>().notNull(),
    baseUrl: text("base_url"),
    defaultModel: text("default_model"),
    apiKeyEncrypted: text("api_key_encrypted"),
    keyHint: text("key_hint"),
    /** Prices an admin set for this provider's models (US dollars per million tokens), before the built-in table. */
    prices: jsonb("prices")
      .$type<Record<string, { inputPerMillion: number; outputPerMillion: number }>>()
      .notNull()
      .default({}),
    updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("llm_provider_settings_tenant_provider_key").on(t.tenantId, t.provider)],
);
