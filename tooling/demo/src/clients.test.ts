// Every demo business's agent answers its own scripted clients' first questions from that
// business's knowledge (not «менеджер ответит»), and no client asks one business about another's
// goods.
import { describe, expect, it } from "vitest";
import { decideTurn } from "@threadline/ai";
import { DEMO_KNOWLEDGE } from "@threadline/domain/seed/demo-knowledge.ts";
import { scriptFrom } from "@threadline/domain/leads/settings.ts";
import type { ScriptStep } from "@threadline/simulators/channels";
import { DEMO_CONVERSATIONS } from "./clients.ts";

// What a step says: its text, or the words a voice note carries (the agent reads its transcript).
const wordsOf = (s: ScriptStep) => ("say" in s ? s.say : "voice" in s ? (s.voice.says ?? "") : "");

const businesses = { zerno: "Кофейня «Зерно»", ulybka: "Стоматология «Улыбка»" } as const;

describe("the demo fits its businesses", () => {
  for (const [slug, name] of Object.entries(businesses)) {
    const knowledge = DEMO_KNOWLEDGE[slug]!;
    const script = scriptFrom(name, knowledge.script);
    const answers = [...Object.values(knowledge.script.facts ?? {}), ...(knowledge.script.faq ?? []).map((e) => e.a)];

    for (const conversation of DEMO_CONVERSATIONS[slug]!) {
      const first = conversation.steps.map(wordsOf).find(Boolean)!;
      it(`${name}: «${first}» is answered from the business's knowledge`, () => {
        const decision = decideTurn({ script, thread: [{ author: "client", text: first, sentAt: new Date() }] });
        const said = decision.replies.map((r) => r.text).join("\n");
        expect(
          answers.some((a) => said.includes(a.split(/[,.—]/)[0]!.trim())),
          `the reply quotes the business's knowledge:\n${said}`,
        ).toBe(true);
        expect(said).not.toContain(script.unknownQuestion);
      });
    }
  }

  it("a coffee shop's clients do not ask about flowers, nor a clinic's about coffee", () => {
    const words = (slug: string) => DEMO_CONVERSATIONS[slug]!.flatMap((c) => c.steps.map(wordsOf)).join(" ");
    expect(words("zerno")).not.toMatch(/тюльпан|букет|зуб|имплант/i);
    expect(words("ulybka")).not.toMatch(/тюльпан|букет|кофе|капучино|торт/i);
  });

  it("every demo project ships saved replies", () => {
    for (const slug of Object.keys(businesses)) expect(DEMO_KNOWLEDGE[slug]!.templates.length).toBeGreaterThan(0);
  });
});
