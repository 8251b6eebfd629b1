// A document cut into passages of a few sentences: paragraphs are kept whole when they fit, short
// ones are joined, long ones are cut between sentences. A passage is what the search ranks and
// what the agent answers from.
export const PASSAGE_CHARS = 700;

function sentences(paragraph: string): string[] {
  return paragraph.split(/(?<=[.!?…])\s+/u).filter(Boolean);
}

export function splitIntoPassages(text: string, max = PASSAGE_CHARS): string[] {
  const out: string[] = [];
  let current = "";
  const flush = () => {
    if (current.trim()) out.push(current.trim());
    current = "";
  };
  for (const paragraph of text.split(/\n\s*\n/)) {
    const p = paragraph.replace(/\s*\n\s*/g, " ").trim();
    if (!p) continue;
    if (current && current.length + p.length + 1 > max) flush();
    if (p.length <= max) {
      current = current ? `${current}\n${p}` : p;
      continue;
    }
    for (const s of sentences(p)) {
      if (current && current.length + s.length + 1 > max) flush();
      // A sentence longer than a passage is cut by length.
      for (let i = 0; i < s.length; i += max) {
        const piece = s.slice(i, i + max);
        if (current && current.length + piece.length + 1 > max) flush();
        current = current ? `${current} ${piece}` : piece;
      }
    }
    flush();
  }
  flush();
  return out;
}
