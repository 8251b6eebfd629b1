// Answers from the project's own knowledge: business facts (hours, address, …) recognised by
// built-in Russian question patterns, and FAQ entries matched lexically over stems. The answer is
// always the project's own text; when nothing matches well enough the result is empty, never a guess.
import { normalizeText, stemRussian, stems } from "./stem.ts";

export type ProjectFacts = Record<string, string>;

export interface FaqEntry {
  /** Question variants as the project wrote them. */
  q: string[];
  /** The answer, sent as written. */
  a: string;
}

export interface ProjectKnowledge {
  facts: ProjectFacts;
  faq: FaqEntry[];
}

export interface KnowledgeAnswer {
  source: "fact" | "faq";
  /** The fact key, or the FAQ entry's first question variant. */
  key: string;
  /** Reply text built from the project's own wording. */
  text: string;
  /** 1 for a recognised fact question; lexical similarity in [0, 1] otherwise. */
  score: number;
}

export type FactKind = "hours" | "address" | "phone" | "payment" | "parking" | "delivery" | "website" | "email";

const FACT_KEYS: Record<FactKind, string[]> = {
  hours: ["hours", "schedule", "working_hours", "workhours", "opening_hours", "часы", "график", "режим", "режим работы", "часы работы", "время работы"],
  address: ["address", "location", "адрес", "местоположение", "где мы"],
  phone: ["phone", "telephone", "contact_phone", "телефон"],
  payment: ["payment", "payments", "оплата", "способы оплаты"],
  parking: ["parking", "парковка"],
  delivery: ["delivery", "shipping", "доставка"],
  website: ["website", "site", "url", "сайт"],
  email: ["email", "e-mail", "mail", "почта"],
};

/** Which built-in kind a project's fact key is, if any. */
export function factKind(key: string): FactKind | null {
  const k = normalizeText(key).replace(/[-\s]+/g, "_");
  for (const [kind, keys] of Object.entries(FACT_KEYS) as [FactKind, string[]][]) {
    if (keys.some((alias) => alias.replace(/[-\s]+/g, "_") === k)) return kind;
  }
  return null;
}

// Word boundaries for Cyrillic (JavaScript's \b only knows ASCII letters): \W0 starts a word,
// \W1 ends one.
function rx(source: string): RegExp {
  return new RegExp(source.replaceAll("\\W0", "(?<![\\p{L}\\p{N}])").replaceAll("\\W1", "(?![\\p{L}\\p{N}])"), "u");
}

// Patterns are matched on normalizeText() output (lower case, ё → е).
const FACT_QUESTIONS: Record<FactKind, RegExp[]> = {
  hours: [
    rx("\\W0(до|во|со|с|по) скольк"),
    rx("\\W0когда\\s+(вы\\s+|у вас\\s+|вас\\s+|можно\\s+)?(открыва|закрыва|открыт|работа|начина|заканчива|приезжать|приходить|подъехать)"),
    rx("\\W0(график|режим|час[ыа]|время)\\s+(ваш[а-я]*\\s+)?(работ|приема|открыт)"),
    rx("\\W0(график|режим работы|часы работы)\\W1"),
    rx("\\W0(открыва|закрыва)[а-я]*сь"),
    rx("\\W0(вы|у вас)\\s+(сейчас\\s+|сегодня\\s+|завтра\\s+|еще\\s+)?(открыт|работаете|работает)"),
    rx("\\W0работаете\\s+(ли\\s+)?(сейчас|сегодня|завтра|ночью|круглосуточно|без выходных|в выходн|в праздник|в воскресенье|в субботу|по выходн|по воскресень|по субботам|вечером|утром|\\d)"),
    rx("\\W0(открыт[ыо]?|работаете)\\s*\\?"),
    rx("\\W0(принимаете|принимает|ведете\\s+прием|ведет\\s+прием|открыты|работаете)\\s+(ли\\s+)?(в|во|по)\\s+(выходн|суббот|воскресен|праздни|понедельник|вечер)"),
    rx("\\W0(в|во|по)\\s+(выходн[а-я]*|суббот[а-я]*|воскресень[а-я]*|праздник[а-я]*|праздничн[а-я]*\\s+дни)\\s+(вы\\s+)?(работаете|принимаете|открыты)"),
    rx("\\W0(без выходных|выходн[а-я]* дни|в какие дни|какие дни)"),
    rx("\\W0(до|с|со|после)\\s+(которого|какого)\\s+(часа|времени)"),
    rx("\\W0(в какое время|во сколько)\\s+(вы\\s+|у вас\\s+)?(работа|открыва|закрыва|открыт|принима|можно)"),
    rx("\\W0(какие|какой|какое)\\s+(у вас\\s+)?(часы|график|режим|время работы)\\W1"),
    rx("\\W0когда\\s+(к вам\\s+)?(можно\\s+)?(к вам\\s+)?(прийти|приехать|подъехать|зайти|заехать|подойти)"),
    rx("\\W0круглосуточн[а-я]*\\s*\\?"),
  ],
  address: [
    rx("\\W0адрес(?!\\s+(доставки|почты|электрон|эл\\W|e-?mail))"),
    rx("\\W0где\\s+(вы|у вас|вас|находит|наход|располож|ваш|ваша|ваше|можно вас|вас можно|забрать|самовывоз|офис|магазин|салон|клиника|точка|кофейня|сервис|студия|шоурум|склад)"),
    rx("\\W0как\\s+(к вам\\s+|до вас\\s+|вас\\s+|туда\\s+)?(добраться|доехать|дойти|пройти|проехать|найти|приехать|попасть)"),
    rx("\\W0куда\\s+(ехать|подъехать|приехать|приезжать|подходить|идти|прийти|приходить|подойти)"),
    rx("\\W0в\\s+каком\\s+(городе|районе|тц|торговом|здании)"),
    rx("\\W0(ближайш[а-я]*|какое|какая)\\s+(станция\\s+)?метро"),
    rx("\\W0(локаци|геолокац|геоточк|на карте|точку на карте|местоположени|местонахождени)"),
    rx("\\W0(вы|вас)\\s+где\\W1"),
    rx("\\W0откуда\\s+(можно\\s+)?(забрать|забирать|самовывоз)|\\W0самовывоз[а-я]*\\s+(откуда|где|по какому адресу)"),
  ],
  phone: [
    rx("\\W0(ваш|какой у вас|у вас есть|дайте|скиньте|подскажите)\\s+(номер|телефон)"),
    rx("\\W0(номер|телефон)\\s+(для связи|магазина|офиса|клиники|салона|сервиса|администратора|ресепшн)"),
    rx("\\W0куда\\s+(вам\\s+)?(позвонить|звонить)"),
    rx("\\W0как\\s+(с вами|вам|вас)\\s+(связаться|позвонить|дозвониться)"),
  ],
  payment: [
    rx("\\W0(как|чем|каким образом)\\s+(можно\\s+)?(оплат|плат|расплат)"),
    rx("\\W0(способ[а-я]*|вариант[а-я]*)\\s+оплат"),
    rx("\\W0(принимаете|можно|возможна|есть)\\s+(ли\\s+)?(оплат[а-я]*\\s+)?(карт|наличн|безнал|перевод|сбп|рассрочк|qr)"),
    rx("\\W0(оплата|оплатить)\\s+(картой|наличными|переводом|по сбп|при получении)"),
  ],
  parking: [rx("\\W0(парковк|парковаться|припарковаться|запарковаться)"), rx("\\W0где\\s+(поставить|оставить)\\s+(машину|авто)")],
  delivery: [
    rx("\\W0(доставк[а-я]*|доставляете|доставите|привезете|привозите|курьер[а-я]*)\\W0.*\\?"),
    rx("\\W0(есть|делаете|возможна)\\s+(ли\\s+)?доставк"),
  ],
  website: [rx("\\W0(ваш|есть|адрес|ссылк[а-я]* на)\\s+(ли\\s+)?(сайт|сайта)"), rx("\\W0(сайт|каталог)\\s+(у вас\\s+)?есть")],
  email: [rx("\\W0(ваш[а-я]*|какая|адрес)\\s+(электронн[а-я]*\\s+)?(почт|e-?mail|имейл|емейл)")],
};

const FACT_LABEL: Record<FactKind, string> = {
  hours: "Режим работы",
  address: "Наш адрес",
  phone: "Наш телефон",
  payment: "Оплата",
  parking: "Парковка",
  delivery: "Доставка",
  website: "Наш сайт",
  email: "Наша почта",
};

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?…)»"]$/.test(t) ? t : `${t}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Reply text for a fact, in the project's own words. */
export function factReply(key: string, value: string): string {
  const kind = factKind(key);
  const v = value.trim();
  // A fact written as a full sentence ("Принимаем карты и наличные.") is sent as it is.
  const isSentence = /^\p{Lu}/u.test(v) && v.split(/\s+/).length >= 4 && kind !== "address";
  if (kind === "hours" && /^\p{Ll}/u.test(v)) return sentence(`Мы работаем ${v}`);
  if (isSentence) return sentence(v);
  if (kind) return sentence(`${FACT_LABEL[kind]}: ${v}`);
  if (/\p{Script=Cyrillic}/u.test(key)) return sentence(`${capitalize(key.trim())}: ${v}`);
  return sentence(capitalize(v));
}

// Words that only frame a request ("хочу узнать", "подскажите"): they weigh little in matching.
const FRAMING = new Set(
  "хочу хотел хотела хотим хотелось нужно нужен нужна нужны интересует интересно узнать вопрос делаете сделать можете ищу какие сколько будет очень бывает имеется имеются есть ли скажите уточнить"
    .split(" ")
    .map(stemRussian),
);

// Stems that say the same thing in different words. Each group adds a shared concept token, so
// "почём привезёте?" meets "сколько стоит доставка".
const CONCEPTS: { token: string; exact: string[]; prefixes: string[] }[] = [
  { token: "#price", exact: ["сто", "цен", "поч", "стоя"], prefixes: ["стоимост", "ценник", "прайс", "расценк", "тариф", "платн", "бесплатн", "дорог", "дешев"] },
  { token: "#delivery", exact: [], prefixes: ["доставк", "достав", "привез", "привоз", "курьер"] },
  { token: "#order", exact: [], prefixes: ["заказ", "закаж", "оформ"] },
  { token: "#buy", exact: ["куп"], prefixes: ["купит", "покупк", "приобре"] },
  { token: "#booking", exact: ["зап"], prefixes: ["запис", "бронир", "брон", "забронир"] },
  { token: "#discount", exact: [], prefixes: ["скидк", "скидок", "акци", "промокод"] },
  { token: "#payment", exact: [], prefixes: ["оплат", "оплач", "расплат"] },
  { token: "#time", exact: ["срок"], prefixes: ["сроч", "быстр", "долг", "длит"] },
  { token: "#pain", exact: ["бол"], prefixes: ["больн", "болезнен", "анестез", "обезбол", "наркоз"] },
  { token: "#kids", exact: ["дет"], prefixes: ["детск", "ребен", "ребят"] },
];

const conceptCache = new Map<string, string[]>();

function conceptsOf(stem: string): string[] {
  let out = conceptCache.get(stem);
  if (out) return out;
  out = findConcepts(stem);
  if (conceptCache.size >= 50_000) conceptCache.clear();
  conceptCache.set(stem, out);
  return out;
}

function findConcepts(stem: string): string[] {
  const out: string[] = [];
  for (const c of CONCEPTS) {
    if (c.exact.includes(stem) || c.prefixes.some((p) => stem.startsWith(p))) out.push(c.token);
  }
  return out;
}

// "Сколько стоит X" is about X: the price concept alone must not carry a match.
const WEAK_CONCEPTS = new Set(["#price", "#time"]);

/**
 * Stems of a text, each word of a concept group replaced by the group's token; numbers are left
 * out (they name amounts, not topics).
 */
function terms(text: string): string[] {
  const out: string[] = [];
  for (const s of stems(text)) {
    if (/^\d+$/.test(s)) continue;
    const concepts = conceptsOf(s);
    out.push(...(concepts.length ? concepts : [s]));
  }
  if (/₽|руб|\p{N}\s?р\./u.test(text)) out.push("#price");
  return [...new Set(out)];
}

// Verb prefixes that turn one word into a near-synonym: «почистить» ~ «чистка», «перезаписать» ~ «запись».
const PREFIXES = ["пере", "при", "про", "под", "раз", "рас", "по", "за", "на", "вы", "до", "от", "об", "из", "с", "у", "о"];

function prefixMatch(a: string, b: string): number {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= 4 && long.startsWith(short)) return 0.85;
  // Short stems ("леч", "бол") only meet near forms of themselves ("лечен", "больн").
  if (short.length === 3 && long.length <= 6 && long.startsWith(short)) return 0.6;
  let common = 0;
  while (common < short.length && short[common] === long[common]) common++;
  return common >= 5 ? 0.7 : 0;
}

function withoutPrefix(stem: string): string | null {
  for (const p of PREFIXES) if (stem.startsWith(p) && stem.length - p.length >= 4) return stem.slice(p.length);
  return null;
}

const matchCache = new Map<string, number>();

/** How well two stems match: equal, one a prefix of the other, or the same after a verb prefix. */
function stemMatch(a: string, b: string): number {
  if (a === b) return 1;
  const key = `${a} ${b}`;
  let m = matchCache.get(key);
  if (m === undefined) {
    m = compareStems(a, b);
    if (matchCache.size >= 100_000) matchCache.clear();
    matchCache.set(key, m);
  }
  return m;
}

function compareStems(a: string, b: string): number {
  if (a.startsWith("#") || b.startsWith("#")) return 0;
  const direct = prefixMatch(a, b);
  if (direct > 0) return direct;
  const a2 = withoutPrefix(a);
  const b2 = withoutPrefix(b);
  const stripped = Math.max(a2 ? prefixMatch(a2, b) : 0, b2 ? prefixMatch(a, b2) : 0, a2 && b2 ? prefixMatch(a2, b2) : 0);
  return stripped > 0 ? 0.7 : 0;
}

interface Document {
  source: "fact" | "faq";
  key: string;
  text: string;
  variants: string[][];
  all: TermPool;
  /** What the entry answers about: when, or how much (see `aspectsOf`). */
  aspects: Set<Aspect>;
}

/**
 * The subject of a question beyond its topic: «Когда ждать курьера?» asks about time, «Сколько
 * стоит доставка?» about price, though both are about delivery. An answer about the other subject
 * is not an answer: «Когда ждать курьера?» must not get the delivery price.
 */
type Aspect = "time" | "price";

const ASPECT_QUESTIONS: Record<Aspect, RegExp> = {
  time: rx("\\W0(когда|во сколько|через сколько|как (быстро|долго|скоро)|сколько (ждать|времени|по времени|ехать|везти|идет|едет|займет)|в течение|какие сроки|срок[а-я]*|ждать|ожидать)\\W1"),
  price: rx("\\W0(сколько (стоит|стоят|будет стоить|берете)|стоимост[а-я]*|цен[аыуео]\\W1|почем|прайс|платн[а-я]*|бесплатн[а-я]*)"),
};

// In an answer: money says price, minutes and hours say time.
const ASPECT_ANSWERS: Record<Aspect, RegExp> = {
  time: rx("\\W0(\\d+\\s*(мин|час|ч\\W1|дн|день|дня)|минут[а-я]*|час[а-я]*|в течение|сразу|сегодня|завтра|на следующий день|срок[а-я]*)"),
  price: rx("(\\d\\s*(₽|руб|р\\.|р\\W1)|стоимост[а-я]*|бесплатн[а-я]*|\\W0цен[аыуе]\\W1)"),
};

function aspectsIn(text: string, patterns: Record<Aspect, RegExp>): Set<Aspect> {
  const normalized = normalizeText(text);
  return new Set((Object.keys(patterns) as Aspect[]).filter((a) => patterns[a].test(normalized)));
}

/** An entry's subjects: from its questions when they name one, else from its answer. */
function aspectsOf(questions: string[], answer: string): Set<Aspect> {
  const asked = new Set(questions.flatMap((q) => [...aspectsIn(q, ASPECT_QUESTIONS)]));
  return asked.size ? asked : aspectsIn(answer, ASPECT_ANSWERS);
}

export interface KnowledgeIndex {
  facts: { key: string; kind: FactKind; text: string }[];
  documents: Document[];
  idf: Map<string, number>;
  unseenIdf: number;
}

const indexCache = new WeakMap<ProjectKnowledge, KnowledgeIndex>();

/** Precomputes stems and weights of a project's knowledge; cached per knowledge object. */
export function buildKnowledgeIndex(knowledge: ProjectKnowledge): KnowledgeIndex {
  const cached = indexCache.get(knowledge);
  if (cached) return cached;
  const facts: KnowledgeIndex["facts"] = [];
  const documents: Document[] = [];
  for (const [key, value] of Object.entries(knowledge.facts)) {
    if (!value.trim()) continue;
    const kind = factKind(key);
    const text = factReply(key, value);
    if (kind) facts.push({ key, kind, text });
    // Every fact is also searchable by its words; a Russian key of the project's own reads like a
    // question variant. Built-in kinds are asked about in ways their patterns already cover.
    const keyTerms = !kind && /\p{Script=Cyrillic}/u.test(key) ? terms(key) : [];
    const variants = keyTerms.length ? [keyTerms] : [];
    documents.push({ source: "fact", key, text, variants, all: poolOf([...keyTerms, ...terms(value)]), aspects: aspectsOf([], value) });
  }
  for (const entry of knowledge.faq) {
    if (!entry.a.trim() || entry.q.length === 0) continue;
    const variants = entry.q.map(terms).filter((v) => v.length > 0);
    documents.push({
      source: "faq",
      key: entry.q[0] ?? "",
      text: entry.a.trim(),
      variants,
      all: poolOf([...variants.flat(), ...terms(entry.a)]),
      aspects: aspectsOf(entry.q, entry.a),
    });
  }
  const df = new Map<string, number>();
  for (const doc of documents) for (const t of doc.all.terms) df.set(t, (df.get(t) ?? 0) + 1);
  const n = documents.length;
  const idf = new Map<string, number>();
  for (const [t, count] of df) idf.set(t, Math.log(1 + (n - count + 0.5) / (count + 0.5)));
  // A word the knowledge never uses weighs as much as the rarest word it does use.
  const index: KnowledgeIndex = { facts, documents, idf, unseenIdf: Math.log(1 + (n - 0.5) / 1.5) };
  indexCache.set(knowledge, index);
  return index;
}

function weight(index: KnowledgeIndex, term: string): number {
  const base = index.idf.get(term) ?? index.unseenIdf;
  return FRAMING.has(term) || WEAK_CONCEPTS.has(term) ? base * 0.4 : Math.max(base, 0.2);
}

/**
 * Terms grouped by their first three letters, with and without a verb prefix: two stems can only
 * match when they share one of these keys, so matching looks at a handful of candidates.
 */
interface TermPool {
  terms: Set<string>;
  byKey: Map<string, string[]>;
}

function keysOf(term: string): string[] {
  if (term.startsWith("#")) return [term];
  const bare = withoutPrefix(term);
  return bare ? [term.slice(0, 3), bare.slice(0, 3)] : [term.slice(0, 3)];
}

function poolOf(terms: Iterable<string>): TermPool {
  const pool: TermPool = { terms: new Set(terms), byKey: new Map() };
  for (const t of pool.terms) {
    for (const key of keysOf(t)) {
      const list = pool.byKey.get(key);
      if (list) list.push(t);
      else pool.byKey.set(key, [t]);
    }
  }
  return pool;
}

function bestMatch(term: string, pool: TermPool): number {
  if (pool.terms.has(term)) return 1;
  let best = 0;
  for (const key of keysOf(term)) {
    for (const p of pool.byKey.get(key) ?? []) {
      const m = stemMatch(term, p);
      if (m > best) best = m;
    }
  }
  return best;
}

// A match must cover most of a question variant, or most of what the client asked.
const MATCH_THRESHOLD = 0.6;

function scoreDocument(index: KnowledgeIndex, doc: Document, passage: { terms: string[]; pool: TermPool }): number {
  const query = passage.terms;
  if (query.length === 0) return 0;
  let best = 0;
  const strong = (t: string) => !FRAMING.has(t) && !WEAK_CONCEPTS.has(t);
  // Long passages mention many things in passing; damp variant coverage as they grow.
  const damping = Math.min(1, Math.sqrt(10 / query.length));
  for (const variant of doc.variants) {
    let total = 0;
    let got = 0;
    let strongHit = false;
    for (const t of variant) {
      const w = weight(index, t);
      const m = bestMatch(t, passage.pool);
      total += w;
      got += w * m;
      if (m >= 0.85 && strong(t)) strongHit = true;
    }
    if (strongHit && total > 0) best = Math.max(best, (got / total) * damping);
  }
  // What share of the client's words the entry (questions and answer) speaks about.
  let total = 0;
  let got = 0;
  let strongHits = 0;
  for (const t of query) {
    const w = weight(index, t);
    const m = bestMatch(t, doc.all);
    total += w;
    got += w * m;
    if (m >= 0.85 && strong(t)) strongHits++;
  }
  if (strongHits >= 1 && total > 0) best = Math.max(best, got / total);
  return best;
}

/** Sentences of a message, and the whole of it when it is short. */
function passages(text: string): string[] {
  const parts = text
    .split(/[.!?\n;]+|\s[-–—]\s/)
    .map((p) => p.trim())
    .filter((p) => /\p{L}/u.test(p));
  if (text.length <= 240 && parts.length > 1) parts.push(text);
  return parts;
}

/**
 * Answers from the project's knowledge for a client message, best first (at most `limit`).
 * Fact questions ("до скольки работаете?", "как до вас добраться?") are recognised by pattern;
 * FAQ entries and other facts by stem overlap with their question variants and answer.
 */
export function findAnswers(knowledge: ProjectKnowledge, message: string, limit = 3): KnowledgeAnswer[] {
  const index = buildKnowledgeIndex(knowledge);
  const normalized = normalizeText(message);
  const found = new Map<string, KnowledgeAnswer>();
  for (const fact of index.facts) {
    if (FACT_QUESTIONS[fact.kind].some((p) => p.test(normalized))) {
      found.set(fact.text, { source: "fact", key: fact.key, text: fact.text, score: 1 });
    }
  }
  const queries = [...new Set(passages(message))].map((p) => {
    const t = terms(p);
    return { terms: t, pool: poolOf(t) };
  });
  // An entry about the asked subject is also matched on the rest of the question: in «Когда
  // ждать курьера?» the entry «Когда приедет курьер?» is about time, and «курьер» is the topic.
  const asked = aspectsIn(normalized, ASPECT_QUESTIONS);
  const topicQueries = [...asked].flatMap((aspect) =>
    [...new Set(passages(message))].map((p) => {
      const t = terms(normalizeText(p).replace(new RegExp(ASPECT_QUESTIONS[aspect].source, "gu"), " "));
      return { aspect, terms: t, pool: poolOf(t) };
    }),
  );
  const scored: KnowledgeAnswer[] = [];
  for (const doc of index.documents) {
    let score = 0;
    for (const q of queries) score = Math.max(score, scoreDocument(index, doc, q));
    for (const q of topicQueries) if (doc.source === "faq" && doc.aspects.has(q.aspect) && q.terms.length) score = Math.max(score, scoreDocument(index, doc, q));
    if (score >= MATCH_THRESHOLD) scored.push({ source: doc.source, key: doc.key, text: doc.text, score });
  }
  const top = Math.max(0, ...scored.map((s) => s.score));
  for (const s of scored.sort((a, b) => b.score - a.score)) {
    // A far weaker second match is more likely noise than a second question.
    if (s.score >= top * 0.75 && !found.has(s.text)) found.set(s.text, s);
  }
  return bySubject(index, normalized, [...found.values()]).slice(0, limit);
}

/**
 * When the question has a subject (time, price), answers about it come first and answers only
 * about another subject are left out; otherwise the best scores first.
 */
function bySubject(index: KnowledgeIndex, normalized: string, answers: KnowledgeAnswer[]): KnowledgeAnswer[] {
  const byScore = answers.sort((a, b) => b.score - a.score);
  const asked = aspectsIn(normalized, ASPECT_QUESTIONS);
  if (asked.size !== 1) return byScore;
  const aspectsByText = new Map(index.documents.map((d) => [d.text, d.aspects]));
  const fits = (a: KnowledgeAnswer) => {
    const about = aspectsByText.get(a.text) ?? new Set<Aspect>();
    if (about.size === 0) return 0;
    return [...asked].some((x) => about.has(x)) ? 1 : -1;
  };
  return byScore.filter((a) => fits(a) >= 0).sort((a, b) => fits(b) - fits(a) || b.score - a.score);
}

/** The best answer text for a message, or null when the knowledge has none. */
export function answerFromKnowledge(knowledge: ProjectKnowledge, message: string): string | null {
  return findAnswers(knowledge, message, 1)[0]?.text ?? null;
}

/** A text's matching terms (stems, concept tokens), as the FAQ matcher sees them: for the catalog and passage matchers. */
export function textTerms(text: string): string[] {
  return terms(text);
}

/** How strongly a term is present among a text's terms (1 equal, 0.6–0.85 a near form, 0 absent). */
export function termStrength(term: string, textTermsList: readonly string[]): number {
  return bestMatch(term, poolOf(textTermsList));
}

/** Whether a term only frames a request or is a weak concept ("сколько", "#price"). */
export function isWeakTerm(term: string): boolean {
  return FRAMING.has(term) || WEAK_CONCEPTS.has(term);
}
