// List prices in USD per million tokens (OpenAI's published rates for standard processing). Model
// names are matched by prefix, so dated snapshots ("gpt-4o-mini-2024-07-18") price as their family.
// A project on another OpenAI-compatible provider sets its own price in its LLM config.

export interface TokenPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

// Longest names first, so "gpt-4o-mini" is not priced as "gpt-4o".
export const MODEL_PRICES: readonly (readonly [model: string, price: TokenPrice])[] = [
  ["gpt-4.1-nano", { inputPerMillion: 0.1, outputPerMillion: 0.4 }],
  ["gpt-4.1-mini", { inputPerMillion: 0.4, outputPerMillion: 1.6 }],
  ["gpt-4.1", { inputPerMillion: 2, outputPerMillion: 8 }],
  ["gpt-4o-mini", { inputPerMillion: 0.15, outputPerMillion: 0.6 }],
  ["gpt-4o", { inputPerMillion: 2.5, outputPerMillion: 10 }],
  ["gpt-5-nano", { inputPerMillion: 0.05, outputPerMillion: 0.4 }],
  ["gpt-5-mini", { inputPerMillion: 0.25, outputPerMillion: 2 }],
  ["gpt-5", { inputPerMillion: 1.25, outputPerMillion: 10 }],
  ["o4-mini", { inputPerMillion: 1.1, outputPerMillion: 4.4 }],
  ["gpt-3.5-turbo", { inputPerMillion: 0.5, outputPerMillion: 1.5 }],
  // Embeddings: input tokens only.
  ["text-embedding-3-small", { inputPerMillion: 0.02, outputPerMillion: 0 }],
  ["text-embedding-3-large", { inputPerMillion: 0.13, outputPerMillion: 0 }],
  ["text-embedding-ada-002", { inputPerMillion: 0.1, outputPerMillion: 0 }],
];

export function priceOf(model: string): TokenPrice | null {
  const name = model.toLowerCase();
  return MODEL_PRICES.find(([prefix]) => name === prefix || name.startsWith(`${prefix}-`))?.[1] ?? null;
}

/** Cost of one call; 0 for a model with no known price (the tokens are still recorded). */
export function llmCostUsd(model: string, inputTokens: number, outputTokens: number, price: TokenPrice | null = priceOf(model)): number {
  if (!price) return 0;
  const usd = (inputTokens * price.inputPerMillion + outputTokens * price.outputPerMillion) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}
