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
import { mcpInstallations } from "./mcp";
import { tenants, users } from "./tenancy";

/**
 * What discovery found for a remote server (RFC 9728 + RFC 8414), kept so that refreshing a token
 * does not discover again. Public documents, no secrets.
 */
export type OAuthDiscovery = {
  /** The authorization server's issuer, checked against its metadata. */
  issuer: string;
  /** The RFC 8707 resource indicator sent with every authorization and token request. */
  resource: string;
  /** The authorization server metadata as served (endpoints, supported methods). */
  metadata: Record<string, unknown>;
  scope: string | null;
};

/** sign-in works (`connected`), or a refresh failed and a person must sign in again (`reconnect`). */
export type OAuthConnectionStatus = "connected" | "reconnect";

/**
 * A tenant's OAuth sign-in to one remote installation (MCP authorization, OAuth 2.1): the client
 * it used (a Client ID Metadata Document URL or a dynamically registered client), the tokens
 * (AES-256-GCM under the app key, like every secret: server/secrets.ts), when the access token
 * expires. `version` grows with every token change, so processes refreshing at once notice each
 * other (compare-and-set). Never sent to the browser: the API answers its status only.
 */
export const mcpOAuthConnections = pgTable(
  "mcp_oauth_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    installationId: uuid("installation_id")
      .notNull()
      .references(() => mcpInstallations.id, { onDelete: "cascade" }),
    status: text("status").$type<OAuthConnectionStatus>().notNull(),
    discovery: jsonb("discovery").$type<OAuthDiscovery>().notNull(),
    clientId: text("client_id").notNull(),
    /** metadata-document (the client id is our CIMD URL) or registered (RFC 7591). */
    clientKind: text("client_kind").$type<"metadata-document" | "registered">().notNull(),
    /** A registered client's secret, when the server gave one; encrypted. */
    clientSecretEncrypted: text("client_secret_encrypted"),
    /** `{ access_token, refresh_token?, token_type, scope? }` as JSON, encrypted. */
    tokensEncrypted: text("tokens_encrypted").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** When the current access token was issued, to refresh a short-lived one early enough. */
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull(),
    version: integer("version").notNull().default(1),
    /**
     * While set and in the future, one process is renewing the tokens: the others use the current
     * token while it lasts, or wait for the renewed row, instead of spending the same (rotating)
     * refresh token. Any change to the row ends it.
     */
    refreshLeaseUntil: timestamp("refresh_lease_until", { withTimezone: true }),
    /** Why the connection needs a reconnect (the authorization server's answer, no tokens). */
    lastError: text("last_error"),
    connectedBy: uuid("connected_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("mcp_oauth_connections_installation_key").on(t.installationId)],
);

/**
 * A sign-in in progress: created by Connect, taken (deleted) once by the callback. The browser
 * carries only `state`; we keep its SHA-256, bound to the user, tenant and installation, with the
 * PKCE verifier (encrypted) and what the callback needs to exchange the code. Expires after 10
 * minutes.
 */
export const mcpOAuthFlows = pgTable(
  "mcp_oauth_flows",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    stateHash: text("state_hash").notNull(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    installationId: uuid("installation_id")
      .notNull()
      .references(() => mcpInstallations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    codeVerifierEncrypted: text("code_verifier_encrypted").notNull(),
    discovery: jsonb("discovery").$type<OAuthDiscovery>().notNull(),
    clientId: text("client_id").notNull(),
    clientKind: text("client_kind").$type<"metadata-document" | "registered">().notNull(),
    clientSecretEncrypted: text("client_secret_encrypted"),
    redirectUri: text("redirect_uri").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("mcp_oauth_flows_state_key").on(t.stateHash),
    index("mcp_oauth_flows_expires_idx").on(t.expiresAt),
  ],
);
