// Answers from the project's documents: of the passages the search found for the client's message,
// the sentence (or sentences, when tied) that best covers what was asked is sent as written. A
// sentence is read together with its document's title («Уход за цветами»), so a question about
// the subject finds it even in words the sentence itself does not use. Nothing close enough, no
// answer: the agent says so rather than guessing.
import { isWeakTerm, termStrength, textTerms } from "../knowledge.ts";
import type { KnowledgePassage } from "./types.ts";

/** Share of the question's weight a sentence must cover. */
const THRESHOLD = 0.45;
const MAX_ANSWER_CHARS = 600;
const UNSEEN_WEIGHT = 0.5;

interface Sentence {
  passage: KnowledgePassage;
  text: string;
  terms: string[];
}

function sentencesOf(p: KnowledgePassage): Sentence[] {
  const titleTerms = textTerms(p.title);
  return p.text
    .split(/(?<=[.!?…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => /\p{L}/u.test(s))
    .map((text) => ({ passage: p, text, terms: [...new Set([...textTerms(text), ...titleTerms])] }));
}

export interface PassageAnswer {
  text: string;
  passages: { id: string; title: string }[];
  score: number;
}

/** The best-covering sentences of the passages for a question, or null when none covers enough of it. */
export function answerFromPassages(passages: readonly KnowledgePassage[] | undefined, question: string): PassageAnswer | null {
  if (!passages?.length) return null;
  const query = [...new Set(textTerms(question))];
  const strong = query.filter((t) => !isWeakTerm(t));
  if (strong.length === 0) return null;
  const sentences = passages.flatMap(sentencesOf);
  const n = sentences.length;
  const df = new Map<string, number>();
  for (const t of query) df.set(t, sentences.filter((s) => termStrength(t, s.terms) >= 0.85).length);
  // A word no sentence uses says little about which sentence answers: it weighs a little.
  // A word every sentence has still says what the question is about (the search found these
  // passages by it): weights start at 1, rarer words weigh more.
  const weightOf = (t: string) => (df.get(t) ? 1 + Math.log(1 + n / (df.get(t) ?? 1)) : UNSEEN_WEIGHT) * (isWeakTerm(t) ? 0.4 : 1);
  // Framing words and weak concepts ("сколько", a price) only add when the sentence has them.
  const strongTotal = strong.reduce((s, t) => s + weightOf(t), 0);
  const scored = sentences
    .map((s) => {
      let got = 0;
      let total = strongTotal;
      let strongHit = false;
      for (const t of query) {
        const m = termStrength(t, s.terms);
        if (m >= 0.7) {
          got += weightOf(t) * m;
          if (isWeakTerm(t)) total += weightOf(t);
        }
        if (m >= 0.85 && !isWeakTerm(t)) strongHit = true;
      }
      return { s, score: strongHit && total ? got / total : 0 };
    })
    .filter((x) => x.score >= THRESHOLD)
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return null;
  const chosen = scored.filter((x) => x.score >= best.score * 0.95);
  const out: Sentence[] = [];
  let length = 0;
  // In the documents' order, so that tied sentences read as they were written.
  for (const s of sentences) {
    if (!chosen.some((c) => c.s === s)) continue;
    if (length + s.text.length > MAX_ANSWER_CHARS && out.length) break;
    out.push(s);
    length += s.text.length + 1;
  }
  const used = [...new Map(out.map((s) => [s.passage.id, { id: s.passage.id, title: s.passage.title }])).values()];
  return { text: out.map((s) => s.text).join(" "), passages: used, score: best.score };
}
