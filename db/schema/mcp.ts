import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { ServerJson } from "@/engine/schema/catalog";
import { tenants, users } from "./tenancy";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * A registry a tenant syncs its catalog from (an MCP Registry API at `url`): on demand and every
 * few hours. The first sync reads everything; later ones ask for changes since `watermark` (the
 * registry's newest `updatedAt` seen). `leasedBy`/`leasedUntil` make sure only one process syncs a
 * source at a time.
 */
export const mcpRegistrySources = pgTable(
  "mcp_registry_sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    lastFullSyncAt: timestamp("last_full_sync_at", { withTimezone: true }),
    /** The newest registry `updatedAt` seen: the next incremental sync asks for changes since it. */
    watermark: timestamp("watermark", { withTimezone: true }),
    lastSyncAt: timestamp("last_sync_at", { withTimezone: true }),
    /** ok or error, null before the first sync. */
    lastStatus: text("last_status").$type<"ok" | "error">(),
    lastError: text("last_error"),
    /** The last sync's figures: added, updated, removed, skipped, pages, full or incremental. */
    lastResult: jsonb("last_result").$type<RegistrySyncResult>(),
    /** Entries from this source in the catalog, removed ones included. */
    entryCount: integer("entry_count").notNull().default(0),
    leasedBy: text("leased_by"),
    leasedUntil: timestamp("leased_until", { withTimezone: true }),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("mcp_registry_sources_tenant_url_key").on(t.tenantId, t.url)],
);

export type RegistrySyncResult = {
  mode: "full" | "incremental";
  added: number;
  updated: number;
  removed: number;
  deprecated: number;
  skipped: number;
  pages: number;
  durationMs: number;
};

/** active, deprecated or deleted, as the registry says; null for entries not from a registry source. */
export type RegistryEntryStatus = "active" | "deprecated" | "deleted";

/**
 * MCP servers. The catalog holds entries in the MCP Registry's server.json format: built-in ones
 * are shared by every tenant; entries a tenant imports belong to that tenant only (so one tenant
 * can never change what another tenant's installation runs). Installations, their secrets and
 * their check reports belong to one tenant.
 */
export const mcpCatalogEntries = pgTable(
  "mcp_catalog_entries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** Null for shared (built-in) entries; the importing tenant for imported ones. */
    ownerTenantId: uuid("owner_tenant_id").references(() => tenants.id, { onDelete: "cascade" }),
    /** The server.json name, e.g. `io.github.modelcontextprotocol/server-filesystem`. */
    name: text("name").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    version: text("version").notNull(),
    category: text("category").notNull().default("other"),
    /** stdio, streamable-http or sse; null when the entry has neither a package nor a remote. */
    transport: text("transport"),
    /** builtin, registry, file or config: where the entry came from. */
    source: text("source").notNull(),
    serverJson: jsonb("server_json").$type<ServerJson>().notNull(),
    /** The registry source the entry came from, with the registry's status and update time. */
    registrySourceId: uuid("registry_source_id").references(() => mcpRegistrySources.id, {
      onDelete: "set null",
    }),
    registryStatus: text("registry_status").$type<RegistryEntryStatus>(),
    registryUpdatedAt: timestamp("registry_updated_at", { withTimezone: true }),
    /** Installations across all tenants, kept by a trigger on mcp_installations: the popularity sort. */
    installCount: integer("install_count").notNull().default(0),
    /** Name, title, description and tool names in lower-case words: what full-text search reads. */
    searchText: text("search_text").notNull().default(""),
    /** Those words as a tsvector, stored, so matching a row costs no parsing. */
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`to_tsvector('simple'::regconfig, search_text)`,
    ),
    /** Tool names known for the entry (built in, or learnt by checks), for search. */
    toolNames: text("tool_names")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("mcp_catalog_entries_shared_name_key")
      .on(t.name)
      .where(sql`${t.ownerTenantId} is null`),
    uniqueIndex("mcp_catalog_entries_owner_name_key")
      .on(t.ownerTenantId, t.name)
      .where(sql`${t.ownerTenantId} is not null`),
    index("mcp_catalog_entries_category_idx").on(t.category),
    index("mcp_catalog_entries_search_idx").using("gin", t.searchVector),
    index("mcp_catalog_entries_source_idx").on(t.registrySourceId),
    // The catalog's two orders, so a page of 10,000 entries is read in order, not sorted whole.
    index("mcp_catalog_entries_popularity_idx").on(t.installCount.desc(), t.title, t.id),
    index("mcp_catalog_entries_title_idx").on(t.title, t.id),
  ],
);

export const MCP_STATUSES = ["unknown", "up", "degraded", "down"] as const;
export type McpStatus = (typeof MCP_STATUSES)[number];

export const mcpInstallations = pgTable(
  "mcp_installations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    catalogEntryId: uuid("catalog_entry_id")
      .notNull()
      .references(() => mcpCatalogEntries.id, { onDelete: "cascade" }),
    /** How workflows name the server (`tool` nodes, agents' server lists); unique in the tenant. */
    name: text("name").notNull(),
    /** Values of the non-secret inputs, by input key (`arg:allowed_directory`, `env:FOO`). */
    config: jsonb("config").$type<Record<string, string | string[]>>().notNull().default({}),
    /** The secret inputs as JSON, AES-256-GCM encrypted (server/secrets.ts); never sent to the browser. */
    secretsEncrypted: text("secrets_encrypted"),
    /** Which secret inputs have a value, so the UI can say "set" without the value. */
    secretKeys: text("secret_keys")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    enabled: boolean("enabled").notNull().default(true),
    status: text("status").$type<McpStatus>().notNull().default("unknown"),
    latencyMs: integer("latency_ms"),
    lastError: text("last_error"),
    lastCheckedAt: timestamp("last_checked_at", { withTimezone: true }),
    /** The MCP revision the last check or probe spoke with it (2026-07-28, 2025-11-25, …). */
    protocolVersion: text("protocol_version"),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("mcp_installations_tenant_name_key").on(t.tenantId, t.name),
    index("mcp_installations_entry_idx").on(t.catalogEntryId),
    index("mcp_installations_enabled_idx").on(t.enabled),
  ],
);

/** A stored check ("Check server") or periodic health probe of one installation. */
export const mcpChecks = pgTable(
  "mcp_checks",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    installationId: uuid("installation_id")
      .notNull()
      .references(() => mcpInstallations.id, { onDelete: "cascade" }),
    catalogEntryId: uuid("catalog_entry_id")
      .notNull()
      .references(() => mcpCatalogEntries.id, { onDelete: "cascade" }),
    /** check (full, on request) or health (periodic, cheap). */
    kind: text("kind").notNull(),
    status: text("status").$type<McpStatus>().notNull(),
    connectMs: integer("connect_ms"),
    callMs: integer("call_ms"),
    report: jsonb("report").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("mcp_checks_installation_idx").on(t.tenantId, t.installationId, t.createdAt.desc()),
    index("mcp_checks_entry_idx").on(t.tenantId, t.catalogEntryId, t.createdAt.desc()),
  ],
);
