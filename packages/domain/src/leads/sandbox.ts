// «Проверить агента»: the owner writes to the project's agent as a client would. The same turn the
// pipeline runs, on a conversation that lives only in the request: nothing reaches the inbox.
import type { AgentAction, KnownContact, ThreadMessage } from "@threadline/ai";
import type { InTenant } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { agentTurn, recordUsage, type LeadDeps } from "./agent.ts";
import { loadAgentConfig } from "./settings.ts";

export { AGENT_ACTIONS } from "@threadline/ai";

export type SandboxMessage = { author: "client" | "agent"; text: string; action?: AgentAction | null };

export type SandboxTurn = {
  replies: { text: string; action: AgentAction }[];
  /** The passages the replies came from, with their text, and the rules that fired. */
  passages: { id: string; title: string; text: string }[];
  rules: string[];
  /** What the client told so far (the next turn sends it back). */
  known: KnownContact;
  /** Where the lead would go now: a person takes it on assigned / needs_human. */
  stage: string;
  mode: "llm" | "fallback" | "rules";
};

/**
 * One sandbox turn, read in short transactions with none open while the model answers (decision
 * 059). The model's usage is counted for the project like any other turn's.
 */
export async function sandboxTurn(
  inTenant: InTenant,
  member: Member,
  deps: Pick<LeadDeps, "secretKey" | "endpoints" | "logger" | "health">,
  input: { messages: readonly SandboxMessage[]; known?: KnownContact },
): Promise<SandboxTurn> {
  assertCan(member, "agent.manage");
  const config = await inTenant((tx) => loadAgentConfig(tx, member.projectId));
  const base = Date.now() - input.messages.length * 1000;
  const thread: ThreadMessage[] = input.messages.map((m, i) => ({ author: m.author, text: m.text, kind: "text", action: m.action ?? null, sentAt: new Date(base + i * 1000) }));
  const known: KnownContact = { phone: input.known?.phone ?? null, name: input.known?.name ?? null, email: input.known?.email ?? null };
  const reads = { read: inTenant, beforeWait: async () => undefined };
  const { decision, usage, retrieved } = await agentTurn(reads, deps, config, { projectId: member.projectId, thread, known, stage: "bot", conversationId: null });
  if (usage.length) await inTenant((tx) => recordUsage(tx, member.projectId, null, usage));
  const textOf = new Map(retrieved.map((p) => [p.id, p.text]));
  const used = decision.used ?? { passages: [], rules: [] };
  return {
    replies: decision.replies.map((r) => ({ text: r.text, action: r.action })),
    passages: used.passages.map((p) => ({ id: p.id, title: p.title, text: textOf.get(p.id) ?? "" })),
    rules: used.rules,
    known: {
      phone: known.phone ?? decision.entities.phone ?? null,
      name: known.name ?? decision.collected?.name ?? decision.entities.name ?? null,
      email: known.email ?? decision.entities.email ?? null,
    },
    stage: decision.transition?.to ?? "bot",
    mode: decision.mode ?? "rules",
  };
}
