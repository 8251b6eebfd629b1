// Phone capture from client text. Russian formats come first ("8 912 345-67-89", "+7(912)3456789",
// "912 345 67 89"), other countries are accepted in international format. Validation uses the full
// ("max") metadata, so a number must match a real numbering plan, not merely have enough digits.
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from "libphonenumber-js/max";
import { normalizeText } from "./stem.ts";

export type InvalidPhoneReason = "too_short" | "too_long" | "not_a_phone" | "service_number" | "card_number";

export type PhoneFinding =
  | { kind: "valid"; e164: string; raw: string; country: string | null }
  | { kind: "invalid"; raw: string; reason: InvalidPhoneReason }
  | { kind: "none" };

export interface PhoneSearchOptions {
  /** Country assumed for numbers written without a country code. */
  defaultCountry?: CountryCode;
  /** The agent has just asked for the phone: a bare digit string is then read as an attempt. */
  expectingPhone?: boolean;
}

// A personal contact, not a hotline or a premium line the client copied from somewhere.
const SERVICE_TYPES = new Set(["TOLL_FREE", "PREMIUM_RATE", "SHARED_COST", "VOICEMAIL", "PAGER", "UAN"]);

// Digits and the separators people put between them; "+" only at the start.
const CANDIDATE = /\+?\s?\d(?:[\d\s().\-–—]*\d)?/g;
const PHONE_WORDS = /(?<![\p{L}])(тел|телефон|номер|моб|мобильн|сотов|звон|позвон|перезвон|набер|whatsapp|ватсап|вотсап|вацап|viber|вайбер|для связи|связаться)/u;
const NOT_A_PHONE_AFTER = /^\s*(₽|\$|€|%|руб|р\b|р\.|rub|usd|тыс|т\.?р|к\b|k\b|кг|гр?\b|шт|лет|год|мин|час|км|см|мм|м\b|дн|чел|порц|штук)/u;
const NOT_A_PHONE_BEFORE = /(№|#|заказ[а-я]*|счет[а-я]*|договор[а-я]*|артикул|арт\.?|код|индекс|инн|огрн|трек[а-я]*)\s*(номер\s*)?[:№#]?\s*$/u;
const CARD = /^\d{4}([\s-]?\d{4}){3}(\d{1,3})?$/;
const DATE_OR_TIME = /^\d{1,2}[.:/]\d{2}(?:[.:/]\d{2,4})?$/;

interface Candidate {
  raw: string;
  start: number;
  end: number;
  groups: { text: string; start: number; end: number }[];
}

function candidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const raw = match[0].trim();
    const start = (match.index ?? 0) + match[0].indexOf(raw);
    const groups: Candidate["groups"] = [];
    // Groups are split at white space only: "(912)" and "345-67-89" stay whole.
    for (const group of raw.matchAll(/[^\s]+/g)) {
      const groupStart = start + (group.index ?? 0);
      groups.push({ text: group[0], start: groupStart, end: groupStart + group[0].length });
    }
    out.push({ raw, start, end: start + raw.length, groups });
  }
  return out;
}

function digitsOf(raw: string): string {
  return raw.replace(/\D/g, "");
}

// Neighbours' clients often drop the plus: "375 29 123-45-67". Elsewhere the plus is required, so an
// order or account number is not read as someone's phone abroad.
const CODES_WITHOUT_PLUS = ["7", "375", "380", "374", "994", "995", "996", "998", "992", "993", "373", "370", "371", "372"];

function parseValid(raw: string, defaultCountry: CountryCode): PhoneNumber | "service" | null {
  let digits = digitsOf(raw);
  let plus = raw.trimStart().startsWith("+");
  if (!plus && digits.startsWith("00")) {
    digits = digits.slice(2);
    plus = true;
  }
  const attempts: string[] = [];
  if (plus) {
    attempts.push(`+${digits}`);
  } else {
    if (digits.length < 10 || digits.length > 13) return null;
    attempts.push(digits);
    const national = defaultCountry === "RU" && digits.startsWith("8");
    if (!national && digits.length >= 11 && CODES_WITHOUT_PLUS.some((code) => digits.startsWith(code))) {
      attempts.push(`+${digits}`);
    }
  }
  let service = false;
  for (const attempt of attempts) {
    const number = parsePhoneNumberFromString(attempt, defaultCountry);
    if (!number?.isValid()) continue;
    const type = number.getType();
    if (type && SERVICE_TYPES.has(type)) {
      service = true;
      continue;
    }
    return number;
  }
  return service ? "service" : null;
}

function validFinding(number: PhoneNumber, raw: string): PhoneFinding {
  return { kind: "valid", e164: number.number, raw, country: number.country ?? null };
}

function invalidFinding(raw: string): PhoneFinding {
  // Kept short: it is quoted back to the client.
  const shown = raw.length > 24 ? `${raw.slice(0, 24)}…` : raw;
  return { kind: "invalid", raw: shown, reason: invalidReason(digitsOf(raw), raw) };
}

function invalidReason(digits: string, raw: string): InvalidPhoneReason {
  if (CARD.test(raw)) return "card_number";
  if (digits.length < 10) return "too_short";
  if (digits.length > 12) return "too_long";
  return "not_a_phone";
}

/** Digit runs that are prices, quantities, dates, order or card numbers rather than a phone. */
function isOtherNumber(text: string, candidate: Candidate): boolean {
  if (DATE_OR_TIME.test(candidate.raw) || CARD.test(candidate.raw)) return true;
  const after = normalizeText(text.slice(candidate.end, candidate.end + 12));
  const before = normalizeText(text.slice(Math.max(0, candidate.start - 24), candidate.start));
  return NOT_A_PHONE_AFTER.test(after) || NOT_A_PHONE_BEFORE.test(before);
}

/** Whether a digit run that is not a valid number was still meant as one. */
function looksLikePhone(text: string, candidate: Candidate, expectingPhone: boolean, phoneWords: boolean): boolean {
  const digits = digitsOf(candidate.raw);
  // "+7 912" is a number begun and not finished.
  if (candidate.raw.startsWith("+") && digits.length >= 4 && !isOtherNumber(text, candidate)) return true;
  if (digits.length < 5 || DATE_OR_TIME.test(candidate.raw)) return false;
  if (CARD.test(candidate.raw)) return expectingPhone || phoneWords;
  if (isOtherNumber(text, candidate)) return false;
  if (candidate.raw.startsWith("+")) return true;
  if (digits.length >= 10 && digits.length <= 12 && /^[789]/.test(digits)) return true;
  if (expectingPhone || phoneWords) return true;
  // A message that is little more than the number itself is an attempt to give one.
  const rest = text.slice(0, candidate.start) + text.slice(candidate.end);
  return (rest.match(/\p{L}/gu) ?? []).length <= 12;
}

/**
 * A phone typed into a form field (the contact's card): the whole field must be one valid personal
 * number — Russian formats first («8 912 345-67-89», «+7 (912) 345-67-89»), others with their
 * country code. Its E.164 form, or why it is not one.
 */
export function parsePhoneField(input: string, options: { defaultCountry?: CountryCode } = {}): { kind: "valid"; e164: string } | { kind: "invalid"; reason: InvalidPhoneReason } {
  const raw = input.trim();
  if (!raw || !/^\+?[\d\s().\-–—]+$/.test(raw)) return { kind: "invalid", reason: "not_a_phone" };
  if (CARD.test(raw)) return { kind: "invalid", reason: "card_number" };
  const parsed = parseValid(raw, options.defaultCountry ?? "RU");
  if (parsed === "service") return { kind: "invalid", reason: "service_number" };
  if (!parsed) return { kind: "invalid", reason: invalidReason(digitsOf(raw), raw) };
  return { kind: "valid", e164: parsed.number };
}

/**
 * The phone in one message: the longest run of digit groups that is a valid number wins; a
 * digit run that looks like a phone but is not valid is reported so the agent can say so.
 */
export function findPhone(text: string, options: PhoneSearchOptions = {}): PhoneFinding {
  const defaultCountry = options.defaultCountry ?? "RU";
  let invalid: PhoneFinding | null = null;
  let service: string | null = null;
  const phoneWords = PHONE_WORDS.test(normalizeText(text));
  for (const candidate of candidates(text)) {
    const { groups } = candidate;
    if (isOtherNumber(text, candidate)) {
      if (!invalid && looksLikePhone(text, candidate, options.expectingPhone ?? false, phoneWords)) {
        invalid = invalidFinding(candidate.raw);
      }
      continue;
    }
    // The longest span of consecutive digit groups that is a valid number wins: a run may glue a
    // phone to a neighbouring number ("8 912 345 67 89 2 торта"). Nobody writes a phone in more
    // than six groups or with over 15 digits, which keeps this linear however long the run.
    let best: { number: PhoneNumber; raw: string; groups: number } | null = null;
    for (let from = 0; from < groups.length; from++) {
      let digits = 0;
      for (let to = from; to < groups.length && to - from < 6; to++) {
        const first = groups[from];
        const last = groups[to];
        if (!first || !last) break;
        digits += digitsOf(last.text).length;
        if (digits > 15) break;
        if (digits < 7) continue;
        const raw = text.slice(first.start, last.end);
        const parsed = parseValid(raw, defaultCountry);
        if (parsed === "service") service ??= raw;
        else if (parsed && (!best || to - from + 1 > best.groups)) best = { number: parsed, raw, groups: to - from + 1 };
      }
    }
    if (best) return validFinding(best.number, best.raw);
    if (!invalid && looksLikePhone(text, candidate, options.expectingPhone ?? false, phoneWords)) {
      invalid = invalidFinding(candidate.raw);
    }
  }
  if (service !== null) return { kind: "invalid", raw: service, reason: "service_number" };
  return invalid ?? { kind: "none" };
}

/**
 * A number split over two consecutive client messages ("8 912 345" then "67 89"): the digit run
 * that ends the earlier message joined with the one that opens the later one.
 */
export function joinSplitPhone(earlier: string, later: string, options: PhoneSearchOptions = {}): PhoneFinding {
  const tail = candidates(earlier).at(-1);
  const head = candidates(later)[0];
  if (!tail || !head) return { kind: "none" };
  if (earlier.slice(tail.end).replace(/[\s.,;:!?)-]/g, "") !== "") return { kind: "none" };
  if (later.slice(0, head.start).replace(/[\s,.:;-]|и\s/g, "").length > 0) return { kind: "none" };
  const raw = `${tail.raw} ${head.raw}`;
  const parsed = parseValid(raw, options.defaultCountry ?? "RU");
  return parsed && parsed !== "service" ? validFinding(parsed, raw) : { kind: "none" };
}

/**
 * The latest phone across client messages in order, including one split over two consecutive
 * messages. An invalid finding is reported only for messages from `reportInvalidFrom` on, so an
 * old mistake the client already corrected is not raised again.
 */
export function findPhoneInMessages(
  texts: readonly string[],
  options: PhoneSearchOptions & { reportInvalidFrom?: number } = {},
): PhoneFinding {
  const reportFrom = options.reportInvalidFrom ?? 0;
  let latestInvalid: PhoneFinding | null = null;
  for (let i = texts.length - 1; i >= 0; i--) {
    const text = texts[i] ?? "";
    const previous = i > 0 ? texts[i - 1] : undefined;
    if (previous !== undefined) {
      const joined = joinSplitPhone(previous, text, options);
      if (joined.kind === "valid") {
        const alone = findPhone(text, options);
        return alone.kind === "valid" ? alone : joined;
      }
    }
    const finding = findPhone(text, { ...options, expectingPhone: options.expectingPhone && i >= reportFrom });
    if (finding.kind === "valid") return finding;
    if (finding.kind === "invalid" && i >= reportFrom && !latestInvalid) latestInvalid = finding;
  }
  return latestInvalid ?? { kind: "none" };
}

/** "+79123456789" → "+7 912 345-67-89", the way Russians write a number; others in international format. */
export function formatPhone(e164: string): string {
  const ru = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(e164);
  if (ru) return `+7 ${ru[1]} ${ru[2]}-${ru[3]}-${ru[4]}`;
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
