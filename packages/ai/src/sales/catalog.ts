// Price and availability answers from the project's catalog. Products are recognised by the words
// of their names (the rarer a word among the names, the more it counts: «медовик» names one cake,
// «торт» many); options of the product the client asks about or spoke of last are recognised the
// same way. Every amount written is a catalog price or a product's price with its options.
import { isWeakTerm, termStrength, textTerms } from "../knowledge.ts";
import { normalizeText } from "../stem.ts";
import { formatMoney } from "./money.ts";
import type { AgentCatalog, AgentCatalogOption, AgentCatalogProduct } from "./types.ts";

const STRONG = 0.85;

function rx(source: string): RegExp {
  return new RegExp(source.replaceAll("\\W0", "(?<![\\p{L}\\p{N}])").replaceAll("\\W1", "(?![\\p{L}\\p{N}])"), "u");
}

const PRICE_CUE = rx("\\W0(сколько|почем|по чем|цен[аыуеой]*\\W1|стоит|стоят|стоить|стоимост|прайс|обойдется|выйдет)");
const AVAILABILITY_CUE = rx("\\W0(есть|в наличии|наличи|остал[ио]сь|бывает|бывают|продаете|продается|имеется|можно (купить|заказать|взять))\\W1");
const ASSORTMENT_CUE = rx("\\W0(какие|какой|какая|что у вас|что есть|ассортимент|меню|выбор|посоветуете|что посоветуете)\\W1");
const ORDER_CUE = rx("\\W0(хочу|хотел[аи]?|закаж|заказать|возьму|беру|буду|оформ)");

/** Whether a message asks what something costs. */
export function asksPrice(text: string): boolean {
  return PRICE_CUE.test(normalizeText(text));
}

interface Named<T> {
  item: T;
  terms: string[];
}

function named<T>(items: readonly T[], name: (t: T) => string): { list: Named<T>[]; df: Map<string, number> } {
  const list = items.map((item) => ({ item, terms: [...new Set(textTerms(name(item)).filter((t) => !isWeakTerm(t)))] }));
  const df = new Map<string, number>();
  for (const n of list) for (const t of n.terms) df.set(t, (df.get(t) ?? 0) + 1);
  return { list, df };
}

/** Items whose names the text speaks of, best first: a word only this name has, or half its weight. */
function matchNames<T>(index: { list: Named<T>[]; df: Map<string, number> }, text: string): { item: T; score: number }[] {
  const query = textTerms(text);
  const n = index.list.length;
  const found: { item: T; score: number }[] = [];
  for (const entry of index.list) {
    if (entry.terms.length === 0) continue;
    let total = 0;
    let got = 0;
    let unique = false;
    for (const t of entry.terms) {
      const df = index.df.get(t) ?? 1;
      const w = Math.log(1 + n / df);
      total += w;
      if (termStrength(t, query) >= STRONG) {
        got += w;
        if (df === 1) unique = true;
      }
    }
    const score = total ? got / total : 0;
    if (got > 0 && (unique || score >= 0.5)) found.push({ item: entry.item, score });
  }
  found.sort((a, b) => b.score - a.score);
  const best = found[0]?.score ?? 0;
  return found.filter((f) => f.score >= best * 0.8);
}

const productIndexCache = new WeakMap<AgentCatalog, ReturnType<typeof named<AgentCatalogProduct>>>();

function productIndex(catalog: AgentCatalog) {
  let index = productIndexCache.get(catalog);
  if (!index) {
    index = named(catalog.products, (p) => p.name);
    productIndexCache.set(catalog, index);
  }
  return index;
}

/** Products a text names, best first. */
export function findProducts(catalog: AgentCatalog, text: string): AgentCatalogProduct[] {
  return matchNames(productIndex(catalog), text).map((f) => f.item);
}

export function findOptions(product: AgentCatalogProduct, text: string): AgentCatalogOption[] {
  if (product.options.length === 0) return [];
  const matches = matchNames(named(product.options, (o) => o.name), text).map((f) => f.item);
  // Of one group (one size, one milk) only the best; add-ons without a group all count.
  const seen = new Set<string>();
  return matches.filter((o) => {
    if (!o.group) return true;
    if (seen.has(o.group)) return false;
    seen.add(o.group);
    return true;
  });
}

export interface CatalogReply {
  text: string;
  /** Which rule wrote it: catalog_price, catalog_option, catalog_unavailable, catalog_available, catalog_assortment, upsell. */
  rule: string;
  photoKey?: string | null;
}

export interface CatalogTurn {
  replies: CatalogReply[];
  /** Whether the client asked about price or availability at all (answered or not). */
  asked: boolean;
}

const UPSELL_PREFIX = "С этим часто берут";

export function describe(p: AgentCatalogProduct, currency: string): string {
  const desc = p.description.trim();
  return `${p.name} — ${formatMoney(p.priceMinor, currency)}${desc ? ` (${desc.replace(/[.\s]+$/u, "")})` : ""}`;
}

export function alternatives(catalog: AgentCatalog, p: AgentCatalogProduct): AgentCatalogProduct[] {
  if (!p.category) return [];
  return catalog.products
    .filter((o) => o !== p && o.available && o.category === p.category)
    .sort((a, b) => Math.abs(a.priceMinor - p.priceMinor) - Math.abs(b.priceMinor - p.priceMinor))
    .slice(0, 2);
}

function productReply(catalog: AgentCatalog, p: AgentCatalogProduct, text: string): CatalogReply {
  const cur = catalog.currency;
  if (!p.available) {
    const alts = alternatives(catalog, p);
    const offer = alts.length ? ` Могу предложить: ${alts.map((a) => describe(a, cur)).join("; ")}.` : "";
    return { rule: "catalog_unavailable", text: `${p.name} сейчас, к сожалению, нет в наличии.${offer}` };
  }
  const options = findOptions(p, text).filter((o) => o.available !== false);
  if (options.length) {
    const sum = p.priceMinor + options.reduce((s, o) => s + o.priceDeltaMinor, 0);
    const parts = [formatMoney(p.priceMinor, cur), ...options.map((o) => formatMoney(o.priceDeltaMinor, cur))].join(" + ");
    return { rule: "catalog_option", text: `${p.name} + ${options.map((o) => o.name).join(" + ")}: ${parts} = ${formatMoney(sum, cur)}.`, photoKey: p.photoKey };
  }
  const n = normalizeText(text);
  const extras = p.options.filter((o) => o.available !== false).slice(0, 4);
  const extraText = extras.length ? ` Можно добавить: ${extras.map((o) => `${o.name} +${formatMoney(o.priceDeltaMinor, cur)}`).join(", ")}.` : "";
  if (AVAILABILITY_CUE.test(n) && !PRICE_CUE.test(n)) return { rule: "catalog_available", text: `Да, есть: ${describe(p, cur)}.`, photoKey: p.photoKey };
  return { rule: "catalog_price", text: `${describe(p, cur)}.${extraText}`, photoKey: p.photoKey };
}

/** The product a thread spoke of last whose options the new text names. */
function productInContext(catalog: AgentCatalog, history: readonly string[], text: string): AgentCatalogProduct | null {
  for (let i = history.length - 1; i >= 0; i--) {
    for (const p of findProducts(catalog, history[i] ?? "")) if (findOptions(p, text).length) return p;
  }
  return null;
}

function assortment(catalog: AgentCatalog, text: string): CatalogReply | null {
  const cur = catalog.currency;
  const available = catalog.products.filter((p) => p.available);
  const categories = [...new Set(catalog.products.map((p) => p.category).filter((c): c is string => !!c))];
  const inCategory = matchNames(named(categories, (c) => c), text).map((f) => f.item);
  let list: AgentCatalogProduct[] = [];
  let rule = "catalog_assortment";
  if (inCategory.length) list = available.filter((p) => p.category && inCategory.includes(p.category));
  else {
    // "что есть без лактозы": products whose name, description or category has every meaningful word.
    const strong = textTerms(text).filter((t) => !isWeakTerm(t) && !/^(как|чт|ест|у|вас|ассортимент|меню|выбор|посовет)/.test(t));
    if (strong.length) {
      list = available.filter((p) => {
        const own = textTerms(`${p.name} ${p.description} ${p.category ?? ""}`);
        return strong.every((t) => termStrength(t, own) >= STRONG);
      });
      rule = "catalog_search";
    }
  }
  if (list.length) {
    const shown = list.slice(0, 6);
    const more = list.length > shown.length ? ` и ещё ${list.length - shown.length}` : "";
    return { rule, text: `Сейчас есть: ${shown.map((p) => describe(p, cur)).join("; ")}${more}.` };
  }
  if (rx("\\W0(меню|ассортимент)").test(normalizeText(text)) && categories.length) {
    return { rule, text: `У нас есть: ${categories.join(", ")}. Что вам подсказать?` };
  }
  return null;
}

/**
 * Catalog answers to the client's new text: the products it names (with options), or the product
 * spoken of before whose option it names, or a category / a feature it asks about. An up-sell is
 * added once per conversation, never twice.
 */
export function answerFromCatalog(catalog: AgentCatalog | undefined, text: string, history: readonly string[], agentSaid: readonly string[]): CatalogTurn {
  const n = normalizeText(text);
  const cue = PRICE_CUE.test(n) || AVAILABILITY_CUE.test(n) || ORDER_CUE.test(n);
  const asked = PRICE_CUE.test(n) || AVAILABILITY_CUE.test(n);
  if (!catalog || catalog.products.length === 0) return { replies: [], asked };
  let products = findProducts(catalog, text).slice(0, 3);
  if (products.length === 0) {
    const p = productInContext(catalog, history, text);
    if (p) products = [p];
  }
  const replies: CatalogReply[] = [];
  if (products.length) {
    for (const p of products) replies.push(productReply(catalog, p, text));
  } else if (asked || ASSORTMENT_CUE.test(n)) {
    const a = assortment(catalog, text);
    if (a) replies.push(a);
  }
  if (!cue && products.length === 0) return { replies, asked };
  const upsellDone = agentSaid.some((t) => t.includes(UPSELL_PREFIX));
  if (!upsellDone) {
    const spoken = normalizeText([...history, text, ...agentSaid].join("\n"));
    for (const p of products.filter((x) => x.available)) {
      const offer = p.upsell
        .map((name) => catalog.products.find((o) => o.name.toLowerCase() === name.toLowerCase()))
        .find((o): o is AgentCatalogProduct => !!o && o.available && !products.includes(o) && !spoken.includes(normalizeText(o.name)));
      if (offer) {
        replies.push({ rule: "upsell", text: `${UPSELL_PREFIX}: ${describe(offer, catalog.currency)}. Добавить?` });
        break;
      }
    }
  }
  return { replies, asked };
}
