/**
 * Quotation marks inside quotation marks, as Russian typography nests them: «Кофейня „Зерно“»,
 * never «Кофейня «Зерно»». A name that brings its own «ёлочки» into a sentence that quotes it gets
 * „лапки“ inside; a stray » with nothing open is left as it is.
 */
export function nestQuotes(text: string): string {
  let depth = 0;
  let out = "";
  for (const ch of text) {
    if (ch === "«") {
      out += depth > 0 ? "„" : "«";
      depth++;
    } else if (ch === "»" && depth > 0) {
      depth--;
      out += depth > 0 ? "“" : "»";
    } else {
      out += ch;
    }
  }
  return out;
}

/** A name in Russian quotation marks: «Зерно», «Кофейня „Зерно“». */
export function quoted(name: string): string {
  return nestQuotes(`«${name}»`);
}
