// What the model is told. The system prompt carries only the project's own knowledge (facts, FAQ)
// and won examples, with the instruction never to go beyond them. Knowledge travels as a JSON block
// so it is quoted exactly.
import { AGENT_ACTIONS, type AgentAction, type AgentReply, type ThreadMessage } from "../agent/types.ts";
import { INTENTS, type Intent } from "../intent.ts";
import type { ProjectKnowledge } from "../knowledge.ts";
import type { ChatMessage } from "./client.ts";
import type { WonExample } from "./examples.ts";

export const INTENT_SCHEMA_NAME = "client_intent";
export const REPLY_SCHEMA_NAME = "agent_reply";

export interface IntentVerdict {
  intent: Intent;
  refusesPhone: boolean;
  wantsPerson: boolean;
  isQuestion: boolean;
}

export const INTENT_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["intent", "refusesPhone", "wantsPerson", "isQuestion"],
  properties: {
    intent: { type: "string", enum: [...INTENTS] },
    refusesPhone: { type: "boolean" },
    wantsPerson: { type: "boolean" },
    isQuestion: { type: "boolean" },
  },
} as const;

export const REPLY_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["messages"],
  properties: {
    messages: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["action", "text"],
        properties: { action: { type: "string", enum: [...AGENT_ACTIONS] }, text: { type: "string" } },
      },
    },
  },
} as const;

export function readIntentVerdict(value: unknown): IntentVerdict | null {
  const v = value as Partial<IntentVerdict> | null;
  if (!v || !INTENTS.includes(v.intent as Intent)) return null;
  if (typeof v.refusesPhone !== "boolean" || typeof v.wantsPerson !== "boolean" || typeof v.isQuestion !== "boolean") return null;
  return { intent: v.intent as Intent, refusesPhone: v.refusesPhone, wantsPerson: v.wantsPerson, isQuestion: v.isQuestion };
}

export function readReplies(value: unknown): AgentReply[] | null {
  const messages = (value as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return null;
  const out: AgentReply[] = [];
  for (const m of messages as { action?: unknown; text?: unknown }[]) {
    if (!AGENT_ACTIONS.includes(m.action as AgentAction) || typeof m.text !== "string") return null;
    out.push({ action: m.action as AgentAction, text: m.text });
  }
  return out;
}

const KNOWLEDGE_OPEN = "```json";
const KNOWLEDGE_CLOSE = "```";

/** The project's knowledge as the JSON block of the system prompt. */
export function knowledgeBlock(knowledge: ProjectKnowledge): string {
  return `${KNOWLEDGE_OPEN}\n${JSON.stringify({ facts: knowledge.facts, faq: knowledge.faq })}\n${KNOWLEDGE_CLOSE}`;
}

/** Reads the knowledge block back out of a system prompt. */
export function knowledgeFromPrompt(system: string): ProjectKnowledge | null {
  const match = /```json\n([\s\S]*?)\n```/.exec(system);
  if (!match?.[1]) return null;
  try {
    const parsed = JSON.parse(match[1]) as Partial<ProjectKnowledge>;
    return { facts: parsed.facts ?? {}, faq: parsed.faq ?? [] };
  } catch {
    return null;
  }
}

const AUTHOR_LABEL: Record<ThreadMessage["author"], string> = { client: "Клиент", agent: "Помощник", member: "Менеджер" };
const HISTORY_LIMIT = 20;
const MESSAGE_LIMIT = 1500;

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

function transcript(thread: readonly ThreadMessage[]): { author: string; text: string }[] {
  return thread.slice(-HISTORY_LIMIT).map((m) => ({ author: AUTHOR_LABEL[m.author], text: clip(m.text ?? "[без текста]", MESSAGE_LIMIT) }));
}

export function intentMessages(thread: readonly ThreadMessage[], freshText: string): ChatMessage[] {
  const system = [
    "Ты классифицируешь сообщения клиентов бизнеса в мессенджере. Ответь JSON по схеме.",
    "intent: purchase — хочет купить, заказать, записаться или узнаёт цену; question — спрашивает о бизнесе;",
    "support — уже клиент и у него вопрос или проблема (заказ, доставка, перенос записи); complaint — клиент недоволен, жалуется, требует вернуть деньги; spam — реклама, заработок, казино, крипта, рассылка; other — остальное.",
    "refusesPhone — клиент отказывается дать номер телефона или просит не звонить и писать в чате.",
    "wantsPerson — клиент просит живого человека, менеджера или оператора.",
    "isQuestion — в сообщении есть вопрос.",
  ].join("\n");
  const user = JSON.stringify({ conversation: transcript(thread.slice(0, -1)).slice(-6), newMessage: clip(freshText, 4000) });
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

function exampleText(example: WonExample): string {
  return example.messages
    .slice(0, 10)
    .map((m) => `${AUTHOR_LABEL[m.author]}: ${clip(m.text, 300)}`)
    .join("\n");
}

export function replyMessages(input: {
  projectName: string;
  knowledge: ProjectKnowledge;
  examples: readonly WonExample[];
  thread: readonly ThreadMessage[];
  plan: readonly AgentReply[];
  /** The owner's instructions (tone, what to offer, what not to say); the rules above still hold. */
  instructions?: string;
}): ChatMessage[] {
  const system = [
    `Ты — вежливый помощник «${input.projectName}» в мессенджере. Пиши по-русски, на «вы», коротко и по-человечески.`,
    "Правила:",
    "- Используй только сведения из «Знаний проекта» ниже и из переписки. Ничего не придумывай: ни цен, ни сроков, ни адресов, ни скидок, ни наличия.",
    "- Если ответа в знаниях нет, скажи, что это уточнит менеджер.",
    "- Тебе дан план ответа: верни те же сообщения в том же порядке и с теми же action. Текст можешь переформулировать, не меняя смысла.",
    "- Номер телефона в сообщении confirm пиши ровно как в плане. Не проси номер, если в плане нет ask_phone.",
    "",
    ...(input.instructions?.trim() ? ["Указания владельца о тоне и подаче (правила выше важнее):", input.instructions.trim(), ""] : []),
    "Знания проекта:",
    knowledgeBlock(input.knowledge),
    ...(input.examples.length
      ? ["", "Удачные диалоги этого проекта (как примеры тона, не как источник фактов):", ...input.examples.map((e, i) => `Пример ${i + 1}:\n${exampleText(e)}`)]
      : []),
  ].join("\n");
  const user = JSON.stringify({ conversation: transcript(input.thread), plan: input.plan });
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}
