// The copilot in the inbox: a suggested reply for the manager and a summary of the conversation
// for the contact panel, read from the whole thread (voice notes and PDFs as their text), the
// project's documents, catalog, saved replies and won dialogs. Nothing is stored but the model's
// usage (features `copilot` and `copilot_summary`), so spend stays true; nothing is sent.
// No transaction is open while the model answers.
import { asc } from "drizzle-orm";
import { clientQuestion, suggestReply, summarizeConversation, type ConversationSummary, type CopilotInput, type CopilotSource, type LlmUsage } from "@threadline/ai";
import { replyTemplates, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { redactText } from "../access/redact.ts";
import { getConversation } from "../conversations/thread.ts";
import { PUBLIC_ENDPOINTS } from "../endpoints.ts";
import { embedQuery, hasEmbeddedPassages } from "../knowledge/embeddings.ts";
import { agentCatalog, searchPassages } from "../knowledge/service.ts";
import { MAX_TEMPLATES } from "../templates/service.ts";
import { llmConfigOf, loadThread, recordUsage, wonExamplesFor, type LeadDeps } from "./agent.ts";
import { loadAgentConfig } from "./settings.ts";
import type { InTenant } from "../voice/speech.ts";

type Deps = Pick<LeadDeps, "secretKey" | "endpoints" | "logger" | "health">;

export type CopilotView = {
  text: string;
  sources: CopilotSource[];
  /** The passages the suggestion may rest on, with their text, for the manager to check. */
  passages: { id: string; title: string; text: string }[];
  mode: "rules" | "llm" | "fallback";
};

export type SummaryView = Omit<ConversationSummary, "usage">;

async function readConversation(tx: Tx, member: Member, deps: Deps, conversationId: string) {
  // NOT_FOUND for another tenant's id or a conversation hidden from this member.
  const c = await getConversation(tx, member, conversationId);
  const config = await loadAgentConfig(tx, member.projectId);
  const { messages: thread } = await loadThread(tx, conversationId);
  const llm = llmConfigOf(config, deps.secretKey, (deps.endpoints ?? PUBLIC_ENDPOINTS).openaiBaseUrl);
  const known = { phone: c.contact.phone, name: c.contact.name || null, email: c.contact.email };
  return { c, config, thread, llm, known };
}

// Each function below reads what the prompt needs in one short transaction, calls the model with
// no transaction open (a model takes seconds; a pooled connection held that long starves every
// other request), then stores the usage in a second short one (decision 059).

/** The suggested reply to what the client wrote last. */
export async function copilotSuggestion(inTenant: InTenant, member: Member, deps: Deps, conversationId: string, signal?: AbortSignal): Promise<CopilotView> {
  assertCan(member, "conversations.reply");
  const read = await inTenant(async (tx) => {
    const { c, config, thread, llm, known } = await readConversation(tx, member, deps, conversationId);
    const question = clientQuestion(thread);
    const passages = question ? await searchPassages(tx, question) : [];
    const byMeaning = question && (await hasEmbeddedPassages(tx, config)) ? { question, config } : null;
    const firstName = c.contact.name.trim().split(/\s+/)[0] ?? "";
    const saved = await tx.select({ id: replyTemplates.id, title: replyTemplates.title, text: replyTemplates.text }).from(replyTemplates).orderBy(asc(replyTemplates.title)).limit(MAX_TEMPLATES);
    const input: CopilotInput = {
      script: config.script,
      thread,
      known,
      catalog: await agentCatalog(tx),
      passages,
      // «{имя}» as the reply box fills it: the first name, or gone with its comma.
      savedReplies: saved.map((s) => ({ ...s, text: firstName ? s.text.replaceAll("{имя}", firstName) : s.text.replace(/\{имя\},?\s*/g, "") })),
      examples: llm ? await wonExamplesFor(tx) : [],
    };
    return { input, llm, passages, byMeaning };
  });
  const { input, llm, byMeaning } = read;
  let passages = read.passages;
  const usage: LlmUsage[] = [];
  // By meaning too (decision 066): the question embedded with no transaction open, then searched again.
  const meaning = byMeaning ? await embedQuery(deps, byMeaning.config, member.projectId, byMeaning.question, signal) : null;
  if (meaning && byMeaning) {
    passages = await inTenant((tx) => searchPassages(tx, byMeaning.question, undefined, meaning.query));
    input.passages = passages;
    usage.push(meaning.usage);
  }
  const suggestion = await suggestReply(input, llm, signal);
  usage.push(...suggestion.usage);
  if (suggestion.mode === "fallback") deps.logger?.warn({ conversationId, numberGuard: suggestion.numberGuard }, "copilot model failed, rules suggested");
  if (usage.length) await inTenant((tx) => recordUsage(tx, member.projectId, conversationId, usage));
  const used = new Set(suggestion.sources.flatMap((s) => (s.kind === "passage" ? [s.id] : [])));
  return {
    text: redactText(member, suggestion.text),
    sources: suggestion.sources,
    passages: passages.filter((p) => used.has(p.id)).map((p) => ({ id: p.id, title: p.title, text: redactText(member, p.text) })),
    mode: suggestion.mode,
  };
}

/** The conversation's summary for the contact panel. */
export async function copilotSummary(inTenant: InTenant, member: Member, deps: Deps, conversationId: string, signal?: AbortSignal): Promise<SummaryView> {
  assertCan(member, "inbox.use");
  const { config, thread, llm, known } = await inTenant((tx) => readConversation(tx, member, deps, conversationId));
  const { usage, ...summary } = await summarizeConversation({ script: config.script, thread, known }, llm, signal);
  if (usage.length) await inTenant((tx) => recordUsage(tx, member.projectId, conversationId, usage));
  const hidePhone = member.hiddenFields.has("contact.phone");
  return {
    ...summary,
    wants: redactText(member, summary.wants),
    budget: redactText(member, summary.budget),
    date: redactText(member, summary.date),
    objections: summary.objections.map((o) => redactText(member, o)),
    phone: hidePhone ? null : summary.phone,
  };
}
