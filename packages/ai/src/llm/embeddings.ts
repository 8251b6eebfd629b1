// Embeddings of passages and questions with the project's OpenAI-compatible key
// (`POST /v1/embeddings`), for the knowledge base's search by meaning. Vectors come back
// normalised, so cosine similarity is a plain dot product in SQL.
import OpenAI from "openai";
import type { LlmUsage } from "../usage.ts";
import { describeLlmError } from "./client.ts";
import { llmCostUsd } from "./pricing.ts";

export const DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";
/**
 * Dimensions asked of models that can shorten their vectors (text-embedding-3-*): 256 keep a
 * passage's vector at 1 KB and the SQL cosine over a project's passages fast (decision 066).
 */
export const EMBEDDING_DIMENSIONS = 256;
/** The longest vector taken from a provider (OpenAI's largest model has 3072). */
const MAX_DIMENSIONS = 4096;
/** Inputs per request: far under the API's 2048 inputs and 300k tokens with ~700-character passages. */
export const EMBEDDING_BATCH = 64;

export interface EmbeddingConfig {
  apiKey: string;
  model: string;
  baseURL?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

export interface Embedded {
  vectors: number[][];
  usage: LlmUsage;
}

/** A vector scaled to length 1 (a zero vector stays zero). */
export function normalizeVector(v: readonly number[]): number[] {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : [...v];
}

/**
 * Embeds texts in batches, in order; one usage for all of them (feature as given). Any failure
 * is an LlmError of its kind (auth, rate_limit, network…); nothing partial is returned.
 */
export async function embedTexts(config: EmbeddingConfig, texts: readonly string[], feature: string, signal?: AbortSignal): Promise<Embedded> {
  const openai = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: config.timeoutMs ?? 20_000, maxRetries: config.maxRetries ?? 1 });
  const shortens = config.model.startsWith("text-embedding-3");
  const vectors: number[][] = [];
  let tokens = 0;
  for (let i = 0; i < texts.length; i += EMBEDDING_BATCH) {
    const input = texts.slice(i, i + EMBEDDING_BATCH);
    let answer: OpenAI.Embeddings.CreateEmbeddingResponse;
    try {
      answer = await openai.embeddings.create(
        { model: config.model, input, encoding_format: "float", ...(shortens ? { dimensions: EMBEDDING_DIMENSIONS } : {}) },
        signal ? { signal } : undefined,
      );
    } catch (error) {
      throw describeLlmError(error);
    }
    const byIndex = [...answer.data].sort((a, b) => a.index - b.index);
    if (byIndex.length !== input.length) throw describeLlmError(new Error(`The provider returned ${byIndex.length} embeddings for ${input.length} texts`));
    // The provider's numbers go into SQL arithmetic: each vector must be finite numbers, all of one length.
    for (const d of byIndex) {
      const v: unknown = d.embedding;
      const length = vectors[0]?.length ?? (Array.isArray(v) ? v.length : 0);
      if (!Array.isArray(v) || v.length === 0 || v.length > MAX_DIMENSIONS || v.length !== length || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
        throw describeLlmError(new Error("The provider returned an embedding that is not a vector of numbers of the model's length"));
      }
      vectors.push(normalizeVector(v as number[]));
    }
    tokens += answer.usage?.prompt_tokens ?? 0;
  }
  return { vectors, usage: { provider: "openai", feature, model: config.model, inputTokens: tokens, outputTokens: 0, costUsd: llmCostUsd(config.model, tokens, 0) } };
}
