// The fields the agent collects before it hands the lead over: the phone always (its own module),
// and the project's choice of name, date, address and budget, each read and checked from the
// client's answer to the agent's question.
import { extractEntities } from "../entities.ts";
import { normalizeText } from "../stem.ts";
import type { CollectField } from "./types.ts";

export type ExtraField = Exclude<CollectField, "phone">;

export const FIELD_ASKS: Record<ExtraField, string> = {
  name: "Как к вам обращаться?",
  date: "На какую дату и время вам удобно?",
  address: "Подскажите, пожалуйста, адрес.",
  budget: "На какой бюджет вы рассчитываете?",
};

const NOT_A_NAME = new Set(["да", "нет", "ок", "окей", "хорошо", "спасибо", "привет", "здравствуйте", "не", "зачем", "клиент", "потом", "неважно", "ага", "угу"]);
const MONTHS = "январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр";
const DATE = new RegExp(
  `(\\d{1,2}[./]\\d{1,2}(?:[./]\\d{2,4})?|\\d{1,2}\\s+(?:${MONTHS})[а-я]*|сегодня|завтра|послезавтра|понедельник|вторник|сред[ауые]|четверг|пятниц[ауые]|суббот[ауые]|воскресень[ея]|выходн[а-я]*|на следующей неделе|через\\s+\\d+\\s+(?:дн|недел))`,
  "u",
);
const STREET = /(^|[\s,])(ул\.?|улица|пр-?т|проспект|пер\.?|переулок|шоссе|бульвар|б-р|наб\.?|набережная|пл\.?|площадь|мкр\.?|микрорайон|д\.|дом|кв\.?|квартира|корп)(?=[\s.,\d]|$)/u;
const AMOUNT = /(\d[\d\s]*(?:[.,]\d+)?)\s*(тыс[а-я.]*|т\.?\s?р\.?|к|k|млн)?/iu;

function titleCase(word: string): string {
  return word
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1).toLowerCase())
    .join("-");
}

/** The field's value in an answer to the agent's question, checked; null when it is not one. */
export function readField(field: ExtraField, text: string): string | null {
  const t = text.trim();
  switch (field) {
    case "name": {
      const stated = extractEntities(t).name;
      if (stated) return stated;
      const bare = t
        .replace(/^(меня\s+зовут|зовут|я|это|мое\s+имя|моё\s+имя)\s+/iu, "")
        .replace(/[.!,)]+$/u, "")
        .trim();
      const words = bare.split(/\s+/);
      if (words.length < 1 || words.length > 3 || bare.length > 40) return null;
      if (!words.every((w) => /^\p{L}[\p{L}-]{1,}$/u.test(w) && !NOT_A_NAME.has(w.toLowerCase()))) return null;
      return words.map(titleCase).join(" ");
    }
    case "date": {
      const m = DATE.exec(normalizeText(t));
      if (!m) return null;
      return t.length <= 80 ? t : m[0];
    }
    case "address": {
      const hasStreet = STREET.test(normalizeText(t));
      const words = t.split(/\s+/).length;
      if (!(hasStreet || (words >= 2 && /\d/.test(t))) || t.length > 200) return null;
      return t;
    }
    case "budget": {
      const budget = extractEntities(t).budget;
      if (budget) return String(budget.amount);
      const m = AMOUNT.exec(t);
      if (!m?.[1]) return null;
      let amount = Number(m[1].replace(/\s/g, "").replace(",", "."));
      if (!Number.isFinite(amount) || amount <= 0) return null;
      const unit = (m[2] ?? "").toLowerCase();
      if (unit.startsWith("млн")) amount *= 1_000_000;
      else if (unit) amount *= 1000;
      return String(Math.round(amount));
    }
  }
}

/** A field mentioned without being asked ("меня зовут Анна", "бюджет 50 тысяч"). */
export function mentionedField(field: ExtraField, text: string): string | null {
  const e = extractEntities(text);
  if (field === "name") return e.name ?? null;
  if (field === "budget") return e.budget ? String(e.budget.amount) : null;
  return null;
}
