// The catalog form's text fields as the server takes them: a price typed as «219,90» is minor
// units; add-ons are one a line, «Группа: название +надбавка».

export type OptionDraft = { group?: string; name: string; priceDeltaMinor: number };

/** «220», «219,90», «219.9» → minor units; null for anything else, zero or negative included. */
export function parsePrice(text: string): number | null {
  const m = /^\s*(\d{1,8})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const minor = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0") || 0);
  return minor > 0 ? minor : null;
}

/** Add-on lines → options, or the first line that is not one. */
export function parseOptions(text: string): { options: OptionDraft[] } | { badLine: string } {
  const options: OptionDraft[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(?:([^:]+):\s*)?(.+?)(?:\s*\+\s*(\d{1,8}(?:[.,]\d{1,2})?))?$/.exec(line);
    const name = m?.[2]?.trim();
    if (!m || !name || name.startsWith("+")) return { badLine: line };
    const delta = m[3] ? parsePrice(m[3]) : 0;
    if (delta === null) return { badLine: line };
    options.push({ ...(m[1]?.trim() ? { group: m[1].trim() } : {}), name, priceDeltaMinor: delta });
  }
  return { options };
}

/** The options back as the form shows them. */
export function optionsText(options: { group: string; name: string; priceDeltaMinor: number }[]): string {
  return options.map((o) => `${o.group ? `${o.group}: ` : ""}${o.name}${o.priceDeltaMinor ? ` +${o.priceDeltaMinor % 100 ? (o.priceDeltaMinor / 100).toFixed(2).replace(".", ",") : o.priceDeltaMinor / 100}` : ""}`).join("\n");
}

export function priceText(minor: number): string {
  return minor % 100 ? (minor / 100).toFixed(2).replace(".", ",") : String(minor / 100);
}
