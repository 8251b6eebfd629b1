import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkCase,
  EvalCaseError,
  foldForMatch,
  formatReport,
  loadFirstContactCases,
  runCaseThroughAgent,
  summarize,
  type FirstContactCase,
} from "./first-contact.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../../../..");
const sharedCases = process.env.EVAL_CASES_DIR ?? path.resolve(repoRoot, "../shared/eval/first-contact");
const ownCases = path.resolve(here, "../../eval-cases");

function runAll(dir: string) {
  const cases = loadFirstContactCases(dir);
  const results = cases.map((c) => checkCase(c, runCaseThroughAgent(c)));
  return { cases, results, report: formatReport(results) };
}

describe.each([
  ["shared example cases", sharedCases],
  ["this package's cases", ownCases],
])("first-contact eval through the agent: %s", (_, dir) => {
  it("finds the cases", () => {
    expect(existsSync(dir), `${dir} must exist (set EVAL_CASES_DIR to point elsewhere)`).toBe(true);
    expect(loadFirstContactCases(dir).length).toBeGreaterThanOrEqual(7);
  });

  it("passes every case with no re-ask", () => {
    const { results, report } = runAll(dir);
    const failed = results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join("; ")}`);
    expect(failed).toEqual([]);
    expect(summarize(results)).toMatchObject({ reasks: 0, stage_accuracy: 1, phone_capture_rate: 1, first_contact_score: 1 });
    expect(report.at(-1)).toBe("first_contact_score: 1");
  });
});

describe("eval checks", () => {
  const base: FirstContactCase = {
    name: "probe",
    project: { name: "Кофейня", facts: {}, faq: [], handoffTopics: [], managers: ["anna", "oleg"], timeoutMinutes: 60, maxPhoneAsks: 2 },
    channel: "vk",
    client: [{ say: "Привет" }],
    expect: { stage: "bot", phone: null, assignedTo: null, agentSays: [], agentNeverSays: [] },
  };
  const outcome = {
    stage: "assigned" as const,
    phone: "+79123456789",
    assignedTo: "anna",
    agentMessages: [{ text: "Записал  ваш номер: +7 912 345-67-89. Всё верно?", action: "confirm" as const }],
    reasks: 1,
  };

  it("lists every failed expectation", () => {
    const result = checkCase(
      { ...base, expect: { stage: "bot", phone: null, assignedTo: null, agentSays: ["до 22:00"], agentNeverSays: ["ВСЕ ВЕРНО"] } },
      outcome,
    );
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      "stage assigned, expected bot",
      "phone +79123456789, expected null",
      "assigned to anna, expected nobody",
      'agent never said "до 22:00"',
      'agent said "ВСЕ ВЕРНО"',
      "asked for the phone 1 time(s) after it was known",
    ]);
  });

  it("folds case, ё and white space in substring checks", () => {
    expect(foldForMatch("  Записал  ВАШ\nномер, всё ")).toBe("записал ваш номер, все");
    const ok = checkCase(
      { ...base, expect: { stage: "assigned", phone: "+79123456789", assignedTo: "anna", agentSays: ["записал ваш номер"], agentNeverSays: [] } },
      { ...outcome, reasks: 0 },
    );
    expect(ok).toMatchObject({ passed: true, failures: [] });
  });

  it("fires the silence timeout on the virtual clock only after the timeout", () => {
    const quiet = (wait: number) => runCaseThroughAgent({ ...base, client: [{ say: "Где вы?" }, { wait }] }).stage;
    expect(quiet(59)).toBe("bot");
    expect(quiet(60)).toBe("low_quality");
    expect(quiet(61)).toBe("low_quality");
  });

  it("names the file of a broken case", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "eval-cases-"));
    writeFileSync(path.join(dir, "broken.json"), JSON.stringify({ name: "x", project: { name: "p", managers: [] }, channel: "sms" }));
    expect(() => loadFirstContactCases(dir)).toThrow(EvalCaseError);
    expect(() => loadFirstContactCases(dir)).toThrow(/broken\.json: channel/);
  });
});
