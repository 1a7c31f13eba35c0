import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { llmProviderSettings, users, type LlmProviderKind } from "@/db/schema";

export type LlmSettingsRow = typeof llmProviderSettings.$inferSelect;

/** A tenant's provider settings, encrypted keys included: for building models, never for responses. */
export async function listLlmSettings(db: Db, tenantId: string): Promise<LlmSettingsRow[]> {
  return db
    .select()
    .from(llmProviderSettings)
    .where(eq(llmProviderSettings.tenantId, tenantId))
    .orderBy(asc(llmProviderSettings.provider));
}

/** The settings as the admin page shows them: no key, only whether one is set and its hint. */
export async function listLlmSettingsForDisplay(db: Db, tenantId: string) {
  return db
    .select({
      provider: llmProviderSettings.provider,
      baseUrl: llmProviderSettings.baseUrl,
      defaultModel: llmProviderSettings.defaultModel,
      hasKey: sql<boolean>`${llmProviderSettings.apiKeyEncrypted} is not null`,
      keyHint: llmProviderSettings.keyHint,
      prices: llmProviderSettings.prices,
      updatedAt: llmProviderSettings.updatedAt,
      updatedByName: users.name,
    })
    .from(llmProviderSettings)
    .leftJoin(users, eq(users.id, llmProviderSettings.updatedBy))
    .where(eq(llmProviderSettings.tenantId, tenantId));
}

export async function findLlmSetting(
  db: Db,
  tenantId: string,
  provider: LlmProviderKind,
): Promise<LlmSettingsRow | undefined> {
  const [row] = await db
    .select()
    .from(llmProviderSettings)
    .where(
      and(eq(llmProviderSettings.tenantId, tenantId), eq(llmProviderSettings.provider, provider)),
    );
  return row;
}

export interface LlmSettingsWrite {
  tenantId: string;
  provider: LlmProviderKind;
  baseUrl: string | null;
  defaultModel: string | null;
  /** Undefined keeps the stored key; null removes it. */
  apiKeyEncrypted?: string | null;
  keyHint?: string | null;
  updatedBy: string;
}

/** Creates or replaces one provider's settings of a tenant. */
export async function upsertLlmSetting(db: Db, values: LlmSettingsWrite): Promise<LlmSettingsRow> {
  const key =
    values.apiKeyEncrypted === undefined
      ? {}
      : { apiKeyEncrypted: values.apiKeyEncrypted, keyHint: values.keyHint ?? null };
  const [row] = await db
    .insert(llmProviderSettings)
    .values({ ...values, ...key })
    .onConflictDoUpdate({
      target: [llmProviderSettings.tenantId, llmProviderSettings.provider],
      set: {
        baseUrl: values.baseUrl,
        defaultModel: values.defaultModel,
        updatedBy: values.updatedBy,
        updatedAt: sql`now()`,
        ...key,
      },
    })
    .returning();
  return row!;
}

export async function deleteLlmSetting(
  db: Db,
  tenantId: string,
  provider: LlmProviderKind,
): Promise<boolean> {
  const rows = await db
    .delete(llmProviderSettings)
    .where(
      and(eq(llmProviderSettings.tenantId, tenantId), eq(llmProviderSettings.provider, provider)),
    )
    .returning({ id: llmProviderSettings.id });
  return rows.length > 0;
}

/** Replaces one provider's model prices. */
export async function setLlmPrices(
  db: Db,
  tenantId: string,
  provider: LlmProviderKind,
  prices: LlmSettingsRow["prices"],
  updatedBy: string,
): Promise<void> {
  await db
    .update(llmProviderSettings)
    .set({ prices, updatedBy, updatedAt: sql`now()` })
    .where(
      and(eq(llmProviderSettings.tenantId, tenantId), eq(llmProviderSettings.provider, provider)),
    );
}
