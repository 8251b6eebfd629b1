// One turn of the first-contact agent: read the whole thread, decide what to say and where the lead
// goes. Pure and synchronous: the same thread and script always give the same decision, and
// nothing here touches a database or the network.
import { extractEntitiesFromMessages, type ExtractedEntities } from "../entities.ts";
import { analyzeMessage, detectSpam, type MessageKind, type MessageSignals } from "../intent.ts";
import { findAnswers } from "../knowledge.ts";
import { findPhone, findPhoneInMessages, formatPhone, joinSplitPhone, type PhoneFinding } from "../phone.ts";
import { answerFromCatalog, asksPrice } from "../sales/catalog.ts";
import { FIELD_ASKS, mentionedField, readField, type ExtraField } from "../sales/collect.ts";
import { allowedCatalogNumbers, AllowedNumbers } from "../sales/numbers.ts";
import { allowedOrderNumbers, ORDER_TEXTS, proposalText, readOrder, readProposalAnswer } from "../sales/order.ts";
import { matchObjection } from "../sales/objections.ts";
import { answerFromPassages } from "../sales/passages.ts";
import type { CollectField, TurnTrace } from "../sales/types.ts";
import { normalizeText } from "../stem.ts";
import { fillTemplate, type AgentScript } from "./script.ts";
import type {
  AgentAction,
  AgentReply,
  LeadTransition,
  OrderDecision,
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

// "за сколько сделаете", "какие сроки", "когда будет готово": a question about a term.
const TERM_CUE = /(?<![\p{L}])(какой срок|какие сроки|сроки|срок изготовлен|как долго|за сколько (дней|часов|недель|времени)|сколько (дней|времени|ждать)|когда (будет )?готов)/u;

/** Asks per optional field before the agent hands over without it. */
const MAX_FIELD_ASKS = 2;

/** What the client gave of the script's optional fields, reading the thread in order. */
function collectState(script: AgentScript, thread: readonly ThreadMessage[]) {
  const fields = script.collect.filter((f): f is ExtraField => f !== "phone");
  const collected: Partial<Record<CollectField, string>> = {};
  const asks: Partial<Record<ExtraField, number>> = {};
  let pending: ExtraField | null = null;
  const missing = () => fields.filter((f) => collected[f] === undefined);
  for (const m of thread) {
    if (m.author === "agent" && m.action === "ask_field") {
      pending = missing()[0] ?? null;
      if (pending) asks[pending] = (asks[pending] ?? 0) + 1;
    } else if (m.author === "client") {
      const text = textOf(m);
      for (const f of missing()) {
        const v = f === pending ? readField(f, text) : mentionedField(f, text);
        if (v) collected[f] = v;
      }
      pending = null;
    }
  }
  const next = missing().find((f) => (asks[f] ?? 0) < MAX_FIELD_ASKS) ?? null;
  return { collected, next };
}

/** Decides the agent's replies and the lead's transition for the client's latest message(s). */
export function decideTurn(input: TurnInput): TurnDecision {
  return guardNumbers(decideTurnRules(input), input);
}

/**
 * Every reply is checked for numbers the project's knowledge and the client's messages do not
 * hold: such a reply is replaced with the script's "a manager will answer this" line.
 */
export function guardNumbers(decision: TurnDecision, input: TurnInput): TurnDecision {
  if (decision.replies.length === 0) return decision;
  const allowed = allowedNumbersFor(input);
  let blocked = 0;
  const replies = decision.replies.map((r) => {
    if (allowed.invented(r.text).length === 0) return r;
    blocked++;
    return { action: r.action === "confirm" ? ("confirm" as const) : ("answer" as const), text: input.script.unknownQuestion };
  });
  if (!blocked) return decision;
  const used: TurnTrace = { passages: decision.used?.passages ?? [], rules: [...(decision.used?.rules ?? []), "number_guard"] };
  return { ...decision, replies, used };
}

/** The numbers an agent reply may contain in this conversation. */
export function allowedNumbersFor(input: Pick<TurnInput, "script" | "catalog" | "passages" | "thread" | "known">): AllowedNumbers {
  const allowed = new AllowedNumbers();
  const s = input.script;
  for (const value of Object.values(s)) if (typeof value === "string") allowed.addText(value);
  for (const v of Object.values(s.facts)) allowed.addText(v);
  for (const f of [...s.faq, ...s.objections]) {
    allowed.addText(f.a);
    for (const q of f.q) allowed.addText(q);
  }
  for (const p of input.passages ?? []) allowed.addText(p.title).addText(p.text);
  allowedCatalogNumbers(input.catalog, allowed);
  allowedOrderNumbers(input.catalog, input.thread.filter((m) => m.author === "client").map((m) => m.text), allowed);
  for (const m of input.thread) if (m.author === "client") allowed.addClientText(m.text);
  allowed.addClientText(input.known?.phone ?? null);
  return allowed;
}

function decideTurnRules(input: TurnInput): TurnDecision {
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
    signals.humanRequested ||= hints.humanRequested === true || hints.intent === "support" || hints.intent === "complaint";
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
  const rules: string[] = [];
  const usedPassages: TurnTrace["passages"] = [];
  const collect = collectState(script, input.thread);
  let order: OrderDecision | undefined;
  const say = (action: AgentAction, text: string) => replies.push({ action, text });
  const decide = (to: LeadTransition["to"], reason: TransitionReason): TurnDecision => ({
    replies,
    entities,
    transition: { to, reason },
    intent: signals.intent,
    phone,
    signals,
    silentReason: null,
    used: { passages: usedPassages, rules },
    collected: collect.collected,
    ...(order ? { order } : {}),
  });
  const stay = (reason: SilentReason = "small_talk"): TurnDecision => ({
    replies,
    entities,
    transition: null,
    intent: signals.intent,
    phone,
    signals,
    silentReason: replies.length ? null : reason,
    used: { passages: usedPassages, rules },
    collected: collect.collected,
    ...(order ? { order } : {}),
  });
  const confirm = (e164: string) => say("confirm", fillTemplate(script.confirmPhone, { phone: formatPhone(e164) }));

  if (!thread.greeted) say("greet", fillTemplate(script.greeting, { project: script.projectName }));

  // A topic the project keeps for people, a request for a person or an existing customer's problem.
  const personReason: TransitionReason | null = signals.handoffTopics.length
    ? "handoff_topic"
    : signals.humanRequested
      ? "human_requested"
      : signals.intent === "support" || signals.intent === "complaint"
        ? "support_request"
        : null;
  if (personReason) {
    if (newPhone && !knownPhone) confirm(newPhone);
    say("handoff", script.handoff);
    if (knownPhone) return decide("assigned", "phone_known");
    return newPhone ? decide("assigned", "phone_captured") : decide("needs_human", personReason);
  }

  // An order: «да» / «нет» to the pending proposal, or products ordered in the client's words.
  const answer = input.proposal && !signals.empty ? readProposalAnswer(freshText) : null;
  if (answer && input.proposal) {
    const status = input.proposal.status;
    if (status === "pending") {
      rules.push(`order_${answer}`);
      order = { kind: answer };
      if (answer === "cancel") say("answer", ORDER_TEXTS.cancelled);
      return stay();
    }
    if (answer === "confirm") {
      rules.push("order_stale");
      say("answer", status === "confirmed" ? ORDER_TEXTS.alreadyPlaced : ORDER_TEXTS.stale);
      return stay();
    }
  }
  const reading = signals.empty ? ({ kind: "none" } as const) : readOrder(input.catalog, freshText);
  if (reading.kind === "proposal" && input.catalog) {
    rules.push("order_proposal");
    order = { kind: "propose", lines: reading.lines };
    say("answer", proposalText(reading.lines, input.catalog.currency));
    return stay();
  }
  if (reading.kind === "problem") {
    rules.push("order_problem");
    for (const text of reading.answers) say("answer", text);
    return stay();
  }

  // What the project knows: its catalog, facts and FAQ, documents and objection answers.
  const history = input.thread.slice(0, input.thread.length - fresh.length).map(textOf);
  const agentSaid = input.thread.filter((m) => m.author === "agent").map(textOf);
  const catalogTurn = signals.empty ? { replies: [], asked: false } : answerFromCatalog(input.catalog, freshText, history, agentSaid);
  const catalogAnswers = catalogTurn.replies.filter((r) => r.rule !== "upsell");
  const objection = signals.empty ? null : matchObjection(script.objections, freshText);
  // The catalog is the live price list: where it priced what was asked, a FAQ entry about a price
  // would say it again, or say an older price.
  const catalogPriced = catalogAnswers.length > 0 && asksPrice(freshText);
  const knowledge = catalogPriced ? { ...script, faq: script.faq.filter((f) => !f.q.some(asksPrice)) } : script;
  const answers = signals.empty ? [] : findAnswers(knowledge, freshText);
  const passageAnswer =
    signals.empty || answers.length || catalogAnswers.length || objection ? null : answerFromPassages(input.passages, freshText);
  // A question about one product is answered with its photo; several products' photos would bury the text.
  const withPhoto = catalogAnswers.length === 1;
  for (const r of catalogAnswers) {
    replies.push({ action: "answer", text: r.text, ...(withPhoto && r.photoKey ? { photoKey: r.photoKey } : {}) });
    rules.push(r.rule);
  }
  for (const answer of answers) {
    say("answer", answer.text);
    rules.push(`${answer.source}:${answer.key}`);
  }
  if (passageAnswer) {
    say("answer", passageAnswer.text);
    usedPassages.push(...passageAnswer.passages);
    rules.push("passage");
  }
  if (objection) {
    say("answer", objection.a.trim());
    rules.push("objection");
  }
  for (const r of catalogTurn.replies.filter((x) => x.rule === "upsell")) {
    say("answer", r.text);
    rules.push(r.rule);
  }
  const answered = replies.some((r) => r.action === "answer");

  // A price or a term the project does not hold: a person answers it, never a guess.
  if (!answered && !signals.greetingOnly && (asksPrice(freshText) || TERM_CUE.test(normalizeText(freshText)))) {
    rules.push("unknown_price_or_term");
    if (newPhone && !knownPhone) confirm(newPhone);
    say("handoff", script.handoff);
    if (knownPhone || newPhone) return (decide("assigned", knownPhone ? "phone_known" : "phone_captured"));
    return (decide("needs_human", "question_needs_person"));
  }

  if (knownPhone || newPhone) {
    // The number is on file or just given: never ask for it again; the script's other fields
    // are asked one by one, then the lead goes to a manager.
    if (newPhone && !knownPhone) confirm(newPhone);
    if (collect.next) {
      rules.push(`collect:${collect.next}`);
      say("ask_field", script.fieldAsks[collect.next] || FIELD_ASKS[collect.next]);
      return (stay());
    }
    say("handoff", script.handoff);
    return (knownPhone ? decide("assigned", "phone_known") : decide("assigned", "phone_captured"));
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

  const unanswered = signals.question && !answered && !signals.greetingOnly;
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
