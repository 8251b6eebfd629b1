// The sales eval: the first-contact case format extended with a catalog, documents, objection
// answers, fields to collect, voice turns, and the checks on them (see
// ../shared/eval/sales/README.md). The pipeline run lives in tooling/eval; this module loads and
// checks cases, counts invented numbers and retrieval, and can play a case through the agent alone.
import { decideTurn } from "../agent/turn.ts";
import { defaultScript, type AgentScript } from "../agent/script.ts";
import type { AgentAction, LeadStage, ProposalStatus, ThreadMessage } from "../agent/types.ts";
import type { FaqEntry } from "../knowledge.ts";
import { allowedCatalogNumbers, AllowedNumbers } from "../sales/numbers.ts";
import { allowedOrderNumbers, PROPOSAL_TTL_MINUTES } from "../sales/order.ts";
import type { AgentCatalog, CollectField, KnowledgePassage, Objection } from "../sales/types.ts";
import { assertCaseBase, foldForMatch, readCaseFiles } from "./first-contact.ts";

export interface SalesCatalogItem {
  name: string;
  category?: string;
  /** Whole currency units. */
  price: number;
  description?: string;
  available?: boolean;
  options?: { name: string; price: number; group?: string }[];
  upsell?: string[];
}

export interface SalesProject {
  name: string;
  currency: string;
  facts: Record<string, string>;
  faq: FaqEntry[];
  handoffTopics: string[];
  managers: string[];
  timeoutMinutes?: number;
  maxPhoneAsks?: number;
  catalog: SalesCatalogItem[];
  documents: { title: string; text: string }[];
  objections: Objection[];
  collect?: CollectField[];
}

export type SalesTurn = { say: string } | { voice: string } | { wait: number };

export interface SalesCase {
  name: string;
  project: SalesProject;
  channel: "vk" | "telegram";
  client: SalesTurn[];
  expect: {
    stage?: LeadStage;
    phone?: string | null;
    assignedTo?: string | null;
    contactName?: string;
    agentSays: string[];
    agentNeverSays: string[];
    retrieved?: string[];
  };
  file?: string;
}

export interface SalesOutcome {
  stage: LeadStage;
  phone: string | null;
  assignedTo: string | null;
  contactName: string | null;
  agentMessages: { text: string; action: AgentAction | null }[];
  /** Asks for the phone after the contact had one. */
  reasks: number;
  /** Document titles of the top three passages retrieved, per client turn. */
  retrieved: string[][];
}

export interface SalesResult {
  name: string;
  passed: boolean;
  failures: string[];
  invented: string[];
  /** Expected titles found among some turn's top three, of those expected. */
  recall: { found: number; expected: number };
}

function assertCase(value: unknown, file: string): asserts value is SalesCase {
  const fail = assertCaseBase(value, file, (t) => typeof t.say === "string" || typeof t.voice === "string" || typeof t.wait === "number", '{"say": text}, {"voice": text} or {"wait": minutes}');
  const c = value as Partial<SalesCase>;
  for (const item of c.project?.catalog ?? []) {
    if (typeof item.name !== "string" || typeof item.price !== "number" || item.price <= 0) fail(`catalog item ${JSON.stringify(item.name)} needs a name and a positive price`);
  }
  if (!c.expect || typeof c.expect !== "object") fail("expect is required");
}

/** Every `*.json` case in a directory, by file name. */
export function loadSalesCases(dir: string): SalesCase[] {
  return readCaseFiles(dir, assertCase).map(({ parsed, file }) => {
    const p = parsed.project;
    return {
      ...parsed,
      project: {
        ...p,
        currency: p.currency ?? "RUB",
        facts: p.facts ?? {},
        faq: p.faq ?? [],
        handoffTopics: p.handoffTopics ?? [],
        catalog: p.catalog ?? [],
        documents: p.documents ?? [],
        objections: p.objections ?? [],
      },
      expect: { ...parsed.expect, agentSays: parsed.expect.agentSays ?? [], agentNeverSays: parsed.expect.agentNeverSays ?? [] },
      file,
    };
  });
}

/** Whole units → minor units, as the catalog stores prices. */
export const toMinor = (units: number) => Math.round(units * 100);

/** The case's catalog as the agent reads it. */
export function catalogForCase(c: SalesCase): AgentCatalog {
  return {
    currency: c.project.currency,
    products: c.project.catalog.map((p) => ({
      name: p.name,
      category: p.category ?? null,
      description: p.description ?? "",
      priceMinor: toMinor(p.price),
      available: p.available ?? true,
      options: (p.options ?? []).map((o) => ({ name: o.name, group: o.group ?? "", priceDeltaMinor: toMinor(o.price) })),
      upsell: p.upsell ?? [],
    })),
  };
}

/** The agent script a case's project gets. */
export function salesScriptForCase(c: SalesCase): AgentScript {
  return defaultScript(c.project.name, {
    facts: c.project.facts,
    faq: c.project.faq,
    handoffTopics: c.project.handoffTopics,
    objections: c.project.objections,
    ...(c.project.collect ? { collect: c.project.collect } : {}),
    ...(Number.isFinite(c.project.maxPhoneAsks) ? { maxPhoneAsks: c.project.maxPhoneAsks } : {}),
    ...(Number.isFinite(c.project.timeoutMinutes) ? { timeoutMinutes: c.project.timeoutMinutes } : {}),
  });
}

/**
 * Numbers of two or more digits in the agent's replies that neither the project (facts, FAQ,
 * catalog with its sums, documents, objections) nor the client's messages contain.
 */
export function inventedNumbers(c: SalesCase, clientTexts: readonly string[], agentTexts: readonly string[]): string[] {
  const allowed = new AllowedNumbers().addText(c.project.name);
  for (const v of Object.values(c.project.facts)) allowed.addText(v);
  for (const f of [...c.project.faq, ...c.project.objections]) {
    allowed.addText(f.a);
    for (const q of f.q) allowed.addText(q);
  }
  for (const d of c.project.documents) allowed.addText(d.title).addText(d.text);
  allowedCatalogNumbers(catalogForCase(c), allowed);
  allowedOrderNumbers(catalogForCase(c), clientTexts, allowed);
  for (const t of clientTexts) allowed.addClientText(t);
  return agentTexts.flatMap((t) => allowed.invented(t));
}

export function checkSalesCase(c: SalesCase, outcome: SalesOutcome): SalesResult {
  const failures: string[] = [];
  const e = c.expect;
  if (e.stage !== undefined && outcome.stage !== e.stage) failures.push(`stage ${outcome.stage}, expected ${e.stage}`);
  if (e.phone !== undefined && outcome.phone !== e.phone) failures.push(`phone ${outcome.phone ?? "null"}, expected ${e.phone ?? "null"}`);
  if (e.assignedTo !== undefined && outcome.assignedTo !== e.assignedTo) failures.push(`assigned to ${outcome.assignedTo ?? "nobody"}, expected ${e.assignedTo ?? "nobody"}`);
  if (e.contactName !== undefined && foldForMatch(outcome.contactName ?? "") !== foldForMatch(e.contactName)) {
    failures.push(`contact name ${JSON.stringify(outcome.contactName)}, expected ${JSON.stringify(e.contactName)}`);
  }
  const said = outcome.agentMessages.map((m) => foldForMatch(m.text));
  for (const s of e.agentSays) if (!said.some((t) => t.includes(foldForMatch(s)))) failures.push(`agent never said "${s}"`);
  for (const s of e.agentNeverSays) if (said.some((t) => t.includes(foldForMatch(s)))) failures.push(`agent said "${s}"`);
  if (outcome.reasks > 0) failures.push(`asked for the phone ${outcome.reasks} time(s) after it was known`);
  const clientTexts = c.client.flatMap((t) => ("say" in t ? [t.say] : "voice" in t ? [t.voice] : []));
  const invented = inventedNumbers(
    c,
    clientTexts,
    outcome.agentMessages.map((m) => m.text),
  );
  if (invented.length) failures.push(`invented number(s) ${invented.join(", ")}`);
  const expected = e.retrieved ?? [];
  const found = expected.filter((title) => outcome.retrieved.some((turn) => turn.slice(0, 3).some((t) => foldForMatch(t) === foldForMatch(title))));
  for (const title of expected) if (!found.includes(title)) failures.push(`"${title}" not among the top 3 passages of any turn`);
  return { name: c.name, passed: failures.length === 0, failures, invented, recall: { found: found.length, expected: expected.length } };
}

/** The report: a line per case, then the figures, `sales_score` last. */
export function formatSalesReport(results: readonly SalesResult[]): string[] {
  const lines = results.map((r) => `${r.passed ? "PASS" : "FAIL"} ${r.name}${r.passed ? "" : `: ${r.failures.join("; ")}`}`);
  const cases = results.length;
  const passed = results.filter((r) => r.passed).length;
  const expected = results.reduce((s, r) => s + r.recall.expected, 0);
  const found = results.reduce((s, r) => s + r.recall.found, 0);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  lines.push(
    `cases: ${cases}`,
    `passed: ${passed}`,
    `invented_numbers: ${results.reduce((s, r) => s + r.invented.length, 0)}`,
    `retrieval_recall_at_3: ${expected ? round(found / expected) : 1}`,
    `sales_score: ${cases ? round(passed / cases) : 0}`,
  );
  return lines;
}

/**
 * Plays a case through the agent alone (no database): voice turns read as their text, every
 * document one passage, all of them handed to each turn. For unit tests of the rules; the eval
 * proper runs the pipeline with the real search.
 */
export function runSalesCaseThroughAgent(c: SalesCase): SalesOutcome {
  const script = salesScriptForCase(c);
  const catalog = catalogForCase(c);
  const passages: KnowledgePassage[] = c.project.documents.map((d, i) => ({ id: String(i), title: d.title, text: d.text }));
  let clock = Date.UTC(2025, 2, 3, 9);
  const thread: ThreadMessage[] = [];
  let stage: LeadStage = "bot";
  let phone: string | null = null;
  let name: string | null = null;
  let assignedTo: string | null = null;
  let reasks = 0;
  // The order proposal as the domain keeps it: pending for half an hour, then confirmed or dropped.
  let proposal: { status: ProposalStatus; at: number } | null = null;
  for (const turn of c.client) {
    if ("wait" in turn) {
      clock += turn.wait * 60_000;
      continue;
    }
    const text = "say" in turn ? turn.say : turn.voice;
    thread.push({ author: "client", text, kind: "say" in turn ? "text" : "voice", sentAt: new Date(clock) });
    if (stage !== "bot" && stage !== "low_quality") continue;
    const status = proposal && proposal.status === "pending" && clock - proposal.at >= PROPOSAL_TTL_MINUTES * 60_000 ? "expired" : proposal?.status;
    const d = decideTurn({ script, thread, known: { phone, name }, stage, catalog, passages, ...(status ? { proposal: { status } } : {}) });
    if (d.order) proposal = d.order.kind === "propose" ? { status: "pending", at: clock } : { status: d.order.kind === "confirm" ? "confirmed" : "cancelled", at: clock };
    for (const r of d.replies) {
      if (r.action === "ask_phone" && phone) reasks++;
      thread.push({ author: "agent", text: r.text, action: r.action, sentAt: new Date(clock) });
    }
    if (d.entities.phone && !phone) phone = d.entities.phone;
    name = d.collected?.name ?? name ?? d.entities.name ?? null;
    if (d.transition) stage = d.transition.to;
    // A confirmed order hands the lead to a manager, as the domain does when it places the order.
    if (d.order?.kind === "confirm") stage = "assigned";
    if ((stage === "assigned" || stage === "needs_human") && !assignedTo) assignedTo = c.project.managers[0] ?? null;
    clock += 1000;
  }
  return {
    stage,
    phone,
    assignedTo,
    contactName: name,
    agentMessages: thread.filter((m) => m.author === "agent").map((m) => ({ text: m.text ?? "", action: m.action ?? null })),
    reasks,
    retrieved: [passages.map((p) => p.title)],
  };
}
