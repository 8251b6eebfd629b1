import type { ExtractedEntities } from "../entities.ts";
import type { Intent, MessageKind, MessageSignals } from "../intent.ts";
import type { PhoneFinding } from "../phone.ts";
import type { ProposedLine } from "../sales/order.ts";
import type { AgentCatalog, CollectField, KnowledgePassage, TurnTrace } from "../sales/types.ts";
import type { AgentScript } from "./script.ts";

export type LeadStage = "bot" | "assigned" | "needs_human" | "low_quality" | "spam" | "won" | "lost";
export const LEAD_STAGES: readonly LeadStage[] = ["bot", "assigned", "needs_human", "low_quality", "spam", "won", "lost"];

/** What an agent message did, recorded on the message so behaviour can be measured. */
export type AgentAction = "greet" | "answer" | "ask_phone" | "ask_field" | "confirm" | "handoff" | "decline";
export const AGENT_ACTIONS: readonly AgentAction[] = ["greet", "answer", "ask_phone", "ask_field", "confirm", "handoff", "decline"];

export type MessageAuthor = "client" | "agent" | "member";

export interface ThreadMessage {
  author: MessageAuthor;
  /** Text or caption; null for a sticker or a photo without caption. */
  text: string | null;
  kind?: MessageKind;
  /** Set on agent messages. */
  action?: AgentAction | null;
  sentAt: Date | string;
}

/** What the contact record already holds. */
export interface KnownContact {
  phone?: string | null;
  name?: string | null;
  email?: string | null;
}

/** Signals from a language model that refine the rules (see llm/). */
export interface IntentHints {
  intent?: Intent;
  refusal?: boolean;
  humanRequested?: boolean;
  question?: boolean;
}

export interface TurnInput {
  script: AgentScript;
  /** The whole conversation so far, oldest first, including the client's new message(s). */
  thread: readonly ThreadMessage[];
  known?: KnownContact;
  /** The conversation's stage now; `bot` unless given. */
  stage?: LeadStage;
  hints?: IntentHints;
  /** The project's price list, when it has one. */
  catalog?: AgentCatalog;
  /** Passages of the project's documents found for the client's new message(s), best first. */
  passages?: readonly KnowledgePassage[];
  /** The conversation's latest order proposal, when there is one: what «да» or «нет» answers. */
  proposal?: { status: ProposalStatus };
}

export type ProposalStatus = "pending" | "expired" | "confirmed" | "cancelled";

/** What the turn does about an order: propose one, or confirm / drop the pending proposal. */
export type OrderDecision = { kind: "propose"; lines: ProposedLine[] } | { kind: "confirm" } | { kind: "cancel" };

export interface AgentReply {
  text: string;
  action: AgentAction;
  /** A catalog product's photo to send with the text, where the channel allows. */
  photoKey?: string | null;
}

export type TransitionReason =
  | "phone_captured"
  | "phone_known"
  | "handoff_topic"
  | "human_requested"
  | "support_request"
  | "question_needs_person"
  | "invalid_phone_attempts"
  | "phone_refused"
  | "spam"
  | "silence_timeout";

export interface LeadTransition {
  to: LeadStage;
  reason: TransitionReason;
}

export type SilentReason = "stage" | "handed_off" | "nothing_new" | "spam" | "small_talk";

export interface TurnDecision {
  /** Messages to send, in order; empty when the agent stays silent. */
  replies: AgentReply[];
  /** Everything learnt from the client's messages; `phone` only when valid (E.164). */
  entities: ExtractedEntities;
  /** The stage change to record, or null to stay where it is. */
  transition: LeadTransition | null;
  /** Routing intent of the client's new message(s). */
  intent: Intent;
  /** The phone finding in the new message(s): valid, invalid (said so) or none. */
  phone: PhoneFinding;
  signals: MessageSignals | null;
  /** Why there is nothing to say, when replies is empty. */
  silentReason: SilentReason | null;
  /** The passages and rules this turn's replies came from. */
  used?: TurnTrace;
  /** Fields the client gave in answer to the agent's questions (the script's `collect`). */
  collected?: Partial<Record<CollectField, string>>;
  /** An order proposed, confirmed or dropped by the client this turn (the domain stores it). */
  order?: OrderDecision;
}

export type { AgentScript };
