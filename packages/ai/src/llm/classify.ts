// Routing before the card with a model: the intent of a conversation's first messages, read by the
// project's model with structured output, and by the rules when the model fails.
import type { ThreadMessage } from "../agent/types.ts";
import { analyzeMessage, type Intent } from "../intent.ts";
import type { LlmUsage } from "../usage.ts";
import { createLlmClient, LlmError, type LlmClient, type LlmConfig, type LlmErrorKind } from "./client.ts";
import { INTENT_SCHEMA, INTENT_SCHEMA_NAME, intentMessages, readIntentVerdict, type IntentVerdict } from "./prompt.ts";

export interface LlmClassification {
  intent: Intent;
  /** The model's full reading, or null when the rules decided. */
  verdict: IntentVerdict | null;
  usage: LlmUsage[];
  llmError: { kind: LlmErrorKind; message: string } | null;
}

/** Classifies the client's latest message(s) in a thread (purchase, question, support, spam, other). */
export async function classifyWithLlm(thread: readonly ThreadMessage[], llm: LlmClient | LlmConfig): Promise<LlmClassification> {
  const client = "completeJson" in llm ? llm : createLlmClient(llm);
  const fresh: string[] = [];
  for (let i = thread.length - 1; i >= 0 && thread[i]?.author === "client"; i--) fresh.unshift(thread[i]?.text ?? "");
  const text = fresh.join("\n");
  try {
    const result = await client.completeJson({
      feature: "intent_routing",
      schemaName: INTENT_SCHEMA_NAME,
      schema: INTENT_SCHEMA,
      messages: intentMessages(thread, text),
      read: readIntentVerdict,
    });
    return { intent: result.value.intent, verdict: result.value, usage: [result.usage], llmError: null };
  } catch (error) {
    const e = error instanceof LlmError ? error : new LlmError("request", error instanceof Error ? error.message : String(error));
    return { intent: analyzeMessage(text).intent, verdict: null, usage: e.usage ? [e.usage] : [], llmError: { kind: e.kind, message: e.message } };
  }
}
