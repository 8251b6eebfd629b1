// Won dialogs as examples: the ones whose client side reads most like the current conversation
// go into the model's context, so it words replies the way that worked before.
import type { MessageAuthor } from "../agent/types.ts";
import { stems } from "../stem.ts";

export interface WonExample {
  id: string;
  messages: { author: MessageAuthor; text: string }[];
}

export interface ScoredExample {
  example: WonExample;
  score: number;
}

function clientStems(messages: readonly { author: MessageAuthor; text: string }[]): Set<string> {
  return new Set(messages.filter((m) => m.author === "client").flatMap((m) => stems(m.text)).filter((s) => !/^\d+$/.test(s)));
}

/** The `limit` won examples most similar to the client's words (cosine over stem sets), best first. */
export function pickWonExamples(examples: readonly WonExample[], clientText: string, limit = 3): ScoredExample[] {
  const query = new Set(stems(clientText).filter((s) => !/^\d+$/.test(s)));
  if (query.size === 0) return [];
  const scored: ScoredExample[] = [];
  for (const example of examples) {
    const words = clientStems(example.messages);
    if (words.size === 0) continue;
    let shared = 0;
    for (const s of query) if (words.has(s)) shared++;
    if (shared > 0) scored.push({ example, score: shared / Math.sqrt(query.size * words.size) });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, limit);
}
