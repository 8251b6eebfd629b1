// The project's OpenAI-compatible model, called for structured output (JSON schema response
// format). Every call that got an answer returns its usage, also when the answer was unusable.
import OpenAI, { APIConnectionError, APIError, AuthenticationError, RateLimitError } from "openai";
import { ProviderError } from "../provider-error.ts";
import type { LlmUsage } from "../usage.ts";
import { llmCostUsd, priceOf, type TokenPrice } from "./pricing.ts";

export interface LlmConfig {
  apiKey: string;
  model: string;
  /** OpenAI-compatible endpoint, e.g. "https://api.openai.com/v1" (the default). */
  baseURL?: string;
  /** Per request, before retries. */
  timeoutMs?: number;
  /** Retries on 429 / 5xx / network errors, honouring retry-after. */
  maxRetries?: number;
  /** Price for a model the built-in table does not know. */
  price?: TokenPrice;
}

export type LlmErrorKind = "auth" | "rate_limit" | "server" | "network" | "request" | "invalid_output";

export class LlmError extends ProviderError<LlmErrorKind> {
  constructor(
    kind: LlmErrorKind,
    message: string,
    status: number | null = null,
    /** Present when the model answered (and charged) but the answer could not be used. */
    readonly usage: LlmUsage | null = null,
  ) {
    super(kind, message, status);
  }
}

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface JsonRequest<T> {
  feature: string;
  schemaName: string;
  schema: Record<string, unknown>;
  messages: ChatMessage[];
  /** Turns the parsed JSON into a value, or null when it does not fit. */
  read: (value: unknown) => T | null;
  /** Ends the call (and its retries) early, e.g. when the person who asked has gone. */
  signal?: AbortSignal;
}

export interface JsonResult<T> {
  value: T;
  usage: LlmUsage;
}

export interface LlmClient {
  readonly model: string;
  completeJson<T>(request: JsonRequest<T>): Promise<JsonResult<T>>;
}

/** A provider's failure as an LlmError of its kind. */
export function describeLlmError(error: unknown): LlmError {
  if (error instanceof LlmError) return error;
  if (error instanceof AuthenticationError) return new LlmError("auth", "The LLM provider rejected the API key", 401);
  if (error instanceof RateLimitError) return new LlmError("rate_limit", "The LLM provider is rate limiting this key", 429);
  if (error instanceof APIConnectionError) return new LlmError("network", `The LLM provider could not be reached: ${error.message}`);
  if (error instanceof APIError) {
    const status = typeof error.status === "number" ? error.status : null;
    return new LlmError(status !== null && status >= 500 ? "server" : "request", `The LLM provider answered ${status ?? "an error"}: ${error.message}`, status);
  }
  return new LlmError("request", error instanceof Error ? error.message : String(error));
}

export function createLlmClient(config: LlmConfig): LlmClient {
  const openai = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutMs ?? 30_000,
    maxRetries: config.maxRetries ?? 2,
  });
  const price = config.price ?? priceOf(config.model);

  return {
    model: config.model,
    async completeJson<T>(request: JsonRequest<T>): Promise<JsonResult<T>> {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await openai.chat.completions.create({
          model: config.model,
          messages: request.messages,
          temperature: 0,
          response_format: { type: "json_schema", json_schema: { name: request.schemaName, schema: request.schema, strict: true } },
        }, request.signal ? { signal: request.signal } : undefined);
      } catch (error) {
        throw describeLlmError(error);
      }
      const inputTokens = completion.usage?.prompt_tokens ?? 0;
      const outputTokens = completion.usage?.completion_tokens ?? 0;
      const usage: LlmUsage = {
        provider: "openai",
        feature: request.feature,
        model: config.model,
        inputTokens,
        outputTokens,
        costUsd: llmCostUsd(config.model, inputTokens, outputTokens, price),
      };
      const message = completion.choices[0]?.message;
      if (!message?.content) throw new LlmError("invalid_output", message?.refusal ? "The model refused to answer" : "The model returned no content", null, usage);
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.content);
      } catch {
        throw new LlmError("invalid_output", "The model's answer is not valid JSON", null, usage);
      }
      const value = request.read(parsed);
      if (value === null) throw new LlmError("invalid_output", `The model's answer does not fit ${request.schemaName}`, null, usage);
      return { value, usage };
    },
  };
}
