/** The providers a model id may name: `openai/gpt-4o-mini`, `anthropic/claude-…`, `local/llama3.1`. */
const MODEL_PROVIDERS = new Set(["openai", "anthropic", "local"]);

/**
 * Model ids are `provider/model`; `provider:model` (as other tools write it) means the same. Only
 * a known provider before the first colon is rewritten, so a local model tag such as
 * `local/qwen3:8b` keeps its colon.
 * @example toModelId("openai:gpt-4o-mini") // → "openai/gpt-4o-mini"
 */
export function toModelId(text: string): string {
  const id = text.trim();
  if (id.includes("/")) return id;
  const colon = id.indexOf(":");
  if (colon <= 0 || colon === id.length - 1) return id;
  const provider = id.slice(0, colon).toLowerCase();
  return MODEL_PROVIDERS.has(provider) ? `${provider}/${id.slice(colon + 1)}` : id;
}
