// The agent turn with a language model: the model classifies the client's message and words the
// replies, inside limits the rules keep. The phone is still found and validated by the rules, the
// stage transitions are the rules' decision, and any model failure falls back to the rules' reply.
import { decideTurn } from "../agent/turn.ts";
import type { AgentReply, ThreadMessage, TurnDecision, TurnInput } from "../agent/types.ts";
import type { LlmUsage } from "../usage.ts";
import { createLlmClient, LlmError, type LlmClient, type LlmConfig, type LlmErrorKind } from "./client.ts";
import { pickWonExamples, type WonExample } from "./examples.ts";
import {
  INTENT_SCHEMA,
  INTENT_SCHEMA_NAME,
  intentMessages,
  knowledgeBlock,
  readIntentVerdict,
  readReplies,
  REPLY_SCHEMA,
  REPLY_SCHEMA_NAME,
  replyMessages,
} from "./prompt.ts";

export interface LlmTurnOptions {
  /** The project's model, or its configuration. */
  llm: LlmClient | LlmConfig;
  /** The project's won dialogs; the most similar go into the model's context. */
  examples?: readonly WonExample[];
  maxExamples?: number;
}

export interface LlmTurnDecision extends TurnDecision {
  /** `llm`: the model classified and worded; `fallback`: it failed and the rules answered; `rules`: no call was needed. */
  mode: "llm" | "fallback" | "rules";
  /** One record per model call that got an answer, to be stored for spend analytics. */
  usage: LlmUsage[];
  llmError: { kind: LlmErrorKind; message: string } | null;
}

const MAX_REPLY_CHARS = 1200;

function freshClientText(thread: readonly ThreadMessage[]): string {
  const out: string[] = [];
  for (let i = thread.length - 1; i >= 0 && thread[i]?.author === "client"; i--) out.unshift(thread[i]?.text ?? "");
  return out.join("\n");
}

/** Digit runs of a text, with "1 800" read as one number. */
function numbers(text: string): string[] {
  return text.replace(/(\d)[\s\u00a0](?=\d)/g, "$1").match(/\d+/g) ?? [];
}

/**
 * The model's wording where it keeps the plan: the same actions in the same order, no number that
 * the knowledge, the conversation or the plan do not contain, the confirmed phone intact. A
 * message that breaks a rule keeps the rules' text; a different plan is rejected whole.
 */
function keepPlan(plan: readonly AgentReply[], proposed: readonly AgentReply[], allowed: ReadonlySet<string>): AgentReply[] | null {
  if (proposed.length !== plan.length || proposed.some((p, i) => p.action !== plan[i]?.action)) return null;
  return plan.map((planned, i) => {
    const text = proposed[i]?.text.trim() ?? "";
    const invented = numbers(text).some((n) => !allowed.has(n));
    const phoneKept = planned.action !== "confirm" || numbers(text).join("").includes(numbers(planned.text).join(""));
    return text && text.length <= MAX_REPLY_CHARS && !invented && phoneKept ? { action: planned.action, text } : planned;
  });
}

function failure(error: unknown, usage: LlmUsage[]): LlmTurnDecision["llmError"] {
  const e = error instanceof LlmError ? error : new LlmError("request", error instanceof Error ? error.message : String(error));
  if (e.usage) usage.push(e.usage);
  return { kind: e.kind, message: e.message };
}

/** Decides a turn with the project's model; same input and output shapes as `decideTurn`, plus usage. */
export async function decideTurnWithLlm(input: TurnInput, options: LlmTurnOptions): Promise<LlmTurnDecision> {
  const llm = "completeJson" in options.llm ? options.llm : createLlmClient(options.llm);
  const usage: LlmUsage[] = [];
  const rules = decideTurn(input);
  if (rules.silentReason === "stage" || rules.silentReason === "handed_off" || rules.silentReason === "nothing_new") {
    return { ...rules, mode: "rules", usage, llmError: null };
  }

  // The model weighs in where the rules would simply keep the lead in `bot`; a phone, a handoff
  // topic, spam or a refusal past the last ask are settled by the rules alone.
  let decision = rules;
  if (rules.transition === null) {
    try {
      const verdict = await llm.completeJson({
        feature: "agent_intent",
        schemaName: INTENT_SCHEMA_NAME,
        schema: INTENT_SCHEMA,
        messages: intentMessages(input.thread, freshClientText(input.thread)),
        read: readIntentVerdict,
      });
      usage.push(verdict.usage);
      const v = verdict.value;
      decision = decideTurn({
        ...input,
        hints: { intent: v.intent, refusal: v.refusesPhone, humanRequested: v.wantsPerson, question: v.isQuestion },
      });
    } catch (error) {
      return { ...rules, mode: "fallback", usage, llmError: failure(error, usage) };
    }
  }
  if (decision.replies.length === 0) return { ...decision, mode: "llm", usage, llmError: null };

  const clientText = input.thread.filter((m) => m.author === "client").map((m) => m.text ?? "").join("\n");
  const examples = pickWonExamples(options.examples ?? [], clientText, options.maxExamples ?? 3).map((s) => s.example);
  const allowed = new Set([
    ...numbers(knowledgeBlock(input.script)),
    ...numbers(input.script.projectName),
    ...input.thread.flatMap((m) => numbers(m.text ?? "")),
    ...decision.replies.flatMap((r) => numbers(r.text)),
    ...(decision.entities.phone ? numbers(decision.entities.phone) : []),
  ]);
  try {
    const worded = await llm.completeJson({
      feature: "agent_reply",
      schemaName: REPLY_SCHEMA_NAME,
      schema: REPLY_SCHEMA,
      messages: replyMessages({ projectName: input.script.projectName, knowledge: input.script, examples, thread: input.thread, plan: decision.replies, instructions: input.script.instructions }),
      read: readReplies,
    });
    usage.push(worded.usage);
    const replies = keepPlan(decision.replies, worded.value, allowed);
    if (!replies) throw new LlmError("invalid_output", "The model's reply does not follow the plan");
    return { ...decision, replies, mode: "llm", usage, llmError: null };
  } catch (error) {
    return { ...decision, mode: "fallback", usage, llmError: failure(error, usage) };
  }
}
