// The project's objection answers: "дорого", "подумаю", "у конкурентов дешевле" → the owner's
// reply. A phrasing matches when each of its words is in the message in some form («дорого»
// meets «дороговато»); «не» and other short words must be there as they are.
import { normalizeText, stemRussian, tokenize } from "../stem.ts";
import type { Objection } from "./types.ts";

function wordMatches(word: string, tokens: readonly string[]): boolean {
  if (word.length <= 3) return tokens.includes(word);
  const stem = stemRussian(word);
  return tokens.some((t) => t === word || t.startsWith(stem) || (stemRussian(t) === stem && stem.length >= 3));
}

/** The objection the message voices, by its longest matching phrasing; null when none. */
export function matchObjection(objections: readonly Objection[] | undefined, text: string): Objection | null {
  if (!objections?.length) return null;
  const tokens = tokenize(normalizeText(text));
  let best: { objection: Objection; words: number } | null = null;
  for (const objection of objections) {
    if (!objection.a.trim()) continue;
    for (const phrasing of objection.q) {
      const words = tokenize(normalizeText(phrasing));
      if (words.length === 0 || !words.every((w) => wordMatches(w, tokens))) continue;
      if (!best || words.length > best.words) best = { objection, words: words.length };
    }
  }
  return best?.objection ?? null;
}
