import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { LlmProviderKind } from "@/db/schema";
import { StepError } from "@/engine/runtime/step-error";
import { toModelId } from "@/engine/schema/model-id";
import type { ModelResolver } from "./providers";

/** One provider as a tenant set it up, with its key decrypted (or why it could not be). */
export interface TenantProviderSettings {
  provider: LlmProviderKind;
  baseUrl: string | null;
  /** The model name without its provider prefix, e.g. "gpt-4o-mini". */
  defaultModel: string | null;
  apiKey: string | null;
  /** Set when the stored key could not be decrypted (the app key changed). */
  keyError?: string;
}

/** How workflows name each provider's models: `openai/gpt-4o`, `anthropic/claude-…`, `local/llama3.1`. */
export const MODEL_PREFIX: Record<LlmProviderKind, string> = {
  openai: "openai",
  anthropic: "anthropic",
  "openai-compatible": "local",
};

/** What the "Test" button asks when no default model is set. OpenAI-compatible servers have no common model. */
export const FALLBACK_MODEL_NAME: Partial<Record<LlmProviderKind, string>> = {
  openai: "gpt-4o-mini",
  anthropic: "claude-haiku-4-5",
};

const PROVIDER_ORDER: LlmProviderKind[] = ["openai", "anthropic", "openai-compatible"];

/** Whether these settings can make calls: the cloud providers need a key, an OpenAI-compatible server a URL. */
export function isUsable(settings: TenantProviderSettings): boolean {
  if (settings.keyError) return true; // usable enough to report the key problem on use
  return settings.provider === "openai-compatible"
    ? Boolean(settings.baseUrl)
    : Boolean(settings.apiKey);
}

/** The AI SDK model for one of a tenant's providers. */
export function createTenantModel(settings: TenantProviderSettings, name: string): LanguageModel {
  if (settings.keyError) throw new StepError("LLM_NOT_CONFIGURED", settings.keyError, false);
  const apiKey = settings.apiKey ?? undefined;
  const baseURL = settings.baseUrl ?? undefined;
  switch (settings.provider) {
    case "openai": {
      const openai = createOpenAI({ apiKey, baseURL });
      // A custom base URL is usually an OpenAI-compatible proxy: `.chat` speaks /chat/completions, which they all have.
      return baseURL ? openai.chat(name) : openai(name);
    }
    case "anthropic":
      return createAnthropic({ apiKey, baseURL })(name);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "local",
        baseURL: baseURL ?? "",
        apiKey,
        supportsStructuredOutputs: true,
      }).chatModel(name);
  }
}

/**
 * A tenant's models first, the platform's (env) after: a model whose provider the tenant set up
 * uses the tenant's key and URL; any other goes to `platform`. A step without a model uses the
 * default model of the tenant's first provider that has one (OpenAI, Anthropic, OpenAI-compatible).
 *
 * @example createTenantModelResolver([{ provider: "openai-compatible", baseUrl, defaultModel: "llama3.1", apiKey: null }], platform)(null)
 */
export function createTenantModelResolver(
  settings: TenantProviderSettings[],
  platform: ModelResolver,
): ModelResolver {
  const byPrefix = new Map(settings.filter(isUsable).map((s) => [MODEL_PREFIX[s.provider], s]));
  const withDefault = PROVIDER_ORDER.map((p) =>
    settings.find((s) => s.provider === p && isUsable(s) && s.defaultModel),
  ).find(Boolean);
  const tenantDefault = withDefault
    ? `${MODEL_PREFIX[withDefault.provider]}/${withDefault.defaultModel}`
    : undefined;

  return (requested) => {
    const modelId = requested ? toModelId(requested) : tenantDefault;
    if (!modelId) return platform(null);
    const slash = modelId.indexOf("/");
    const own = slash > 0 ? byPrefix.get(modelId.slice(0, slash)) : undefined;
    if (!own) return platform(modelId);
    return { model: createTenantModel(own, modelId.slice(slash + 1)), modelId };
  };
}

/** A resolver that knows no model: for a tenant's provider tested on its own. */
export const resolveNothing: ModelResolver = (requested) => {
  throw new StepError(
    "LLM_NOT_CONFIGURED",
    `No provider is set up for ${requested ?? "a default model"}.`,
    false,
  );
};
