// @threadline/ai: the first-contact agent's brain (deterministic, database-free), its LLM and TTS
// clients, and the first-contact eval's case format and checks. Simulators: "@threadline/simulators/ai".
export * from "./agent/index.ts";
export { analyzeMessage, classifyIntent, detectRefusal, detectSpam, matchHandoffTopics, INTENTS } from "./intent.ts";
export type { Intent, MessageKind, MessageSignals, AnalyzeOptions } from "./intent.ts";
export { findPhone, findPhoneInMessages, joinSplitPhone, formatPhone, parsePhoneField } from "./phone.ts";
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
