// Spend records: every paid call returns one for the caller to store per project and feature.

export interface LlmUsage {
  provider: "openai";
  /** What the call was for, e.g. "agent_intent", "agent_reply". */
  feature: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface SpeechUsage {
  provider: "elevenlabs";
  feature: string;
  model: string;
  characters: number;
  costUsd: number;
}

export type UsageRecord = LlmUsage | SpeechUsage;
