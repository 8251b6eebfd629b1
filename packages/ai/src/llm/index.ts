export { createLlmClient, describeLlmError, LlmError, type LlmClient, type LlmConfig, type LlmErrorKind, type ChatMessage, type JsonRequest, type JsonResult } from "./client.ts";
export { MODEL_PRICES, priceOf, llmCostUsd, type TokenPrice } from "./pricing.ts";
export { pickWonExamples, type WonExample, type ScoredExample } from "./examples.ts";
export { decideTurnWithLlm, type LlmTurnOptions, type LlmTurnDecision } from "./turn.ts";
export { classifyWithLlm, type LlmClassification } from "./classify.ts";
export {
  INTENT_SCHEMA,
  INTENT_SCHEMA_NAME,
  REPLY_SCHEMA,
  REPLY_SCHEMA_NAME,
  knowledgeFromPrompt,
  readIntentVerdict,
  readReplies,
  type IntentVerdict,
} from "./prompt.ts";
export { checkLlmKey, type LlmKeyCheck } from "./check.ts";
export { embedTexts, normalizeVector, DEFAULT_EMBEDDING_MODEL, EMBEDDING_DIMENSIONS, EMBEDDING_BATCH, type EmbeddingConfig, type Embedded } from "./embeddings.ts";
