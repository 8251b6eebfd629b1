// The conversation's summary in the contact panel: what the client wants, their budget and date,
// their objections, and the contact details collected. The rules read it from the client's own
// words; a model, when the project has one, words what they want, their date and objections more
// freely, but the phone and contact fields stay the rules' (validated) and no number the client
// did not write is kept.
import type { AgentScript } from "../agent/script.ts";
import type { KnownContact, ThreadMessage } from "../agent/types.ts";
import { extractEntities, extractEntitiesFromMessages } from "../entities.ts";
import { createLlmClient, LlmError, type LlmClient, type LlmConfig } from "../llm/client.ts";
import { findPhoneInMessages } from "../phone.ts";
import { readField } from "../sales/collect.ts";
import { AllowedNumbers } from "../sales/numbers.ts";
import { matchObjection } from "../sales/objections.ts";
import { normalizeText } from "../stem.ts";
import type { LlmUsage } from "../usage.ts";
import { readSummary, summaryMessages, SUMMARY_SCHEMA, SUMMARY_SCHEMA_NAME, type SummaryFields } from "./prompt.ts";

export interface ConversationSummary extends SummaryFields {
  phone: string | null;
  name: string | null;
  email: string | null;
  mode: "rules" | "llm" | "fallback";
  usage: LlmUsage[];
}

// Common objections in any business, named as the manager reads them.
const COMMON_OBJECTIONS: readonly [RegExp, string][] = [
  [/(?<!\p{L})(дорого|дороговато|дорогов)/u, "Дорого"],
  [/(?<!\p{L})(дешевле|дешевле у)/u, "Видел дешевле"],
  [/(?<!\p{L})(подумаю|подумать|подумаем)/u, "Хочет подумать"],
  [/(?<!\p{L})(не сейчас|позже|попозже)/u, "Не сейчас"],
  [/(?<!\p{L})(посоветуюсь|с мужем|с женой|обсудить с)/u, "Посоветуется"],
];

const clip = (text: string, limit = 160) => (text.length > limit ? `${text.slice(0, limit)}…` : text);

/** The summary from the client's words alone. */
export function summarizeWithRules(input: { script: AgentScript; thread: readonly ThreadMessage[]; known?: KnownContact }): ConversationSummary {
  const client = input.thread.filter((m) => m.author === "client").map((m) => m.text ?? "").filter((t) => t.trim());
  const entities = extractEntitiesFromMessages(client);
  const phone = findPhoneInMessages(client);
  // What they came for is what they said first; later "нужно к субботе" is a date, not a want.
  const wants = client.map((t) => extractEntities(t).interest).find((i) => !!i) ?? null;
  let date: string | null = null;
  const objections: string[] = [];
  for (const text of client) {
    date = readField("date", text) ? clip(text.trim()) : date;
    const own = matchObjection(input.script.objections, text);
    const label = own ? (own.q[0] ?? "") : COMMON_OBJECTIONS.find(([cue]) => cue.test(normalizeText(text)))?.[1];
    if (label && !objections.includes(label)) objections.push(label);
  }
  return {
    wants: wants ? clip(wants) : null,
    budget: entities.budget?.raw ?? null,
    date,
    objections,
    phone: input.known?.phone || (phone.kind === "valid" ? phone.e164 : null),
    name: input.known?.name || entities.name || null,
    email: input.known?.email || entities.email || null,
    mode: "rules",
    usage: [],
  };
}

/** The summary, worded by the project's model when it has one. */
export async function summarizeConversation(
  input: { script: AgentScript; thread: readonly ThreadMessage[]; known?: KnownContact },
  llmOption?: LlmClient | LlmConfig | null,
  signal?: AbortSignal,
): Promise<ConversationSummary> {
  const rules = summarizeWithRules(input);
  if (!llmOption || !input.thread.some((m) => m.author === "client")) return rules;
  const llm = "completeJson" in llmOption ? llmOption : createLlmClient(llmOption);
  const usage: LlmUsage[] = [];
  try {
    const result = await llm.completeJson({ feature: "copilot_summary", schemaName: SUMMARY_SCHEMA_NAME, schema: SUMMARY_SCHEMA, messages: summaryMessages(input.thread), read: readSummary, signal });
    usage.push(result.usage);
    const said = new AllowedNumbers();
    for (const m of input.thread) if (m.author === "client") said.addClientText(m.text);
    // A field with a number the client never wrote is the model's invention: the rules' reading stays.
    const keep = (worded: string | null, ruled: string | null) => (worded && said.invented(worded).length === 0 ? clip(worded) : ruled);
    const v = result.value;
    return {
      ...rules,
      wants: keep(v.wants, rules.wants),
      budget: keep(v.budget, rules.budget),
      date: keep(v.date, rules.date),
      objections: v.objections.filter((o) => said.invented(o).length === 0).map((o) => clip(o)).slice(0, 6),
      mode: "llm",
      usage,
    };
  } catch (error) {
    if (error instanceof LlmError && error.usage) usage.push(error.usage);
    return { ...rules, mode: "fallback", usage };
  }
}
