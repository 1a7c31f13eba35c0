import { z } from "zod";
import { AppError, notFound } from "@/engine/errors";
import { StepError } from "@/engine/runtime/step-error";
import { LLM_PROVIDERS, type LlmProviderKind } from "@/db/schema";
import { createAiSdkLlmPort } from "@/server/llm/llm-port";
import { toTenantProviderSettings } from "@/server/llm/tenant-ports";
import {
  createTenantModelResolver,
  FALLBACK_MODEL_NAME,
  isUsable,
  MODEL_PREFIX,
  resolveNothing,
} from "@/server/llm/tenant-providers";
import * as repo from "@/server/repositories/llm-settings";
import { encryptSecret } from "@/server/secrets";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

export const providerInput = z.enum(LLM_PROVIDERS);

const httpUrl = z
  .url({
    protocol: /^https?$/,
    message: "An http:// or https:// URL, e.g. http://localhost:11434/v1",
  })
  .max(500)
  .transform((url) => url.replace(/\/+$/, ""));
const blankToNull = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? null : value;

export const saveLlmProviderInput = z.object({
  provider: providerInput,
  /** A new key replaces the stored one; absent keeps it. Write-only: no procedure returns it. */
  apiKey: z.preprocess(
    blankToNull,
    z.string().trim().min(8, "That is too short for an API key").max(1000).nullish(),
  ),
  baseUrl: z.preprocess(blankToNull, httpUrl.nullish()),
  defaultModel: z.preprocess(
    blankToNull,
    z
      .string()
      .trim()
      .max(200)
      .regex(/^[\w.:@/-]+$/, "Letters, digits and . : @ / - _ only, e.g. gpt-4o-mini")
      .nullish(),
  ),
});
export type SaveLlmProviderInput = z.input<typeof saveLlmProviderInput>;

const MAX_PRICES = 50;
const dollarsPerMillion = z
  .number()
  .min(0, "A price cannot be negative")
  .max(10_000, "Over $10,000 per million tokens: is that right?");
export const setLlmPricesInput = z.object({
  provider: providerInput,
  prices: z
    .array(
      z.object({
        model: z
          .string()
          .trim()
          .min(1, "Name the model")
          .max(200)
          .regex(/^[\w.:@/-]+$/, "Letters, digits and . : @ / - _ only, e.g. llama3.1"),
        inputPerMillion: dollarsPerMillion,
        outputPerMillion: dollarsPerMillion,
      }),
    )
    .max(MAX_PRICES, `At most ${MAX_PRICES} prices per provider`),
});

const LABEL: Record<LlmProviderKind, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  "openai-compatible": "OpenAI-compatible",
};
const AUDIT_TARGET = "llm_provider";

/** "openai/gpt-4o" typed into OpenAI's default model means "gpt-4o". */
function stripPrefix(provider: LlmProviderKind, model: string | null | undefined): string | null {
  if (!model) return null;
  const prefix = `${MODEL_PREFIX[provider]}/`;
  return model.startsWith(prefix) ? model.slice(prefix.length) : model;
}

/** The three providers as the admin page shows them: never a key, only whether one is set and its last four characters. */
export async function listLlmProviders(ctx: TenantContext) {
  const rows = new Map(
    (await repo.listLlmSettingsForDisplay(ctx.db, ctx.tenant.id)).map((r) => [r.provider, r]),
  );
  return LLM_PROVIDERS.map((provider) => {
    const row = rows.get(provider);
    return {
      provider,
      label: LABEL[provider],
      modelPrefix: MODEL_PREFIX[provider],
      isConfigured: Boolean(row),
      baseUrl: row?.baseUrl ?? null,
      defaultModel: row?.defaultModel ?? null,
      hasKey: row?.hasKey ?? false,
      keyHint: row?.hasKey ? row.keyHint : null,
      updatedAt: row?.updatedAt ?? null,
      updatedByName: row?.updatedByName ?? null,
      /** Prices the admin set for this provider's models, US dollars per million tokens. */
      prices: Object.entries(row?.prices ?? {}).map(([model, price]) => ({ model, ...price })),
    };
  });
}

/** Saves one provider's settings; the key is encrypted before it reaches the database and audited only by its hint. */
export async function saveLlmProvider(
  ctx: TenantContext,
  input: z.output<typeof saveLlmProviderInput>,
) {
  const { provider } = input;
  const apiKey = input.apiKey ?? undefined;
  const existing = await repo.findLlmSetting(ctx.db, ctx.tenant.id, provider);
  if (provider === "openai-compatible" && !input.baseUrl) {
    throw new AppError("INVALID_INPUT", "An OpenAI-compatible provider needs its base URL", {
      field: "baseUrl",
    });
  }
  if (provider !== "openai-compatible" && !apiKey && !existing?.apiKeyEncrypted) {
    throw new AppError("INVALID_INPUT", `${LABEL[provider]} needs an API key`, { field: "apiKey" });
  }
  // A stored key goes only where it was entered for: moving the base URL needs the key again,
  // or anyone who may edit settings could send it to a server of their own.
  if (
    !apiKey &&
    existing?.apiKeyEncrypted &&
    (existing.baseUrl ?? null) !== (input.baseUrl ?? null)
  ) {
    throw new AppError(
      "INVALID_INPUT",
      "Enter the API key again to use it with a different base URL.",
      { field: "apiKey" },
    );
  }
  const keyHint = apiKey ? apiKey.slice(-4) : undefined;
  return withAudit(ctx, async (tx) => {
    await repo.upsertLlmSetting(tx, {
      tenantId: ctx.tenant.id,
      provider,
      baseUrl: input.baseUrl ?? null,
      defaultModel: stripPrefix(provider, input.defaultModel),
      ...(apiKey ? { apiKeyEncrypted: encryptSecret(apiKey), keyHint } : {}),
      updatedBy: ctx.actor.userId,
    });
    return {
      value: { provider },
      audit: {
        action: existing ? "llm.provider.update" : "llm.provider.create",
        targetType: AUDIT_TARGET,
        targetId: provider,
        metadata: {
          name: LABEL[provider],
          baseUrl: input.baseUrl ?? null,
          defaultModel: stripPrefix(provider, input.defaultModel),
          keyReplaced: Boolean(apiKey),
          ...(keyHint ? { keyHint } : {}),
        },
      },
    };
  });
}

/**
 * Replaces the prices of a provider's models: what runs on them then cost (runs before keep their
 * figures). A model without a price here or in the built-in table has an unknown cost.
 */
export async function setLlmPrices(ctx: TenantContext, input: z.output<typeof setLlmPricesInput>) {
  const row = await settingOf(ctx, input.provider);
  const prices: Record<string, { inputPerMillion: number; outputPerMillion: number }> = {};
  for (const { model, inputPerMillion, outputPerMillion } of input.prices) {
    const name = stripPrefix(input.provider, model)!;
    if (Object.hasOwn(prices, name))
      throw new AppError("INVALID_INPUT", `The model ${name} is priced twice`, { field: "prices" });
    prices[name] = { inputPerMillion, outputPerMillion };
  }
  return withAudit(ctx, async (tx) => {
    await repo.setLlmPrices(tx, ctx.tenant.id, input.provider, prices, ctx.actor.userId);
    return {
      value: { provider: input.provider },
      audit: {
        action: "llm.provider.prices",
        targetType: AUDIT_TARGET,
        targetId: row.provider,
        metadata: { name: LABEL[input.provider], prices },
      },
    };
  });
}

async function settingOf(ctx: TenantContext, provider: LlmProviderKind) {
  const row = await repo.findLlmSetting(ctx.db, ctx.tenant.id, provider);
  if (!row) throw notFound(`${LABEL[provider]} settings in this tenant`);
  return row;
}

/** Forgets a provider's key, keeping its URL and model (an OpenAI-compatible server may need none). */
export async function removeLlmProviderKey(ctx: TenantContext, provider: LlmProviderKind) {
  const row = await settingOf(ctx, provider);
  return withAudit(ctx, async (tx) => {
    await repo.upsertLlmSetting(tx, {
      tenantId: ctx.tenant.id,
      provider,
      baseUrl: row.baseUrl,
      defaultModel: row.defaultModel,
      apiKeyEncrypted: null,
      updatedBy: ctx.actor.userId,
    });
    return {
      value: { provider },
      audit: {
        action: "llm.provider.key.remove",
        targetType: AUDIT_TARGET,
        targetId: provider,
        metadata: { name: LABEL[provider] },
      },
    };
  });
}

/** Removes a provider's settings: the tenant's runs use the platform's provider again, if there is one. */
export async function removeLlmProvider(ctx: TenantContext, provider: LlmProviderKind) {
  await settingOf(ctx, provider);
  return withAudit(ctx, async (tx) => {
    await repo.deleteLlmSetting(tx, ctx.tenant.id, provider);
    return {
      value: { provider },
      audit: {
        action: "llm.provider.remove",
        targetType: AUDIT_TARGET,
        targetId: provider,
        metadata: { name: LABEL[provider] },
      },
    };
  });
}

const TEST_TIMEOUT_MS = 20_000;

export type LlmTestResult =
  | { ok: true; modelId: string; latencyMs: number; reply: string }
  | { ok: false; modelId: string | null; code: string; message: string };

/**
 * "Test": one real, minimal model call with the stored settings (not the platform's), through the
 * same adapter runs use, so it fails the way a run would, with the same clear error.
 */
export async function testLlmProvider(
  ctx: TenantContext,
  provider: LlmProviderKind,
): Promise<LlmTestResult> {
  const row = await settingOf(ctx, provider);
  const settings = toTenantProviderSettings(row);
  const name = row.defaultModel ?? FALLBACK_MODEL_NAME[provider];
  const modelId = name ? `${MODEL_PREFIX[provider]}/${name}` : null;
  const result = await callOnce(settings, modelId);
  // A provider's error text could echo what it was sent; the key never leaves this function.
  const scrub = (text: string) => (settings.apiKey ? text.split(settings.apiKey).join("…") : text);
  const reported: LlmTestResult = result.ok
    ? { ...result, reply: scrub(result.reply) }
    : { ...result, message: scrub(result.message) };
  return withAudit(ctx, async () => ({
    value: reported,
    audit: {
      action: "llm.provider.test",
      targetType: AUDIT_TARGET,
      targetId: provider,
      metadata: {
        name: LABEL[provider],
        modelId,
        ok: reported.ok,
        ...(reported.ok ? {} : { code: reported.code }),
      },
    },
  }));
}

async function callOnce(
  settings: ReturnType<typeof toTenantProviderSettings>,
  modelId: string | null,
): Promise<LlmTestResult> {
  if (!modelId) {
    return {
      ok: false,
      modelId,
      code: "LLM_NOT_CONFIGURED",
      message: "Set a default model to test: the call needs a model this server has.",
    };
  }
  if (!isUsable(settings)) {
    return {
      ok: false,
      modelId,
      code: "LLM_NOT_CONFIGURED",
      message: `${LABEL[settings.provider]} needs an API key.`,
    };
  }
  const port = createAiSdkLlmPort({
    resolveModel: createTenantModelResolver([settings], resolveNothing),
  });
  const started = performance.now();
  try {
    const answer = await port.generate({
      model: modelId,
      messages: [{ role: "user", content: "Reply with the single word OK." }],
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    });
    return {
      ok: true,
      modelId,
      latencyMs: Math.round(performance.now() - started),
      reply: answer.text.slice(0, 200),
    };
  } catch (error) {
    if (error instanceof StepError)
      return { ok: false, modelId, code: error.code, message: error.message };
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return {
        ok: false,
        modelId,
        code: "LLM_UNREACHABLE",
        message: `No answer from ${modelId} within ${TEST_TIMEOUT_MS / 1000} s.`,
      };
    }
    return {
      ok: false,
      modelId,
      code: "LLM_FAILED",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
