// An order written in free text («хочу два капучино на овсяном и круассан»): the catalog's products
// it names, how many of each (digits or words) and their options, priced from the catalog only.
// A product on the stop-list, an option the product does not have or a name that fits several
// products is answered plainly (with what the category or the product does have) instead of
// proposed. The client confirms a proposal with «да» and drops it with «нет».
import { normalizeText } from "../stem.ts";
import { alternatives, describe, findOptions, findProducts } from "./catalog.ts";
import { formatMoney, moneyNumber } from "./money.ts";
import type { AllowedNumbers } from "./numbers.ts";
import type { AgentCatalog, AgentCatalogOption, AgentCatalogProduct } from "./types.ts";

/** One line of a proposed order, priced from the catalog as it is now. */
export interface ProposedLine {
  productId: string | null;
  name: string;
  optionIds: string[];
  options: { name: string; priceDeltaMinor: number }[];
  quantity: number;
  /** The product's price with its options, per piece. */
  unitPriceMinor: number;
}

export type OrderReading =
  | { kind: "none" }
  | { kind: "proposal"; lines: ProposedLine[] }
  /** Something in the order cannot be taken as written: the answers say what and what instead. */
  | { kind: "problem"; answers: string[] };

const W0 = "(?<![\\p{L}\\p{N}])";
const W1 = "(?![\\p{L}\\p{N}])";
// «хочу», «закажу», «оформите», «возьму», «буду», «мне …, пожалуйста»: the client is ordering.
const ORDER_CUE = new RegExp(`${W0}(хочу|хотел[аи]?|хотим|закаж|заказать|заказываю|возьму|возьмем|беру|буду|оформ|положите|сделайте|приготовьте)`, "u");
// A question about the price or a booking is not an order.
const NOT_ORDER = new RegExp(`${W0}(сколько|почем|цен[аыуеой]*${W1}|стоит|стоимост|записат|запись|узнать|\\?)`, "u");

const NUMBER_WORDS: Record<string, number> = {
  один: 1, одна: 1, одну: 1, одно: 1, пара: 2, пару: 2, два: 2, две: 2, три: 3, четыре: 4, пять: 5, шесть: 6,
  семь: 7, восемь: 8, девять: 9, десять: 10, одиннадцать: 11, двенадцать: 12,
};
const QUANTITY = new RegExp(`${W0}(\\d{1,2}|${Object.keys(NUMBER_WORDS).join("|")})${W1}(?!\\s*((см|мм|мл|л|г|гр|кг|руб)${W1}|%|₽|р\\.))`, "u");
// «на кокосовом», «на соевом»: an option asked for by the way milk is named.
const ON_OPTION = new RegExp(`${W0}на (\\p{L}{3,}(ом|ем))${W1}`, "u");
// «с карамельным сиропом», «с корицей», «со льдом»: an add-on asked for by name.
const WITH_OPTION = new RegExp(`${W0}со? (\\p{L}{3,})(?: (\\p{L}{3,}))?${W1}`, "u");
// What «с …» says that is not an add-on: «с собой», «с доставкой», «с утра».
const NOT_AN_OPTION = new Set(["собой", "собою", "ним", "ней", "ними", "этим", "этой", "вами", "нами", "утра", "утром", "вечера", "доставкой", "сдачей", "сдачи", "картой", "наличными", "самовывозом"]);
// Sizes the client may name: «маленький», «средний», «большой», «XL».
const SIZE_WORD = new RegExp(`${W0}(маленьк(?:ий|ая|ое|ую|ие|их)|средн(?:ий|яя|ее|юю|ие|их)|больш(?:ой|ая|ое|ую|ие|их)|xs|xl|xxl)${W1}`, "u");

export const MAX_ORDER_QUANTITY = 99;
/** How long a proposal waits for «да» (the domain keeps it). */
export const PROPOSAL_TTL_MINUTES = 30;

/** What the agent says about a proposal (no numbers: nothing here can be an invented one). */
export const ORDER_TEXTS = {
  cancelled: "Хорошо, заказ отменён. Если захотите что-то другое — напишите.",
  stale: "Это предложение заказа уже устарело. Напишите ещё раз, что хотите заказать, — соберу заказ заново по актуальным ценам.",
  alreadyPlaced: "Этот заказ уже оформлен, повторять не нужно. Если хотите что-то ещё — напишите.",
} as const;

/** Whether a text is ordering something rather than asking about it. */
export function isOrderRequest(text: string): boolean {
  const n = normalizeText(text);
  return ORDER_CUE.test(n) && !NOT_ORDER.test(n);
}

function quantityOf(segment: string): number {
  const m = QUANTITY.exec(segment);
  if (!m) return 1;
  const raw = m[1]!;
  const n = /^\d+$/.test(raw) ? Number(raw) : (NUMBER_WORDS[raw] ?? 1);
  return Math.min(Math.max(n, 1), MAX_ORDER_QUANTITY);
}

/** The order's parts: «два капучино, круассан и морс» → three. */
function segments(text: string): string[] {
  return normalizeText(text)
    .split(/[,;\n+]|\s(?:и|а также|плюс|еще)\s/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

function optionList(p: AgentCatalogProduct, currency: string): string {
  return p.options
    .filter((o) => o.available !== false)
    .map((o) => `${o.name} +${formatMoney(o.priceDeltaMinor, currency)}`)
    .join(", ");
}

/** Reads an order from the client's text; `none` when the text is not an order of catalog products. */
export function readOrder(catalog: AgentCatalog | undefined, text: string): OrderReading {
  if (!catalog || catalog.products.length === 0 || !isOrderRequest(text)) return { kind: "none" };
  const cur = catalog.currency;
  const lines: ProposedLine[] = [];
  const answers: string[] = [];
  for (const segment of segments(text)) {
    const found = findProducts(catalog, segment);
    if (found.length === 0) continue;
    const product = found[0]!;
    if (found.length > 1 && !found.some((p) => normalizeText(segment).includes(normalizeText(p.name)))) {
      answers.push(`Уточните, какой именно: ${found.slice(0, 3).map((p) => describe(p, cur)).join("; ")}?`);
      continue;
    }
    if (!product.available) {
      const alts = alternatives(catalog, product);
      answers.push(`${product.name} сейчас, к сожалению, нет в наличии.${alts.length ? ` Могу предложить: ${alts.map((a) => describe(a, cur)).join("; ")}.` : ""}`);
      continue;
    }
    const options = findOptions(product, segment);
    const gone = options.filter((o) => o.available === false);
    if (gone.length) {
      const rest = optionList(product, cur);
      answers.push(`${product.name}: ${gone.map((o) => o.name).join(", ")} сейчас нет.${rest ? ` Можно: ${rest}.` : ""}`);
      continue;
    }
    const missing = unknownOption(catalog, product, segment);
    if (missing) {
      const rest = optionList(product, cur);
      answers.push(`${product.name} «${missing}» не готовим.${rest ? ` Можно: ${rest}.` : ""}`);
      continue;
    }
    lines.push(lineOf(product, options, quantityOf(segment)));
  }
  if (answers.length) return { kind: "problem", answers };
  return lines.length ? { kind: "proposal", lines } : { kind: "none" };
}

const stemOf = (word: string) => word.slice(0, 4);
const wordsOf = (text: string) => normalizeText(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/**
 * An option the client asked for that the product does not offer: «на кокосовом», «с мятным
 * сиропом», «с корицей», a size («средний», «XL»). A word of the product's own name («чай с
 * чабрецом») or another product («капучино с круассаном») is not one; neither is «с собой».
 * Returns the words as the client wrote them, or null when every option asked for is offered.
 */
function unknownOption(catalog: AgentCatalog, product: AgentCatalogProduct, segment: string): string | null {
  // An option's words and its group's («с молоком» where there is a choice of milk).
  const offered = new Set(product.options.flatMap((o) => wordsOf(`${o.name} ${o.group ?? ""}`).map(stemOf)));
  const ownName = new Set(wordsOf(product.name).map(stemOf));
  const known = (word: string) => offered.has(stemOf(word)) || ownName.has(stemOf(word));
  const on = ON_OPTION.exec(segment);
  if (on && !known(on[1]!)) return `на ${on[1]}`;
  const size = SIZE_WORD.exec(segment);
  if (size && !known(size[1]!)) return size[1]!;
  const withWords = WITH_OPTION.exec(segment);
  // The first word names it: «с мятным сиропом» is not offered by «сироп карамель».
  if (withWords && !NOT_AN_OPTION.has(withWords[1]!) && !known(withWords[1]!)) {
    const phrase = withWords.slice(1).filter(Boolean).join(" ");
    if (findProducts(catalog, phrase).length === 0) return withWords[0]!.trim();
  }
  return null;
}

function lineOf(product: AgentCatalogProduct, options: readonly AgentCatalogOption[], quantity: number): ProposedLine {
  return {
    productId: product.id ?? null,
    name: product.name,
    optionIds: options.map((o) => o.id).filter((id): id is string => !!id),
    options: options.map((o) => ({ name: o.name, priceDeltaMinor: o.priceDeltaMinor })),
    quantity,
    unitPriceMinor: product.priceMinor + options.reduce((s, o) => s + o.priceDeltaMinor, 0),
  };
}

export function proposalTotal(lines: readonly ProposedLine[]): number {
  return lines.reduce((s, l) => s + l.unitPriceMinor * l.quantity, 0);
}

/** The message asking the client to confirm: each line with its catalog price, the total, how to answer. */
export function proposalText(lines: readonly ProposedLine[], currency: string, opts: { priceChanged?: boolean; buttons?: boolean } = {}): string {
  const rows = lines.map((l) => {
    const label = `${l.name}${l.options.length ? ` (${l.options.map((o) => o.name).join(", ")})` : ""}`;
    const price = l.quantity > 1 ? `${l.quantity} × ${formatMoney(l.unitPriceMinor, currency)} = ${formatMoney(l.unitPriceMinor * l.quantity, currency)}` : formatMoney(l.unitPriceMinor, currency);
    return `• ${label} — ${price}`;
  });
  const head = opts.priceChanged ? "Цена изменилась, вот заказ по новой цене." : "";
  const ask = opts.buttons ? "ответьте «да» или нажмите кнопку" : "ответьте «да»";
  return [head, `Подтвердите заказ: ${ask}, «нет» — отменить.`, ...rows, `Итого: ${formatMoney(proposalTotal(lines), currency)}.`].filter(Boolean).join("\n");
}

const CONFIRM = new RegExp(`^(да|ага|угу|подтверждаю|подтвердить|подтверждаем|верно|все верно|оформляйте|оформляй|давайте|давай|ок|окей|хорошо|конечно)${W1}`, "u");
const CANCEL = new RegExp(`^(нет|не надо|не нужно|отмена|отмените|отменить|отменяю|передумал[аи]?)${W1}`, "u");

/** The client's answer to a proposal: «да» / «подтверждаю» confirm it, «нет» / «отмените» drop it. */
export function readProposalAnswer(text: string): "confirm" | "cancel" | null {
  const n = normalizeText(text).replace(/[!.)\s]+$/u, "");
  if (CANCEL.test(n)) return "cancel";
  if (CONFIRM.test(n) && !/(?<![\p{L}])(нет|не)(?![\p{L}])/u.test(n)) return "confirm";
  return null;
}

/**
 * Amounts of the orders the client's messages ask for: each line's total and the order's total are
 * sums of catalog prices the conversation is about, not invented numbers.
 */
export function allowedOrderNumbers(catalog: AgentCatalog | undefined, clientTexts: readonly (string | null)[], into: AllowedNumbers): AllowedNumbers {
  if (!catalog) return into;
  for (const text of clientTexts) {
    const reading = text ? readOrder(catalog, text) : null;
    if (reading?.kind !== "proposal") continue;
    for (const l of reading.lines) into.addValue(String(l.quantity)).addValue(moneyNumber(l.unitPriceMinor)).addValue(moneyNumber(l.unitPriceMinor * l.quantity));
    into.addValue(moneyNumber(proposalTotal(reading.lines)));
  }
  return into;
}
