// The manager's copilot: after the handoff, a suggested reply to what the client asked last, from
// the project's own knowledge. Without a model the suggestion is the matching catalog answer, fact
// or FAQ answer, document passage, objection answer or saved reply, as written; with a model it
// words one reply from the thread and that same material. Either way it is only a suggestion (the
// manager edits and sends it) and it never carries a number the project and the client did not give.
import type { AgentScript } from "../agent/script.ts";
import { allowedNumbersFor } from "../agent/turn.ts";
import type { KnownContact, ThreadMessage } from "../agent/types.ts";
import { findAnswers } from "../knowledge.ts";
import { createLlmClient, LlmError, type LlmClient, type LlmConfig } from "../llm/client.ts";
import { pickWonExamples, type WonExample } from "../llm/examples.ts";
import { answerFromCatalog } from "../sales/catalog.ts";
import { matchObjection } from "../sales/objections.ts";
import { answerFromPassages } from "../sales/passages.ts";
import type { AgentCatalog, KnowledgePassage } from "../sales/types.ts";
import type { LlmUsage } from "../usage.ts";
import { copilotMessages, COPILOT_SCHEMA, COPILOT_SCHEMA_NAME, readCopilotReply, type SavedReply } from "./prompt.ts";

export type { SavedReply } from "./prompt.ts";

export interface CopilotInput {
  script: AgentScript;
  /** The whole thread, oldest first; voice notes and PDFs read as their transcript. */
  thread: readonly ThreadMessage[];
  known?: KnownContact;
  catalog?: AgentCatalog;
  /** Passages found for the client's question, best first. */
  passages?: readonly KnowledgePassage[];
  /** The project's saved replies (templates), with «{имя}» already filled. */
  savedReplies?: readonly SavedReply[];
  examples?: readonly WonExample[];
}

/** What a suggestion is based on, shown to the manager under it. */
export type CopilotSource =
  | { kind: "catalog"; title: string }
  | { kind: "fact" | "faq" | "objection"; title: string }
  | { kind: "passage"; id: string; title: string }
  | { kind: "saved_reply"; id: string; title: string }
  | { kind: "model"; title: string };

export interface CopilotSuggestion {
  /** Empty when nothing the project knows answers the client. */
  text: string;
  sources: CopilotSource[];
  /** The client's words the suggestion answers. */
  question: string;
  mode: "rules" | "llm" | "fallback";
  usage: LlmUsage[];
  /** The model's reply held a number the project does not hold: the rules' suggestion stands. */
  numberGuard?: boolean;
}

/** The client's last words: their messages since anyone else wrote, or their last message. */
export function clientQuestion(thread: readonly ThreadMessage[]): string {
  const out: string[] = [];
  for (let i = thread.length - 1; i >= 0; i--) {
    const m = thread[i]!;
    if (m.author !== "client") {
      if (out.length) break;
      continue;
    }
    out.unshift(m.text ?? "");
  }
  return out.join("\n").trim();
}

/** The rules' suggestion: the project's own answers to the question, as written. */
export function suggestWithRules(input: CopilotInput): CopilotSuggestion {
  const question = clientQuestion(input.thread);
  const parts: string[] = [];
  const sources: CopilotSource[] = [];
  if (!question) return { text: "", sources, question, mode: "rules", usage: [] };
  const texts = input.thread.map((m) => m.text ?? "");
  const agentSaid = input.thread.filter((m) => m.author !== "client").map((m) => m.text ?? "");
  for (const r of answerFromCatalog(input.catalog, question, texts.slice(0, -1), agentSaid).replies) {
    if (r.rule === "upsell") continue;
    parts.push(r.text);
    sources.push({ kind: "catalog", title: r.rule });
  }
  for (const a of findAnswers(input.script, question)) {
    parts.push(a.text);
    sources.push({ kind: a.source, title: a.key });
  }
  const passage = parts.length ? null : answerFromPassages(input.passages, question);
  if (passage) {
    parts.push(passage.text);
    for (const p of passage.passages) sources.push({ kind: "passage", id: p.id, title: p.title });
  }
  const objection = matchObjection(input.script.objections, question);
  if (objection) {
    parts.push(objection.a.trim());
    sources.push({ kind: "objection", title: objection.q[0] ?? "" });
  }
  if (!parts.length) {
    // A saved reply whose title or text reads like the question, matched as an FAQ entry would be.
    const saved = input.savedReplies ?? [];
    const [best] = findAnswers({ facts: {}, faq: saved.map((s) => ({ q: [s.title, s.text], a: s.text })) }, question, 1);
    const chosen = best ? saved.find((s) => s.text === best.text) : undefined;
    if (chosen) {
      parts.push(chosen.text);
      sources.push({ kind: "saved_reply", id: chosen.id, title: chosen.title });
    }
  }
  return { text: parts.join("\n\n"), sources, question, mode: "rules", usage: [] };
}

/**
 * The suggestion for the manager: the model's when the project has one, else the rules'. A model
 * failure or a reply with an invented number gives the rules' suggestion instead.
 */
export async function suggestReply(input: CopilotInput, llmOption?: LlmClient | LlmConfig | null, signal?: AbortSignal): Promise<CopilotSuggestion> {
  const rules = suggestWithRules(input);
  if (!llmOption || !rules.question) return rules;
  const llm = "completeJson" in llmOption ? llmOption : createLlmClient(llmOption);
  const usage: LlmUsage[] = [];
  const examples = pickWonExamples(input.examples ?? [], rules.question, 3).map((s) => s.example);
  try {
    const result = await llm.completeJson({
      feature: "copilot",
      schemaName: COPILOT_SCHEMA_NAME,
      schema: COPILOT_SCHEMA,
      messages: copilotMessages({ ...input, examples, question: rules.question, rulesSuggestion: rules.text }),
      read: readCopilotReply,
      signal,
    });
    usage.push(result.usage);
    const text = result.value.trim();
    const allowed = allowedNumbersFor({ script: input.script, catalog: input.catalog, passages: input.passages, thread: input.thread, known: input.known });
    for (const s of input.savedReplies ?? []) allowed.addText(s.text);
    if (!text || allowed.invented(text).length) return { ...rules, mode: "fallback", usage, numberGuard: !!text };
    const passages = (input.passages ?? []).slice(0, 3).map((p) => ({ kind: "passage" as const, id: p.id, title: p.title }));
    const sources = [{ kind: "model" as const, title: llm.model }, ...rules.sources.filter((s) => s.kind !== "passage"), ...passages];
    return { text, sources, question: rules.question, mode: "llm", usage };
  } catch (error) {
    if (error instanceof LlmError && error.usage) usage.push(error.usage);
    return { ...rules, mode: "fallback", usage };
  }
}
