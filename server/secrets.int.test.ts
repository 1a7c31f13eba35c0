import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { llmProviderSettings, mcpCatalogEntries, mcpInstallations } from "@/db/schema";
import { createTestDatabase } from "@/server/testing/database";
import { makeTenant } from "@/server/testing/factories";
import { decryptSecret, encryptSecret, rotateStoredSecrets, SecretDecryptError } from "./secrets";

/** The core of `npm run secrets:rotate` on a real database. */
let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

async function storeSecrets(values: { mcp: string; llm: string }) {
  const { db } = database;
  const tenant = await makeTenant(db);
  const [entry] = await db
    .insert(mcpCatalogEntries)
    .values({
      ownerTenantId: tenant.id,
      name: `test/server-${randomBytes(3).toString("hex")}`,
      title: "Test",
      description: "",
      version: "1.0.0",
      source: "file",
      serverJson: { name: "test/server", description: "", version: "1.0.0" } as never,
    })
    .returning();
  const [installation] = await db
    .insert(mcpInstallations)
    .values({
      tenantId: tenant.id,
      catalogEntryId: entry!.id,
      name: `srv-${randomBytes(3).toString("hex")}`,
      secretsEncrypted: values.mcp,
      secretKeys: ["env:TOKEN"],
    })
    .returning();
  const [setting] = await db
    .insert(llmProviderSettings)
    .values({
      tenantId: tenant.id,
      provider: "openai",
      apiKeyEncrypted: values.llm,
      keyHint: "1234",
    })
    .returning();
  return { installationId: installation!.id, settingId: setting!.id };
}

async function storedValues(ids: { installationId: string; settingId: string }) {
  const { db } = database;
  const [installation] = await db
    .select()
    .from(mcpInstallations)
    .where(eq(mcpInstallations.id, ids.installationId));
  const [setting] = await db
    .select()
    .from(llmProviderSettings)
    .where(eq(llmProviderSettings.id, ids.settingId));
  return { mcp: installation!.secretsEncrypted!, llm: setting!.apiKeyEncrypted! };
}

describe("rotating the app key", () => {
  it("re-encrypts every stored secret under the new key, counts them, and leaves current ones alone", async () => {
    const previous = randomBytes(32);
    const current = randomBytes(32);
    const old = await storeSecrets({
      mcp: encryptSecret('{"env:TOKEN":"ghp_old"}', previous),
      llm: encryptSecret("sk-old", previous),
    });
    const fresh = await storeSecrets({
      mcp: encryptSecret('{"env:TOKEN":"ghp_new"}', current),
      llm: encryptSecret("sk-new", current),
    });
    const freshBefore = await storedValues(fresh);

    const counts = await rotateStoredSecrets(database.db, { current, previous });

    expect(counts).toEqual([
      { column: "mcp_installations.secrets_encrypted", reencrypted: 1, alreadyCurrent: 1 },
      { column: "llm_provider_settings.api_key_encrypted", reencrypted: 1, alreadyCurrent: 1 },
      // OAuth sign-ins of remote MCP servers (none stored in this test) are rotated too.
      { column: "mcp_oauth_connections.tokens_encrypted", reencrypted: 0, alreadyCurrent: 0 },
      {
        column: "mcp_oauth_connections.client_secret_encrypted",
        reencrypted: 0,
        alreadyCurrent: 0,
      },
      { column: "workflow_triggers.secret_encrypted", reencrypted: 0, alreadyCurrent: 0 },
    ]);
    const rotated = await storedValues(old);
    // Readable with the new key alone: the previous key can be dropped.
    expect(decryptSecret(rotated.mcp, current)).toBe('{"env:TOKEN":"ghp_old"}');
    expect(decryptSecret(rotated.llm, current)).toBe("sk-old");
    expect(() => decryptSecret(rotated.llm, previous)).toThrow(SecretDecryptError);
    expect(await storedValues(fresh)).toEqual(freshBefore);

    // Running it again finds nothing left to do.
    const again = await rotateStoredSecrets(database.db, { current, previous });
    expect(again.every((c) => c.reencrypted === 0)).toBe(true);
  });

  it("changes nothing when a value decrypts under neither key, and names it", async () => {
    const previous = randomBytes(32);
    const current = randomBytes(32);
    // A database of its own: the shared one holds rows under the other test's keys.
    const isolated = await createTestDatabase();
    try {
      const { db } = isolated;
      const tenant = await makeTenant(db);
      await db.insert(llmProviderSettings).values({
        tenantId: tenant.id,
        provider: "openai",
        apiKeyEncrypted: encryptSecret("sk-a", previous),
      });
      const [stranger] = await db
        .insert(llmProviderSettings)
        .values({
          tenantId: tenant.id,
          provider: "anthropic",
          apiKeyEncrypted: encryptSecret("sk-b", randomBytes(32)),
        })
        .returning();
      const before = await db.select().from(llmProviderSettings);

      await expect(rotateStoredSecrets(db, { current, previous })).rejects.toThrow(
        new RegExp(
          `Nothing was changed: 1 stored secret.*llm_provider_settings.api_key_encrypted of row ${stranger!.id}`,
        ),
      );
      expect(await db.select().from(llmProviderSettings)).toEqual(before);
    } finally {
      await isolated.close();
    }
  });
});
