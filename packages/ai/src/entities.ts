// Contact details and lead facts a client mentions in passing: name, e-mail, what they want and
// their budget. The phone has its own module (phone.ts) because it decides the lead's stage.
import { normalizeText } from "./stem.ts";

export interface Budget {
  /** In whole units of the currency. */
  amount: number;
  currency: "RUB" | "USD" | "EUR";
  /** As the client wrote it. */
  raw: string;
}

export interface ExtractedEntities {
  /** E.164. */
  phone?: string;
  name?: string;
  email?: string;
  /** What the client wants, in their words ("заказать торт на субботу"). */
  interest?: string;
  budget?: Budget;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.[\p{L}]{2,}/u;
const NAME = /(?:меня\s+зовут|зовут\s+меня|моё\s+имя|мое\s+имя|моя\s+фамилия|с\s+уважением,?|имя\s*:)\s*([\p{L}]+(?:[\s-][\p{L}]+)?)/iu;
const CAPITALISED = /^\p{Lu}\p{Ll}+$/u;
const NAME_INTRO = /(?:^|[.!?]\s+)(?:[Ээ]то|[Яя])\s+[-—]?\s*(\p{Lu}\p{Ll}{2,})(?=[\s,.!]|$)/u;
const NOT_NAMES = new Set(["Хочу", "Хотела", "Хотел", "Здесь", "Тут", "Не", "Ваш", "Клиент", "Вас", "Можно"]);
const INTEREST =
  /(?:^|[\s,.!?])(?:хочу|хотим|хотел[аи]?\s+бы|планирую|интересует|интересуют|нужен|нужна|нужно|нужны|ищу|подскажите\s+по|хотелось\s+бы)\s+([^.!?\n]{3,120})/iu;
const INTEREST_END = /\s*(?:,\s*|\s+)(?:мой\s+(?:номер|телефон)|номер|телефон|тел\.?|перезвоните|звоните|\+?\d[\d\s()-]{5,}).*$/iu;

const MULTIPLIER = /^(тыс|т\.?\s?р|к|k)/iu;
const BUDGET_PATTERNS = [
  /бюджет[^\d]{0,24}(\d[\d\s]*(?:[.,]\d+)?)\s*(тыс\.?|т\.?\s?р\.?|к|k)?\s*(₽|руб[а-я.]*|р\.|\$|долл[а-я.]*|€|евро)?/iu,
  /(?:в\s+пределах|не\s+дороже|не\s+больше|не\s+более|до|около|примерно|рассчитываю\s+на|готов[а]?\s+потратить)\s+(\d[\d\s]*(?:[.,]\d+)?)\s*(тыс\.?|т\.?\s?р\.?|к|k)?\s*(₽|руб[а-я.]*|р\.|\$|долл[а-я.]*|€|евро)/iu,
];

function parseBudget(text: string): Budget | undefined {
  for (const pattern of BUDGET_PATTERNS) {
    const m = pattern.exec(text);
    if (!m?.[1]) continue;
    let amount = Number(m[1].replace(/\s/g, "").replace(",", "."));
    if (!Number.isFinite(amount) || amount <= 0) continue;
    if (m[2] && MULTIPLIER.test(m[2])) amount *= 1000;
    const unit = (m[3] ?? "").toLowerCase();
    const currency = unit.startsWith("$") || unit.startsWith("долл") ? "USD" : unit.startsWith("€") || unit.startsWith("евро") ? "EUR" : "RUB";
    return { amount: Math.round(amount), currency, raw: m[0].trim() };
  }
  return undefined;
}

function cleanInterest(phrase: string): string | undefined {
  const cut = phrase.replace(INTEREST_END, "").replace(/[\s,;:-]+$/u, "").trim();
  return cut.length >= 3 ? cut : undefined;
}

/** Entities in one client message. */
export function extractEntities(text: string): Omit<ExtractedEntities, "phone"> {
  const out: Omit<ExtractedEntities, "phone"> = {};
  const email = EMAIL.exec(text)?.[0];
  if (email) out.email = email.toLowerCase();
  // A name is written with a capital letter: "меня зовут Анна", not "меня зовут как маму".
  const named = NAME.exec(text)?.[1]?.split(/[\s-]/).filter((part) => CAPITALISED.test(part));
  const name = named?.length ? named.join(" ") : NAME_INTRO.exec(text)?.[1];
  if (name && !NOT_NAMES.has(name)) out.name = name;
  const interest = INTEREST.exec(text)?.[1];
  if (interest) {
    const cleaned = cleanInterest(normalizeText(interest));
    if (cleaned) out.interest = cleaned;
  }
  const budget = parseBudget(text);
  if (budget) out.budget = budget;
  return out;
}

// Every turn rereads the whole thread; a message's entities are worked out once.
const memo = new Map<string, Omit<ExtractedEntities, "phone">>();

/** Entities across client messages in order; a later mention replaces an earlier one. */
export function extractEntitiesFromMessages(texts: readonly string[]): Omit<ExtractedEntities, "phone"> {
  const out: Omit<ExtractedEntities, "phone"> = {};
  for (const text of texts) {
    let found = memo.get(text);
    if (!found) {
      found = extractEntities(text);
      if (memo.size >= 5_000) memo.clear();
      memo.set(text, found);
    }
    Object.assign(out, found, found.budget ? { budget: { ...found.budget } } : {});
  }
  return out;
}
