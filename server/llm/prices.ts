/**
 * Prices in US dollars per million tokens, for the cost figures on runs and dashboards.
 * Matched by the longest model-id prefix, so dated variants ("gpt-4o-2024-08-06") find their family.
 * A model found nowhere has an unknown cost (its tokens are counted as unpriced, never as $0): a
 * tenant's admin sets prices for the models they use, local ones included (Admin → LLM providers).
 */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export const PRICES: Record<string, ModelPrice> = {
  "openai/gpt-5": { inputPerMillion: 1.25, outputPerMillion: 10 },
  "openai/gpt-5-mini": { inputPerMillion: 0.25, outputPerMillion: 2 },
  "openai/gpt-5-nano": { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  "openai/gpt-4.1": { inputPerMillion: 2, outputPerMillion: 8 },
  "openai/gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  "openai/gpt-4.1-nano": { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  "openai/gpt-4o": { inputPerMillion: 2.5, outputPerMillion: 10 },
  "openai/gpt-4o-mini": { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  "openai/o4-mini": { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  "anthropic/claude-opus-4": { inputPerMillion: 15, outputPerMillion: 75 },
  "anthropic/claude-sonnet-4": { inputPerMillion: 3, outputPerMillion: 15 },
  "anthropic/claude-haiku-4": { inputPerMillion: 1, outputPerMillion: 5 },
  "anthropic/claude-3-5-haiku": { inputPerMillion: 0.8, outputPerMillion: 4 },
};

export function findPrice(
  modelId: string,
  prices: Record<string, ModelPrice> = PRICES,
): ModelPrice | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(prices)) {
    if (modelId.startsWith(prefix) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : prices[best];
}

/** The cost of one call, or undefined for a model without a known price. */
export function priceCall(
  modelId: string,
  usage: { inputTokens: number; outputTokens: number },
  prices = PRICES,
): number | undefined {
  const price = findPrice(modelId, prices);
  if (!price) return undefined;
  return (
    (usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) /
    1_000_000
  );
}

/**
 * The built-in table with a tenant's own prices over it. Each provider's prices are keyed by its
 * model names ("llama3.1"); the table's keys are model ids ("local/llama3.1").
 */
export function withTenantPrices(
  settings: { modelPrefix: string; prices: Record<string, ModelPrice> }[],
): Record<string, ModelPrice> {
  const merged: Record<string, ModelPrice> = { ...PRICES };
  for (const { modelPrefix, prices } of settings) {
    for (const [model, price] of Object.entries(prices)) merged[`${modelPrefix}/${model}`] = price;
  }
  return merged;
}
