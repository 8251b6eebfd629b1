// One turn of the first-contact agent: read the whole thread, decide what to say and where the lead
// goes. Pure and synchronous: the same thread and script always give the same decision, and
// nothing here touches a database or the network.
import { extractEntitiesFromMessages, type ExtractedEntities } from "../entities.ts";
import { analyzeMessage, detectSpam, type MessageKind, type MessageSignals } from "../intent.ts";
import { findAnswers } from "../knowledge.ts";
import { findPhone, findPhoneInMessages, formatPhone, joinSplitPhone, type PhoneFinding } from "../phone.ts";
import { fillTemplate, type AgentScript } from "./script.ts";
import type {
  AgentAction,
  AgentReply,
  LeadTransition,
  SilentReason,
  ThreadMessage,
  TransitionReason,
  TurnDecision,
  TurnInput,
} from "./types.ts";

// Past this many asks the client keeps sending numbers that are not valid: a person sorts it out.
const EXTRA_ASKS_FOR_INVALID_NUMBERS = 2;

const CARD_NUMBER_REPLY = "Похоже, это номер карты, а не телефона. Данные карты присылать не нужно — напишите, пожалуйста, номер телефона.";
const SERVICE_NUMBER_REPLY = "Это номер горячей линии, а нужен ваш личный номер — так менеджер сможет с вами связаться.";

function textOf(message: ThreadMessage): string {
  return message.text ?? "";
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}

/** Reads the thread into what the turn needs: the client's new messages and the history before. */
function readThread(input: TurnInput) {
  const { thread } = input;
  const lastNonClient = lastIndexWhere(thread, (m) => m.author !== "client");
  const fresh = thread.slice(lastNonClient + 1);
  const client = thread.filter((m) => m.author === "client");
  const earlier = client.slice(0, client.length - fresh.length);
  const agent = thread.filter((m) => m.author === "agent");
  const last = thread[lastNonClient];
  return {
    fresh,
    client,
    earlier,
    asks: agent.filter((m) => m.action === "ask_phone").length,
    greeted: lastNonClient >= 0,
    handedOff: agent.some((m) => m.action === "handoff"),
    afterPhoneAsk: last?.author === "agent" && last.action === "ask_phone",
  };
}

function freshKind(fresh: readonly ThreadMessage[]): MessageKind {
  if (fresh.length > 0 && fresh.every((m) => m.kind === "sticker")) return "sticker";
  return fresh.length === 1 ? (fresh[0]?.kind ?? "text") : "text";
}

/** The phone in the new messages, including one that began in the client's previous message. */
function freshPhone(earlier: readonly ThreadMessage[], fresh: readonly ThreadMessage[], expectingPhone: boolean): PhoneFinding {
  const texts = fresh.map(textOf);
  const finding = findPhoneInMessages(texts, { expectingPhone });
  if (finding.kind === "valid") return finding;
  const before = earlier.at(-1);
  if (before && texts[0] !== undefined) {
    const joined = joinSplitPhone(textOf(before), texts[0]);
    if (joined.kind === "valid") return joined;
  }
  return finding;
}

const businessPhoneCache = new WeakMap<AgentScript, Set<string>>();

/** The business's own numbers in its facts and FAQ: a client quoting them is not leaving a contact. */
function businessPhones(script: AgentScript): Set<string> {
  let phones = businessPhoneCache.get(script);
  if (!phones) {
    phones = new Set<string>();
    const texts = [...Object.values(script.facts), ...script.faq.map((f) => f.a)];
    for (const text of texts) {
      const found = findPhone(text);
      if (found.kind === "valid") phones.add(found.e164);
    }
    businessPhoneCache.set(script, phones);
  }
  return phones;
}

function silent(
  reason: SilentReason,
  entities: ExtractedEntities,
  phone: PhoneFinding,
  signals: MessageSignals | null,
  transition: LeadTransition | null = null,
): TurnDecision {
  return { replies: [], entities, transition, intent: signals?.intent ?? "other", phone, signals, silentReason: reason };
}

/** Decides the agent's replies and the lead's transition for the client's latest message(s). */
export function decideTurn(input: TurnInput): TurnDecision {
  const script: AgentScript = input.script;
  const stage = input.stage ?? "bot";
  const thread = readThread(input);
  const { fresh, earlier, asks } = thread;

  const own = businessPhones(script);
  const notOwn = (finding: PhoneFinding): PhoneFinding => (finding.kind === "valid" && own.has(finding.e164) ? { kind: "none" } : finding);
  const threadPhone = earlier.length ? notOwn(findPhoneInMessages(earlier.map(textOf))) : ({ kind: "none" } as PhoneFinding);
  const phone = notOwn(freshPhone(earlier, fresh, thread.afterPhoneAsk));
  const newPhone = phone.kind === "valid" ? phone.e164 : null;
  const knownPhone = input.known?.phone || (threadPhone.kind === "valid" ? threadPhone.e164 : null);
  const entities: ExtractedEntities = extractEntitiesFromMessages(thread.client.map(textOf));
  const capturedPhone = newPhone ?? (threadPhone.kind === "valid" ? threadPhone.e164 : null);
  if (capturedPhone) entities.phone = capturedPhone;

  // After a handoff or a final stage the agent is quiet, except that a lead marked low quality
  // who now sends a valid number is captured after all.
  const reopening = stage === "low_quality" && newPhone !== null && !knownPhone;
  if (stage !== "bot" && !reopening) return silent("stage", entities, phone, null);
  if (thread.handedOff && !reopening) return silent("handed_off", entities, phone, null);
  if (fresh.length === 0) return silent("nothing_new", entities, phone, null);

  const freshText = fresh.map(textOf).join("\n");
  const signals = analyzeMessage(freshText, {
    handoffTopics: script.handoffTopics,
    afterPhoneAsk: thread.afterPhoneAsk,
    kind: freshKind(fresh),
  });
  const hints = input.hints;
  if (hints) {
    if (hints.intent) signals.intent = hints.intent;
    signals.refusal ||= hints.refusal === true;
    signals.humanRequested ||= hints.humanRequested === true || hints.intent === "support";
    signals.question ||= hints.question === true;
    // A valid number is never thrown away on a model's word.
    signals.spam ||= hints.intent === "spam" && newPhone === null;
  }

  // Spam is judged on how a conversation starts: once the client has written something real,
  // a later odd message does not bury the lead.
  const earlierReal = earlier.some((m) => /\p{L}/u.test(textOf(m)) && !detectSpam(textOf(m)).spam);
  if (signals.spam && !earlierReal && !knownPhone) {
    return silent("spam", entities, phone, signals, { to: "spam", reason: "spam" });
  }

  const replies: AgentReply[] = [];
  const say = (action: AgentAction, text: string) => replies.push({ action, text });
  const decide = (to: LeadTransition["to"], reason: TransitionReason): TurnDecision => ({
    replies,
    entities,
    transition: { to, reason },
    intent: signals.intent,
    phone,
    signals,
    silentReason: null,
  });
  const stay = (reason: SilentReason = "small_talk"): TurnDecision => ({
    replies,
    entities,
    transition: null,
    intent: signals.intent,
    phone,
    signals,
    silentReason: replies.length ? null : reason,
  });
  const confirm = (e164: string) => say("confirm", fillTemplate(script.confirmPhone, { phone: formatPhone(e164) }));

  if (!thread.greeted) say("greet", fillTemplate(script.greeting, { project: script.projectName }));

  // A topic the project keeps for people, a request for a person or an existing customer's problem.
  const personReason: TransitionReason | null = signals.handoffTopics.length
    ? "handoff_topic"
    : signals.humanRequested
      ? "human_requested"
      : signals.intent === "support"
        ? "support_request"
        : null;
  if (personReason) {
    if (newPhone && !knownPhone) confirm(newPhone);
    say("handoff", script.handoff);
    if (knownPhone) return decide("assigned", "phone_known");
    return newPhone ? decide("assigned", "phone_captured") : decide("needs_human", personReason);
  }

  const answers = signals.empty ? [] : findAnswers(script, freshText);
  for (const answer of answers) say("answer", answer.text);

  if (knownPhone) {
    // The contact's number is on file: never ask for it, hand the lead over.
    say("handoff", script.handoff);
    return decide("assigned", "phone_known");
  }
  if (newPhone) {
    confirm(newPhone);
    say("handoff", script.handoff);
    return decide("assigned", "phone_captured");
  }

  if (signals.refusal) {
    if (asks >= script.maxPhoneAsks) {
      say("decline", script.decline);
      return decide("low_quality", "phone_refused");
    }
    say("ask_phone", script.reAskPhone);
    return stay();
  }

  if (phone.kind === "invalid") {
    if (asks >= script.maxPhoneAsks + EXTRA_ASKS_FOR_INVALID_NUMBERS) {
      say("handoff", script.handoff);
      return decide("needs_human", "invalid_phone_attempts");
    }
    const text =
      phone.reason === "card_number"
        ? CARD_NUMBER_REPLY
        : phone.reason === "service_number"
          ? SERVICE_NUMBER_REPLY
          : fillTemplate(script.invalidPhone, { number: phone.raw });
    say("ask_phone", text);
    return stay();
  }

  if (signals.phoneWhy) {
    say(asks < script.maxPhoneAsks ? "ask_phone" : "answer", script.reAskPhone);
    return stay();
  }

  const unanswered = signals.question && answers.length === 0 && !signals.greetingOnly;
  // Thanks, "ок", an emoji or a sticker after the agent has already asked: nothing to add.
  const nothingNew = signals.smallTalk && !signals.question && thread.greeted && asks > 0;
  if (nothingNew) return stay("small_talk");

  if (asks < script.maxPhoneAsks) {
    const ask = asks === 0 ? script.askPhone : script.askPhoneAgain;
    say("ask_phone", unanswered ? `${script.unknownQuestion} ${ask}` : ask);
    return stay();
  }
  if (unanswered) {
    // The asks are spent and the knowledge has no answer: a person should reply.
    say("handoff", script.handoff);
    return decide("needs_human", "question_needs_person");
  }
  return stay();
}
