// What the model is told for the copilot and the conversation summary. The project's material
// travels as JSON in the user message, so it is quoted exactly and the simulator can read it back.
import type { AgentScript } from "../agent/script.ts";
import type { ThreadMessage } from "../agent/types.ts";
import type { ChatMessage } from "../llm/client.ts";
import type { WonExample } from "../llm/examples.ts";
import { moneyNumber } from "../sales/money.ts";
import type { AgentCatalog, KnowledgePassage } from "../sales/types.ts";

/** A project's saved reply, as the copilot may offer it. */
export interface SavedReply {
  id: string;
  title: string;
  text: string;
}

export const COPILOT_SCHEMA_NAME = "copilot_reply";
export const SUMMARY_SCHEMA_NAME = "conversation_summary";

export const COPILOT_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["reply"],
  properties: { reply: { type: "string" } },
} as const;

export const SUMMARY_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["wants", "budget", "date", "objections"],
  properties: {
    wants: { type: ["string", "null"] },
    budget: { type: ["string", "null"] },
    date: { type: ["string", "null"] },
    objections: { type: "array", items: { type: "string" } },
  },
} as const;

export function readCopilotReply(value: unknown): string | null {
  const reply = (value as { reply?: unknown } | null)?.reply;
  return typeof reply === "string" ? reply : null;
}

export interface SummaryFields {
  wants: string | null;
  budget: string | null;
  date: string | null;
  objections: string[];
}

export function readSummary(value: unknown): SummaryFields | null {
  const v = value as Partial<SummaryFields> | null;
  const text = (x: unknown) => x === null || typeof x === "string";
  if (!v || !text(v.wants) || !text(v.budget) || !text(v.date) || !Array.isArray(v.objections) || v.objections.some((o) => typeof o !== "string")) return null;
  return { wants: v.wants ?? null, budget: v.budget ?? null, date: v.date ?? null, objections: v.objections };
}

const AUTHOR: Record<ThreadMessage["author"], string> = { client: "Клиент", agent: "Помощник", member: "Менеджер" };
const HISTORY = 30;
const clip = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit)}…` : text);

export function conversationOf(thread: readonly ThreadMessage[]) {
  return thread.slice(-HISTORY).map((m) => ({ author: AUTHOR[m.author], text: clip(m.text ?? "[без текста]", 1500) }));
}

function catalogOf(catalog: AgentCatalog | undefined) {
  return (catalog?.products ?? []).slice(0, 60).map((p) => ({
    name: p.name,
    price: `${moneyNumber(p.priceMinor)} ${catalog?.currency ?? ""}`.trim(),
    available: p.available,
    options: p.options.map((o) => `${o.name} +${moneyNumber(o.priceDeltaMinor)}`),
  }));
}

export function copilotMessages(input: {
  script: AgentScript;
  thread: readonly ThreadMessage[];
  question: string;
  catalog?: AgentCatalog;
  passages?: readonly KnowledgePassage[];
  savedReplies?: readonly SavedReply[];
  examples: readonly WonExample[];
  rulesSuggestion: string;
}): ChatMessage[] {
  const system = [
    `Ты помогаешь менеджеру «${input.script.projectName}» ответить клиенту в мессенджере. Напиши один ответ от имени менеджера: по-русски, на «вы», коротко.`,
    "Бери факты только из данных ниже (passages — отрывки документов проекта, catalog, facts, faq, objections, savedReplies) и из переписки.",
    "Никогда не придумывай цены, суммы, сроки, даты, скидки и обещания. Если ответа в данных нет, предложи уточнить и вернуться с ответом.",
    "Удачные диалоги (examples) — образец тона, не источник фактов. Ответь JSON: {\"reply\": \"…\"}.",
    ...(input.script.instructions?.trim() ? ["Указания владельца о тоне:", input.script.instructions.trim()] : []),
  ].join("\n");
  const user = JSON.stringify({
    conversation: conversationOf(input.thread),
    question: clip(input.question, 4000),
    passages: (input.passages ?? []).map((p) => ({ id: p.id, title: p.title, text: p.text })),
    catalog: catalogOf(input.catalog),
    facts: input.script.facts,
    faq: input.script.faq,
    objections: input.script.objections,
    savedReplies: (input.savedReplies ?? []).slice(0, 50).map((s) => ({ title: s.title, text: clip(s.text, 1000) })),
    examples: input.examples.map((e) => e.messages.slice(0, 10).map((m) => `${AUTHOR[m.author]}: ${clip(m.text, 300)}`).join("\n")),
    rulesSuggestion: input.rulesSuggestion,
  });
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

export function summaryMessages(thread: readonly ThreadMessage[]): ChatMessage[] {
  const system = [
    "Ты составляешь для менеджера краткую сводку переписки с клиентом. Ответь JSON по схеме.",
    "wants — что клиент хочет, его словами; budget — бюджет, как назвал клиент; date — дата или срок, который назвал клиент; objections — сомнения и возражения клиента.",
    "Пиши только то, что клиент сказал сам; чего нет в переписке — null или пустой список. Не придумывай чисел.",
  ].join("\n");
  return [
    { role: "system", content: system },
    { role: "user", content: JSON.stringify({ conversation: conversationOf(thread) }) },
  ];
}
