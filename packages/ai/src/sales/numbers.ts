// The guard on every outgoing agent reply: a number of two or more digits the project's knowledge
// does not hold and the client did not write is never sent. Amounts are read with thousands
// spaced or not ("3 500" = "3500"), and a sum of catalog prices the reply is about is allowed by
// the catalog (see allowedCatalogNumbers).
import type { AgentCatalog } from "./types.ts";
import { findPhone } from "../phone.ts";
import { moneyNumber } from "./money.ts";

const NUMBER = /\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?/g;

export interface NumberToken {
  /** Digits with the thousands spaces removed and a decimal point ("3500", "1.5"). */
  value: string;
  /** The space-separated groups, in case the spaces separated two numbers. */
  parts: string[];
}

function canonical(raw: string): string {
  const joined = raw.replace(/[ \u00a0\u202f]/g, "").replace(",", ".");
  if (!joined.includes(".")) return joined.replace(/^0+(?=\d)/, "");
  const [int = "0", frac = ""] = joined.split(".");
  const f = frac.replace(/0+$/, "");
  return f ? `${int.replace(/^0+(?=\d)/, "")}.${f}` : int.replace(/^0+(?=\d)/, "");
}

const digitCount = (s: string) => s.replace(/\D/g, "").length;

/** The numbers of a text. */
export function numberTokens(text: string): NumberToken[] {
  return (text.match(NUMBER) ?? []).map((raw) => ({ value: canonical(raw), parts: raw.split(/[ \u00a0\u202f]/).map(canonical) }));
}

/** Numbers a reply may contain: every number of the given texts, in every reading. */
export class AllowedNumbers {
  private readonly values = new Set<string>();
  /** Long digit runs (phones, order numbers) the client wrote: a reply may quote any part of them. */
  private readonly runs: string[] = [];

  addText(text: string | null | undefined): this {
    if (!text) return this;
    for (const t of numberTokens(text)) {
      this.values.add(t.value);
      for (const p of t.parts) this.values.add(p);
    }
    return this;
  }

  addValue(value: string): this {
    this.values.add(canonical(value));
    return this;
  }

  /** A client's message: its numbers and its digit runs with separators taken out. */
  addClientText(text: string | null | undefined): this {
    if (!text) return this;
    this.addText(text);
    for (const run of text.replace(/(\d)[\s()\-+.]+(?=\d)/g, "$1").match(/\d{5,}/g) ?? []) this.runs.push(run);
    // A phone is quoted back in international form ("8 912…" → "+7 912…").
    const phone = findPhone(text);
    if (phone.kind === "valid") this.runs.push(phone.e164.replace(/\D/g, ""));
    return this;
  }

  allows(token: NumberToken): boolean {
    if (digitCount(token.value) < 2) return true;
    if (this.values.has(token.value)) return true;
    if (token.parts.length > 1 && token.parts.every((p) => digitCount(p) < 2 || this.values.has(p))) return true;
    const digits = token.value.replace(/\D/g, "");
    return this.runs.some((r) => r.includes(digits));
  }

  /** The numbers of a text that are not allowed, as written there. */
  invented(text: string): string[] {
    return numberTokens(text)
      .filter((t) => !this.allows(t))
      .map((t) => t.value);
  }
}

/**
 * Catalog amounts: each price, each option's delta, a product with any of its options (up to six
 * options are combined), and a product with one of its up-sells.
 */
export function allowedCatalogNumbers(catalog: AgentCatalog | undefined, into: AllowedNumbers): AllowedNumbers {
  if (!catalog) return into;
  const byName = new Map(catalog.products.map((p) => [p.name.toLowerCase(), p]));
  for (const p of catalog.products) {
    into.addValue(moneyNumber(p.priceMinor)).addText(p.name).addText(p.description);
    const deltas = p.options.map((o) => o.priceDeltaMinor).slice(0, 6);
    for (const o of p.options) into.addValue(moneyNumber(o.priceDeltaMinor)).addText(o.name);
    for (let mask = 1; mask < 1 << deltas.length; mask++) {
      let sum = p.priceMinor;
      deltas.forEach((d, i) => {
        if (mask & (1 << i)) sum += d;
      });
      into.addValue(moneyNumber(sum));
    }
    for (const u of p.upsell) {
      const other = byName.get(u.toLowerCase());
      if (other) into.addValue(moneyNumber(p.priceMinor + other.priceMinor));
    }
  }
  return into;
}
