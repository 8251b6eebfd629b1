// The first-contact eval: case files, the checks that decide whether a case passed, the summary
// figures, and a run of a case through the agent alone with a virtual clock. The full pipeline run
// (channel → ingress → worker → agent → outbound) reuses the case format, checks and summary.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { decideTurn } from "../agent/turn.ts";
import { defaultScript, type AgentScript } from "../agent/script.ts";
import { timeoutTransition } from "../agent/timeout.ts";
import type { AgentAction, LeadStage, ThreadMessage, TurnDecision, TurnInput } from "../agent/types.ts";
import type { FaqEntry } from "../knowledge.ts";

export interface FirstContactProject {
  name: string;
  facts: Record<string, string>;
  faq: FaqEntry[];
  handoffTopics: string[];
  /** Active managers in rotation order. */
  managers: string[];
  timeoutMinutes: number;
  maxPhoneAsks: number;
}

export type ClientTurn = { say: string } | { wait: number };

export interface FirstContactCase {
  name: string;
  project: FirstContactProject;
  channel: "vk" | "telegram";
  client: ClientTurn[];
  expect: {
    stage: LeadStage;
    phone: string | null;
    assignedTo: string | null;
    agentSays: string[];
    agentNeverSays: string[];
  };
  /** The file the case came from, when loaded from disk. */
  file?: string;
}

/** What a run of a case ended with. */
export interface CaseOutcome {
  stage: LeadStage;
  phone: string | null;
  assignedTo: string | null;
  agentMessages: { text: string; action: AgentAction | null }[];
  /** Phone asks made after the contact already had a phone. */
  reasks: number;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  failures: string[];
  outcome: CaseOutcome;
  expected: FirstContactCase["expect"];
}

export class EvalCaseError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "EvalCaseError";
  }
}

type CaseShape = { name?: unknown; project?: { name?: unknown; managers?: unknown }; channel?: unknown; client?: unknown };

/**
 * The checks every eval case format shares: a name, a project with managers, a channel, and
 * client turns each of which `turnOk` accepts (`turnForms` names the forms, for the message).
 * Returns the `fail` for the format's further checks.
 */
export function assertCaseBase(value: unknown, file: string, turnOk: (turn: Record<string, unknown>) => boolean, turnForms: string): (what: string) => never {
  const c = value as CaseShape | null;
  const fail = (what: string): never => {
    throw new EvalCaseError(file, what);
  };
  if (!c || typeof c !== "object") fail("not a JSON object");
  if (typeof c?.name !== "string") fail("name must be a string");
  const p = c?.project;
  if (!p || typeof p.name !== "string" || !Array.isArray(p.managers)) fail("project needs name and managers");
  if (c?.channel !== "vk" && c?.channel !== "telegram") fail('channel must be "vk" or "telegram"');
  if (!Array.isArray(c?.client)) fail("client must be a list of turns");
  for (const turn of (c?.client as unknown[] | undefined) ?? []) {
    if (!turnOk(turn as Record<string, unknown>)) fail(`each client turn is ${turnForms}`);
  }
  return fail;
}

function assertCase(value: unknown, file: string): asserts value is FirstContactCase {
  const fail = assertCaseBase(value, file, (t) => typeof t.say === "string" || typeof t.wait === "number", '{"say": text} or {"wait": minutes}');
  const e = (value as Partial<FirstContactCase>).expect;
  if (!e || typeof e.stage !== "string") fail("expect.stage is required");
}

/** Every `*.json` file in a directory, by file name, parsed and checked as a case. */
export function readCaseFiles<T>(dir: string, assert: (value: unknown, file: string) => asserts value is T): { parsed: T; file: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        throw new EvalCaseError(file, `not valid JSON (${(error as Error).message})`);
      }
      assert(parsed, file);
      return { parsed, file };
    });
}

/** Every `*.json` case in a directory, by file name. */
export function loadFirstContactCases(dir: string): FirstContactCase[] {
  return readCaseFiles(dir, assertCase).map(({ parsed, file }) => ({
    ...parsed,
    project: {
      ...parsed.project,
      facts: parsed.project.facts ?? {},
      faq: parsed.project.faq ?? [],
      handoffTopics: parsed.project.handoffTopics ?? [],
    },
    expect: {
      ...parsed.expect,
      phone: parsed.expect.phone ?? null,
      assignedTo: parsed.expect.assignedTo ?? null,
      agentSays: parsed.expect.agentSays ?? [],
      agentNeverSays: parsed.expect.agentNeverSays ?? [],
    },
    file,
  }));
}

/** The agent script a case's project gets: Russian defaults plus the case's knowledge and limits. */
export function scriptForCase(c: FirstContactCase): AgentScript {
  return defaultScript(c.project.name, {
    facts: c.project.facts,
    faq: c.project.faq,
    handoffTopics: c.project.handoffTopics,
    maxPhoneAsks: c.project.maxPhoneAsks,
    timeoutMinutes: c.project.timeoutMinutes,
  });
}

/** How substring checks compare: case-insensitive, «ё» as «е», white space collapsed. */
export function foldForMatch(text: string): string {
  return text.toLowerCase().replaceAll("ё", "е").replace(/\s+/g, " ").trim();
}

/** Checks a run against the case's expectations; every failure is listed. */
export function checkCase(c: FirstContactCase, outcome: CaseOutcome): CaseResult {
  const failures: string[] = [];
  const e = c.expect;
  if (outcome.stage !== e.stage) failures.push(`stage ${outcome.stage}, expected ${e.stage}`);
  if (outcome.phone !== e.phone) failures.push(`phone ${outcome.phone ?? "null"}, expected ${e.phone ?? "null"}`);
  if (outcome.assignedTo !== e.assignedTo) {
    failures.push(`assigned to ${outcome.assignedTo ?? "nobody"}, expected ${e.assignedTo ?? "nobody"}`);
  }
  const said = outcome.agentMessages.map((m) => foldForMatch(m.text));
  for (const s of e.agentSays) {
    if (!said.some((t) => t.includes(foldForMatch(s)))) failures.push(`agent never said "${s}"`);
  }
  for (const s of e.agentNeverSays) {
    if (said.some((t) => t.includes(foldForMatch(s)))) failures.push(`agent said "${s}"`);
  }
  if (outcome.reasks > 0) failures.push(`asked for the phone ${outcome.reasks} time(s) after it was known`);
  return { name: c.name, passed: failures.length === 0, failures, outcome, expected: e };
}

export interface EvalSummary {
  cases: number;
  passed: number;
  phone_capture_rate: number;
  reasks: number;
  stage_accuracy: number;
  first_contact_score: number;
}

export function summarize(results: readonly CaseResult[]): EvalSummary {
  const cases = results.length;
  const passed = results.filter((r) => r.passed).length;
  const withPhone = results.filter((r) => r.expected.phone !== null);
  const captured = withPhone.filter((r) => r.outcome.phone === r.expected.phone).length;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    cases,
    passed,
    phone_capture_rate: withPhone.length ? round(captured / withPhone.length) : 1,
    reasks: results.reduce((sum, r) => sum + r.outcome.reasks, 0),
    stage_accuracy: cases ? round(results.filter((r) => r.outcome.stage === r.expected.stage).length / cases) : 1,
    first_contact_score: cases ? round(passed / cases) : 0,
  };
}

/** The report: a line per case, then the figures, `first_contact_score` last. */
export function formatReport(results: readonly CaseResult[]): string[] {
  const lines = results.map((r) => `${r.passed ? "PASS" : "FAIL"} ${r.name}${r.passed ? "" : `: ${r.failures.join("; ")}`}`);
  const s = summarize(results);
  lines.push(
    `cases: ${s.cases}`,
    `passed: ${s.passed}`,
    `phone_capture_rate: ${s.phone_capture_rate}`,
    `reasks: ${s.reasks}`,
    `stage_accuracy: ${s.stage_accuracy}`,
    `first_contact_score: ${s.first_contact_score}`,
  );
  return lines;
}

export interface AgentRunOptions {
  /** The turn function; the deterministic agent unless given. */
  decide?: (input: TurnInput) => TurnDecision;
  /** Where the virtual clock starts. */
  start?: Date;
}

const ACTIVE_STAGES: readonly LeadStage[] = ["bot", "low_quality"];

/**
 * Plays a case through the agent alone: each `say` becomes a client message and one agent turn,
 * each `wait` moves a virtual clock and fires the silence timeout. Leads handed to a person go to
 * the first manager in rotation, as on a fresh project.
 */
export function runCaseThroughAgent(c: FirstContactCase, options: AgentRunOptions = {}): CaseOutcome {
  const decide = options.decide ?? decideTurn;
  const script = scriptForCase(c);
  let clock = (options.start ?? new Date("2025-03-03T09:00:00Z")).getTime();
  const thread: ThreadMessage[] = [];
  let stage: LeadStage = "bot";
  let phone: string | null = null;
  let assignedTo: string | null = null;
  let reasks = 0;

  for (const turn of c.client) {
    if ("wait" in turn) {
      clock += turn.wait * 60_000;
      const transition = timeoutTransition({ script, thread, stage, known: { phone }, now: new Date(clock) });
      if (transition) stage = transition.to;
      continue;
    }
    thread.push({ author: "client", text: turn.say, kind: "text", sentAt: new Date(clock) });
    if (!ACTIVE_STAGES.includes(stage)) continue;
    const decision = decide({ script, thread, known: { phone }, stage });
    for (const reply of decision.replies) {
      if (reply.action === "ask_phone" && phone) reasks++;
      // The agent answers at the same virtual instant: its processing time is no part of the silence.
      thread.push({ author: "agent", text: reply.text, action: reply.action, sentAt: new Date(clock) });
    }
    if (decision.entities.phone && !phone) phone = decision.entities.phone;
    if (decision.transition) {
      stage = decision.transition.to;
      if ((stage === "assigned" || stage === "needs_human") && !assignedTo) assignedTo = c.project.managers[0] ?? null;
    }
    // Consecutive messages a second apart; only `wait` lets minutes pass.
    clock += 1000;
  }
  const agentMessages = thread.filter((m) => m.author === "agent").map((m) => ({ text: m.text ?? "", action: m.action ?? null }));
  return { stage, phone, assignedTo, agentMessages, reasks };
}
