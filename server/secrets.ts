import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import {
  llmProviderSettings,
  mcpInstallations,
  mcpOAuthConnections,
  workflowTriggers,
} from "@/db/schema";
import { getAppSecretKey, getEnv } from "./env";

/**
 * Secrets at rest (MCP server credentials, LLM keys): AES-256-GCM under the app key.
 * Stored as `v1.<nonce>.<ciphertext>.<tag>` (base64url), where `v1` names the format. Each value
 * gets a fresh 96-bit nonce. After a key rotation (SECURITY.md, "Key rotation") values are read
 * with the current key, then with APP_SECRET_KEY_PREVIOUS; they are always written with the current.
 *
 * @example const stored = encryptSecret(JSON.stringify({ GITHUB_TOKEN: "ghp_…" }));
 */
const VERSION = "v1";

export interface SecretKeys {
  current: Buffer;
  /** The key the current one replaced, until `npm run secrets:rotate` has re-encrypted everything. */
  previous: Buffer | null;
}

/** The process's keys: APP_SECRET_KEY (or the generated one) and APP_SECRET_KEY_PREVIOUS. */
export function getSecretKeys(): SecretKeys {
  const previous = getEnv().appSecretKeyPrevious;
  return { current: getAppSecretKey(), previous: previous ? Buffer.from(previous, "hex") : null };
}

const decryptionKeys = (keys: SecretKeys) =>
  keys.previous ? [keys.current, keys.previous] : [keys.current];

export function encryptSecret(plaintext: string, key: Buffer = getAppSecretKey()): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, nonce, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

export class SecretDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/**
 * Decrypts with the first of `keys` that fits (GCM's tag tells a wrong key from the right one).
 * Throws SecretDecryptError when the value was tampered with or encrypted under none of them.
 */
export function decryptSecret(
  stored: string,
  keys: Buffer | readonly Buffer[] = decryptionKeys(getSecretKeys()),
): string {
  return decryptWithIndex(stored, Buffer.isBuffer(keys) ? [keys] : keys).plaintext;
}

function decryptWithIndex(
  stored: string,
  keys: readonly Buffer[],
): { plaintext: string; keyIndex: number } {
  const [version, nonce, ciphertext, tag] = stored.split(".");
  if (version !== VERSION || nonce === undefined || ciphertext === undefined || tag === undefined) {
    throw new SecretDecryptError(`Unknown secret format (${version ?? "empty"})`);
  }
  for (const [keyIndex, key] of keys.entries()) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
      return { plaintext, keyIndex };
    } catch {
      // not this key: try the next one
    }
  }
  throw new SecretDecryptError(
    "A stored secret could not be decrypted: the app key (APP_SECRET_KEY) changed without APP_SECRET_KEY_PREVIOUS, or the value was altered",
  );
}

// ── key rotation ────────────────────────────────────────────────────────────

interface EncryptedColumn {
  name: string;
  list(db: Db): Promise<{ id: string; value: string | null }[]>;
  write(db: Db, id: string, value: string): Promise<unknown>;
}

/**
 * Every column that holds a value from encryptSecret. A new encrypted column must be added here,
 * or `npm run secrets:rotate` leaves it under the old key.
 */
const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  {
    name: "mcp_installations.secrets_encrypted",
    list: (db) =>
      db
        .select({ id: mcpInstallations.id, value: mcpInstallations.secretsEncrypted })
        .from(mcpInstallations)
        .where(isNotNull(mcpInstallations.secretsEncrypted)),
    write: (db, id, value) =>
      db
        .update(mcpInstallations)
        .set({ secretsEncrypted: value })
        .where(eq(mcpInstallations.id, id)),
  },
  {
    name: "llm_provider_settings.api_key_encrypted",
    list: (db) =>
      db
        .select({ id: llmProviderSettings.id, value: llmProviderSettings.apiKeyEncrypted })
        .from(llmProviderSettings)
        .where(isNotNull(llmProviderSettings.apiKeyEncrypted)),
    write: (db, id, value) =>
      db
        .update(llmProviderSettings)
        .set({ apiKeyEncrypted: value })
        .where(eq(llmProviderSettings.id, id)),
  },
  {
    name: "mcp_oauth_connections.tokens_encrypted",
    list: (db) =>
      db
        .select({ id: mcpOAuthConnections.id, value: mcpOAuthConnections.tokensEncrypted })
        .from(mcpOAuthConnections),
    write: (db, id, value) =>
      db
        .update(mcpOAuthConnections)
        .set({ tokensEncrypted: value })
        .where(eq(mcpOAuthConnections.id, id)),
  },
  {
    name: "mcp_oauth_connections.client_secret_encrypted",
    list: (db) =>
      db
        .select({ id: mcpOAuthConnections.id, value: mcpOAuthConnections.clientSecretEncrypted })
        .from(mcpOAuthConnections)
        .where(isNotNull(mcpOAuthConnections.clientSecretEncrypted)),
    write: (db, id, value) =>
      db
        .update(mcpOAuthConnections)
        .set({ clientSecretEncrypted: value })
        .where(eq(mcpOAuthConnections.id, id)),
  },
  // mcp_oauth_flows (PKCE verifiers) are left out: they live ten minutes, and a flow under the
  // previous key still decrypts while APP_SECRET_KEY_PREVIOUS is set.
  {
    name: "workflow_triggers.secret_encrypted",
    list: (db) =>
      db
        .select({ id: workflowTriggers.id, value: workflowTriggers.secretEncrypted })
        .from(workflowTriggers)
        .where(isNotNull(workflowTriggers.secretEncrypted)),
    write: (db, id, value) =>
      db
        .update(workflowTriggers)
        .set({ secretEncrypted: value })
        .where(eq(workflowTriggers.id, id)),
  },
];

export interface RotationCount {
  column: string;
  /** Values that were under the previous key and are now under the current one. */
  reencrypted: number;
  /** Values already under the current key (left as they are). */
  alreadyCurrent: number;
}

/**
 * Re-encrypts every stored secret under the current key, in one transaction: when any value
 * decrypts under neither key, nothing is changed and the error names the rows.
 */
export async function rotateStoredSecrets(
  db: Db,
  keys: SecretKeys = getSecretKeys(),
): Promise<RotationCount[]> {
  return db.transaction(async (tx) => {
    const counts: RotationCount[] = [];
    const unreadable: string[] = [];
    for (const column of ENCRYPTED_COLUMNS) {
      const count: RotationCount = { column: column.name, reencrypted: 0, alreadyCurrent: 0 };
      for (const row of await column.list(tx)) {
        let found: { plaintext: string; keyIndex: number };
        try {
          found = decryptWithIndex(row.value!, decryptionKeys(keys));
        } catch {
          unreadable.push(`${column.name} of row ${row.id}`);
          continue;
        }
        if (found.keyIndex === 0) {
          count.alreadyCurrent += 1;
          continue;
        }
        await column.write(tx, row.id, encryptSecret(found.plaintext, keys.current));
        count.reencrypted += 1;
      }
      counts.push(count);
    }
    if (unreadable.length > 0) {
      throw new SecretDecryptError(
        `Nothing was changed: ${unreadable.length} stored secret(s) decrypt under neither APP_SECRET_KEY nor APP_SECRET_KEY_PREVIOUS (${unreadable.slice(0, 10).join(", ")}${unreadable.length > 10 ? ", …" : ""}).`,
      );
    }
    return counts;
  });
}
