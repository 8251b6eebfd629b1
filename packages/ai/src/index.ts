// @threadline/ai: the first-contact agent's brain (deterministic, database-free), its LLM and TTS
// clients, and the first-contact eval's case format and checks. Simulators: "@threadline/simulators/ai".
export * from "./agent/index.ts";
export { analyzeMessage, classifyIntent, detectRefusal, detectSpam, matchHandoffTopics, INTENTS } from "./intent.ts";
export type { Intent, MessageKind, MessageSignals, AnalyzeOptions } from "./intent.ts";
export { findPhone, findPhoneInMessages, joinSplitPhone, formatPhone } from "./phone.ts";
export type { PhoneFinding, InvalidPhoneReason, PhoneSearchOptions } from "./phone.ts";
export { findAnswers, answerFromKnowledge, buildKnowledgeIndex, factKind, factReply } from "./knowledge.ts";
export type { FaqEntry, ProjectFacts, ProjectKnowledge, KnowledgeAnswer, FactKind } from "./knowledge.ts";
export { extractEntities, extractEntitiesFromMessages } from "./entities.ts";
export type { ExtractedEntities, Budget } from "./entities.ts";
export { stemRussian, normalizeText, tokenize, stems } from "./stem.ts";
export * from "./eval/first-contact.ts";
export * from "./llm/index.ts";
export { synthesizeSpeech, speechCostUsd, SpeechError, DEFAULT_SPEECH_MODEL, DEFAULT_OUTPUT_FORMAT } from "./tts.ts";
export type { SpeechConfig, SpeechResult, SpeechErrorKind } from "./tts.ts";
export type { LlmUsage, SpeechUsage, UsageRecord } from "./usage.ts";
export { writeOggOpus, opusHead, opusPacketSamples, isOggOpus, oggOpusSeconds, oggCrc } from "./ogg-opus.ts";
export { answerFromCatalog, asksPrice, findProducts } from "./sales/catalog.ts";
export type { CatalogReply, CatalogTurn } from "./sales/catalog.ts";
export { answerFromPassages } from "./sales/passages.ts";
export type { PassageAnswer } from "./sales/passages.ts";
export { matchObjection } from "./sales/objections.ts";
export { FIELD_ASKS, readField } from "./sales/collect.ts";
export { AllowedNumbers, allowedCatalogNumbers, numberTokens } from "./sales/numbers.ts";
export { formatMoney, moneyNumber } from "./sales/money.ts";
export { COLLECT_FIELDS } from "./sales/types.ts";
export type { AgentCatalog, AgentCatalogOption, AgentCatalogProduct, CollectField, KnowledgePassage, Objection, TurnTrace } from "./sales/types.ts";
export * from "./eval/sales.ts";
