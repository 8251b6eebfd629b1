// Deterministic embeddings for the OpenAI simulator: a hashed bag of word stems, where words of
// one meaning (a small table of Russian and English synonyms) share a stem, so texts about the
// same thing in different words come out close — as a real embedding model puts them — while the
// database's full-text search still sees no shared word.

/** Words of one meaning: any word starting with one of these prefixes reads as the group's first. */
const MEANINGS: readonly (readonly string[])[] = [
  ["достав", "привез", "привоз", "курьер", "deliver", "ship"],
  ["оплат", "заплат", "расплат", "платеж", "pay"],
  ["возврат", "вернут", "верну", "обмен", "refund", "return"],
  ["уход", "ухаж", "чист", "забот", "care", "clean"],
  ["скидк", "акци", "дешевл", "discount", "sale"],
  ["гаранти", "ремонт", "поломк", "warrant", "repair"],
];

const STOP = new Set(["как", "что", "это", "или", "для", "the", "and", "you", "вам", "нас", "вас", "мне", "его", "она", "они", "где", "когда"]);

function stemOf(word: string): string {
  const meaning = MEANINGS.find((group) => group.some((prefix) => word.startsWith(prefix)));
  return meaning ? meaning[0]! : word.slice(0, 5);
}

/** FNV-1a: a stable small hash of a stem. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The simulated embedding of a text: unit length, `dimensions` long. */
export function simulatedEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().replace(/ё/g, "е").match(/\p{L}+/gu) ?? []) {
    if (word.length < 3 || STOP.has(word)) continue;
    const h = hash(stemOf(word));
    v[h % dimensions]! += h & 0x10000 ? 1 : -1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v;
}
