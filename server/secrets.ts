import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getAppSecretKey } from "./env";

/**
 * Secrets at rest (MCP server credentials, later LLM keys): AES-256-GCM under the app key.
 * Stored as `v1.<nonce>.<ciphertext>.<tag>` (base64url), where `v1` names the key version, so a
 * future key rotation can tell old values from new ones. Each value gets a fresh 96-bit nonce.
 *
 * @example const stored = encryptSecret(JSON.stringify({ GITHUB_TOKEN: "ghp_…" }));
 */
const VERSION = "v1";

export function encryptSecret(plaintext: string, key: Buffer = getAppSecretKey()): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, nonce, ciphertext, cipher.getAuthTag()].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(".");
}

export class SecretDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptError";
  }
}

/** Throws SecretDecryptError when the value was tampered with or encrypted under another key. */
export function decryptSecret(stored: string, key: Buffer = getAppSecretKey()): string {
  const [version, nonce, ciphertext, tag] = stored.split(".");
  if (version !== VERSION || nonce === undefined || ciphertext === undefined || tag === undefined) {
    throw new SecretDecryptError(`Unknown secret format (${version ?? "empty"})`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptError("A stored secret could not be decrypted: the app key (APP_SECRET_KEY) changed or the value was altered");
  }
}
