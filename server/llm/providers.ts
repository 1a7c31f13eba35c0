import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import { StepError } from "@/engine/runtime/step-error";
import { toModelId } from "@/engine/schema/model-id";
import type { Env } from "@/server/env";

export const NOT_CONFIGURED_MESSAGE =
  "No LLM provider is configured. Set OPENAI_API_KEY, ANTHROPIC_API_KEY, or LLM_BASE_URL for an OpenAI-compatible " +
  "server such as Ollama (see the README), or pin this step's output to try the workflow without a model.";

export type ModelResolver = (modelId: string | null) => { model: LanguageModel; modelId: string };

const DEFAULT_MODELS = {
  openai: "openai/gpt-4o-mini",
  anthropic: "anthropic/claude-haiku-4-5",
} as const;

/**
 * Turns "provider/model" ids (or "provider:model") into AI SDK models for the providers configured in env.
 * A node without a model uses LLM_DEFAULT_MODEL, else the first configured provider's default.
 *
 * @example resolveModel("anthropic/claude-sonnet-4-5") // → { model, modelId }
 */
export function createModelResolver(llm: Env["llm"]): ModelResolver {
  const openai = llm.openai
    ? createOpenAI({ apiKey: llm.openai.apiKey, baseURL: llm.openai.baseURL })
    : undefined;
  const anthropic = llm.anthropic ? createAnthropic({ apiKey: llm.anthropic.apiKey }) : undefined;
  const local = llm.local
    ? createOpenAICompatible({
        name: "local",
        baseURL: llm.local.baseURL,
        apiKey: llm.local.apiKey,
        supportsStructuredOutputs: true,
      })
    : undefined;
  const fallback =
    llm.defaultModel ??
    (openai ? DEFAULT_MODELS.openai : anthropic ? DEFAULT_MODELS.anthropic : undefined);

  return (requested) => {
    const modelId = requested ? toModelId(requested) : fallback;
    if (!modelId) throw new StepError("LLM_NOT_CONFIGURED", NOT_CONFIGURED_MESSAGE, false);
    const slash = modelId.indexOf("/");
    const provider = slash > 0 ? modelId.slice(0, slash) : "";
    const name = modelId.slice(slash + 1);
    // OpenAI's `.chat` speaks /chat/completions, which every OpenAI-compatible server (and a custom OPENAI_BASE_URL) has.
    const model =
      provider === "openai"
        ? llm.openai?.baseURL
          ? openai?.chat(name)
          : openai?.(name)
        : provider === "anthropic"
          ? anthropic?.(name)
          : provider === "local"
            ? local?.chatModel(name)
            : undefined;
    if (!model) {
      const known = provider === "openai" || provider === "anthropic" || provider === "local";
      throw new StepError(
        "LLM_NOT_CONFIGURED",
        known
          ? `The model ${modelId} needs the ${provider} provider, which is not configured. ${NOT_CONFIGURED_MESSAGE}`
          : `Unknown model "${modelId}": name it provider/model, with provider openai, anthropic or local.`,
        false,
      );
    }
    return { model, modelId };
  };
}
