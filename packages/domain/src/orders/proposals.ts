import { and, desc, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import { PROPOSAL_TTL_MINUTES, proposalText, proposalTotal, type ProposalStatus, type ProposedLine } from "@threadline/ai";
import { contacts, conversations, messages, orderProposals, projects, type OrderProposalLine, type Tx } from "@threadline/db";
import { loadCatalog } from "../catalog/read.ts";
import { DomainError } from "../errors.ts";
import type { MenuKeyboard } from "@threadline/channels";
import { priceLines } from "./pricing.ts";
import { createOrder, type OrderEffects } from "./service.ts";

// Orders the agent proposes from the client's words and the client confirms with «да». A proposal
// is stored before it is shown, so «да» in a later turn (or a second «да») finds it; it is priced
// again at confirm, and a price that moved meanwhile is proposed anew instead of ordered.

/** How long a proposal waits for «да». */
export const PROPOSAL_TTL_MS = PROPOSAL_TTL_MINUTES * 60_000;
/** A proposal older than this is not what «да» answers any more (not even «already placed»). */
const PROPOSAL_MEMORY_MS = 24 * 60 * 60_000;

/** The conversation's latest proposal as the agent reads it (a pending one past its time is `expired`). */
export async function latestProposal(tx: Tx, conversationId: string, now = new Date()): Promise<{ id: string; status: ProposalStatus } | null> {
  const [p] = await tx
    .select({ id: orderProposals.id, status: orderProposals.status, expiresAt: orderProposals.expiresAt })
    .from(orderProposals)
    .where(and(eq(orderProposals.conversationId, conversationId), gt(orderProposals.createdAt, new Date(now.getTime() - PROPOSAL_MEMORY_MS)), sql`${orderProposals.status} <> 'replaced'`))
    .orderBy(desc(orderProposals.createdAt))
    .limit(1);
  if (!p) return null;
  if (p.status === "pending" && p.expiresAt.getTime() <= now.getTime()) return { id: p.id, status: "expired" };
  return { id: p.id, status: p.status as ProposalStatus };
}

/** Stores a proposal for the conversation; an older one still pending is replaced by it. */
export async function proposeOrder(tx: Tx, projectId: string, conversationId: string, lines: readonly ProposedLine[], now = new Date()): Promise<string> {
  const stored: OrderProposalLine[] = lines.map((l) => {
    if (!l.productId) throw new Error("a proposed line needs the catalog's product id");
    return { productId: l.productId, optionIds: l.optionIds, name: l.name, options: l.options, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor };
  });
  const [p] = await tx.select({ currency: projects.currency }).from(projects).where(eq(projects.id, projectId));
  await tx
    .update(orderProposals)
    .set({ status: "replaced", decidedAt: now })
    .where(and(eq(orderProposals.conversationId, conversationId), eq(orderProposals.status, "pending")));
  const [row] = await tx
    .insert(orderProposals)
    .values({ projectId, conversationId, lines: stored, totalMinor: proposalTotal(stored), currency: p?.currency ?? "RUB", expiresAt: new Date(now.getTime() + PROPOSAL_TTL_MS) })
    .returning({ id: orderProposals.id });
  return row!.id;
}

export type ConfirmOutcome =
  /** The order was taken: its number, the client's message and the board's events. */
  | ({ kind: "placed"; orderId: string; number: number } & OrderEffects)
  /** Confirmed before: the same order, nothing new. */
  | { kind: "already"; orderId: string | null }
  /** Prices moved since the proposal: a new proposal at today's prices, and its text. */
  | { kind: "repriced"; proposalId: string; text: string }
  /** Something in it can no longer be ordered (stop-list, gone): the reason, in the client's words. */
  | { kind: "unavailable"; text: string }
  | { kind: "expired" }
  | { kind: "none" };

async function latestLocked(tx: Tx, conversationId: string) {
  const [p] = await tx
    .select()
    .from(orderProposals)
    .where(and(eq(orderProposals.conversationId, conversationId), sql`${orderProposals.status} <> 'replaced'`))
    .orderBy(desc(orderProposals.createdAt))
    .limit(1)
    .for("update");
  return p;
}

/**
 * The client said «да»: the conversation's latest proposal becomes an order (source `agent`,
 * status `new`, the client as who) once, however often it is confirmed. It is priced from the
 * catalog again first: a price that changed makes a new proposal instead of an order.
 */
export async function confirmProposal(tx: Tx, projectId: string, conversationId: string, now = new Date()): Promise<ConfirmOutcome> {
  const p = await latestLocked(tx, conversationId);
  if (!p || p.status === "cancelled") return { kind: "none" };
  if (p.status === "confirmed") return { kind: "already", orderId: p.orderId };
  if (p.expiresAt.getTime() <= now.getTime()) return { kind: "expired" };
  const catalog = await loadCatalog(tx);
  let priced;
  try {
    priced = priceLines(catalog, p.lines.map((l) => ({ productId: l.productId, optionIds: l.optionIds, quantity: l.quantity, name: l.name })));
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    await tx.update(orderProposals).set({ status: "cancelled", decidedAt: now }).where(eq(orderProposals.id, p.id));
    return { kind: "unavailable", text: `Не получится оформить: ${e.message.replace(/^./u, (c) => c.toLowerCase())}. Напишите, что выбрать взамен, — соберу заказ заново.` };
  }
  const moved = priced.lines.some((l, i) => l.unitPriceMinor !== p.lines[i]!.unitPriceMinor) || catalog.currency !== p.currency;
  if (moved) {
    const lines: ProposedLine[] = priced.lines.map((l, i) => ({
      productId: l.productId,
      name: l.name,
      optionIds: p.lines[i]!.optionIds,
      options: l.options.map((o) => ({ name: o.name, priceDeltaMinor: o.priceDeltaMinor })),
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
    }));
    const proposalId = await proposeOrder(tx, projectId, conversationId, lines, now);
    return { kind: "repriced", proposalId, text: proposalText(lines, catalog.currency, { priceChanged: true }) };
  }
  const [c] = await tx.select({ name: contacts.name }).from(conversations).innerJoin(contacts, eq(contacts.id, conversations.contactId)).where(eq(conversations.id, conversationId));
  const order = await createOrder(tx, projectId, {
    conversationId,
    source: "agent",
    actor: { kind: "client" },
    lines: p.lines.map((l) => ({ productId: l.productId, optionIds: l.optionIds, quantity: l.quantity, name: l.name })),
    customerName: c?.name ?? "",
  });
  await tx.update(orderProposals).set({ status: "confirmed", decidedAt: now, orderId: order.orderId }).where(eq(orderProposals.id, p.id));
  return { kind: "placed", orderId: order.orderId, number: order.number, outboundMessageIds: order.outboundMessageIds, events: order.events };
}

/** The client said «нет»: the pending proposal is dropped. */
export async function cancelProposal(tx: Tx, conversationId: string, now = new Date()): Promise<boolean> {
  const p = await latestLocked(tx, conversationId);
  if (!p || p.status !== "pending") return false;
  await tx.update(orderProposals).set({ status: "cancelled", decidedAt: now }).where(eq(orderProposals.id, p.id));
  return true;
}

// The buttons under a proposal: «Подтвердить» and «Отменить». Their payload names the proposal
// (`op:<id without dashes>:y|n`, 37 bytes, under Telegram's 64): a press is checked against the
// conversation's latest proposal, so a press from another chat, on a replaced or expired proposal,
// or a second press changes nothing. The proposal's message carries its id in the client key.

const PROPOSAL_BUTTON = /^op:([0-9a-f]{32}):([yn])$/;
const PROPOSAL_KEY = /^proposal:([0-9a-f-]{36})$/;

export const PROPOSAL_BUTTONS = { confirm: "Подтвердить", cancel: "Отменить" } as const;

/** Whether a button's payload is a proposal's (not the menu bot's). */
export const isProposalButton = (data: string) => data.startsWith("op:");

export function encodeProposalButton(proposalId: string, answer: "confirm" | "cancel"): string {
  return `op:${proposalId.replace(/-/g, "")}:${answer === "confirm" ? "y" : "n"}`;
}

export function decodeProposalButton(data: string): { proposalId: string; answer: "confirm" | "cancel" } | null {
  const m = PROPOSAL_BUTTON.exec(data);
  if (!m) return null;
  const h = m[1]!;
  return { proposalId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, answer: m[2] === "y" ? "confirm" : "cancel" };
}

/** The client key of the message that shows a proposal: the send attaches the proposal's buttons. */
export const proposalMessageKey = (proposalId: string) => `proposal:${proposalId}`;

/**
 * The sent messages that show a proposal no longer waiting (confirmed, cancelled, replaced): their
 * buttons are to be taken off. A proposal still pending keeps them.
 */
export async function decidedProposalMessages(tx: Tx, proposalId: string): Promise<number[]> {
  const [p] = await tx.select({ status: orderProposals.status }).from(orderProposals).where(eq(orderProposals.id, proposalId));
  if (!p || p.status === "pending") return [];
  const rows = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.clientKey, proposalMessageKey(proposalId)), isNotNull(messages.externalId), isNull(messages.deletedAt)));
  return rows.map((r) => r.id);
}

/**
 * Whether a proposal message that just went out with its buttons belongs to a proposal decided
 * meanwhile: a press, «да» or a manager's cancel that came before the message's id was recorded
 * could not take the buttons off. The row is read for share, so a decision being written is
 * waited for: either it sees the message's id, or this sees the decision.
 */
export async function decidedWhileSent(tx: Tx, clientKey: string | null): Promise<boolean> {
  const id = clientKey ? PROPOSAL_KEY.exec(clientKey)?.[1] : undefined;
  if (!id) return false;
  const [p] = await tx.select({ status: orderProposals.status }).from(orderProposals).where(eq(orderProposals.id, id)).for("share");
  return !!p && p.status !== "pending";
}

/** The buttons for a message about to be sent: only while its proposal still waits. */
export async function pendingProposalKeyboard(tx: Tx, clientKey: string | null): Promise<MenuKeyboard | undefined> {
  const keyboard = proposalKeyboard(clientKey);
  if (!keyboard) return undefined;
  const [p] = await tx.select({ status: orderProposals.status }).from(orderProposals).where(eq(orderProposals.id, PROPOSAL_KEY.exec(clientKey!)![1]!));
  return p?.status === "pending" ? keyboard : undefined;
}

/** The buttons for a message, when it shows a proposal (its client key names it). */
export function proposalKeyboard(clientKey: string | null): MenuKeyboard | undefined {
  const m = clientKey ? PROPOSAL_KEY.exec(clientKey) : null;
  if (!m) return undefined;
  return [[{ text: PROPOSAL_BUTTONS.confirm, data: encodeProposalButton(m[1]!, "confirm") }, { text: PROPOSAL_BUTTONS.cancel, data: encodeProposalButton(m[1]!, "cancel") }]];
}
