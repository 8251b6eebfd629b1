// A model key checked before it is saved: one `GET /models` with the key, so a wrong key, a
// model the key cannot use or an unreachable provider is told to the owner at once and not found
// later in the agent's fallback to its rules.
import OpenAI from "openai";
import { describeLlmError, type LlmErrorKind } from "./client.ts";

export type LlmKeyCheck = { ok: true } | { ok: false; kind: LlmErrorKind | "model"; message: string };

export async function checkLlmKey(config: { apiKey: string; baseURL?: string; model?: string | null; timeoutMs?: number }): Promise<LlmKeyCheck> {
  // No retries: the owner waits on this answer, and says again if the provider was busy.
  const openai = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: config.timeoutMs ?? 10_000, maxRetries: 0 });
  let ids: string[];
  try {
    const page = await openai.models.list();
    ids = page.data.map((m) => m.id);
  } catch (error) {
    const e = describeLlmError(error);
    return { ok: false, kind: e.kind, message: e.message };
  }
  if (config.model && !ids.includes(config.model)) {
    return { ok: false, kind: "model", message: `The key has no model ${config.model}` };
  }
  return { ok: true };
}

