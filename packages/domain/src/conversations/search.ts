import { sql, type SQL } from "drizzle-orm";
import { contacts, conversations, type Db, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { redactText } from "../access/redact.ts";
import { hidesPayments } from "../payments/bill-messages.ts";

// How many conversations the indexes may return for one kind of hit before it counts as common
// (decision 039). Up to this many are resolved up front and the page is a lookup of them in list
// order; a commoner kind is tested row by row while the list is walked (it is found all over the
// list, so a page of it is near). Counted in conversations, and its messages up to twice that.
export const RARE_LIMIT = 10_000;

/** A position in the inbox list's order (last message, then id, both descending). */
export type ListCursor = { lastMessageAt: Date; id: string };

/**
 * The phone patterns a query stands for (three digits or more): its digits anywhere in the
 * number, and when it starts with the Russian trunk prefix 8, the same number as +7 — people
 * type «8 916 123-45-67» and «89161234567» for +79161234567.
 */
export function phonePatterns(q: string): { contains: string | null; national: string | null } {
  const digits = q.replace(/\D/g, "");
  if (digits.length < 3) return { contains: null, national: null };
  const national = /^\s*8/.test(q) && digits.length >= 4 ? `+7${digits.slice(1)}%` : null;
  return { contains: `%${digits}%`, national };
}

/**
 * The tokens a whole Russian phone number is written as in a message («+79161234567»,
 * «79161234567», «89161234567», «9161234567»), when the query is one: found in any of them.
 */
function phoneTokens(q: string): string[] {
  if (!/^[\d\s()+\-.]+$/.test(q)) return [];
  const digits = q.replace(/\D/g, "");
  const national = digits.length === 11 && /^[78]/.test(digits) ? digits.slice(1) : digits.length === 10 && digits.startsWith("9") ? digits : null;
  return national ? [`+7${national}`, `7${national}`, `8${national}`, national] : [];
}

/** A search query as the kinds of search see it: the name, the phone, and the words of messages. */
export type SearchTerms = {
  like: string;
  phone: string | null;
  phoneNational: string | null;
  /** The words as a full-text query (its text form; empty: no words to look for). */
  words: string;
  /** Whether the planner's statistics expect more messages with the words than RARE_LIMIT × 2. */
  wordsCommon: boolean;
  /**
   * The member's role hides payments: a bill's message (its amount and payment page) finds
   * nothing. Each search function leaves such messages out in the statement it runs.
   */
  skipBills: boolean;
};

/**
 * The query's terms. The words are the stems of every form of each word (search_words, see
 * decision 038). A phone the role may not see is not searchable either, in the contact or in a
 * message's text (a shared contact card, the agent's confirmation): the result would reveal it
 * digit by digit. For such a role the words are the query's words without digits.
 */
export async function searchTerms(tx: Tx, member: Member, q: string, opts: { prefix?: boolean } = {}): Promise<SearchTerms> {
  const phoneHidden = member.hiddenFields.has("contact.phone");
  const words = phoneHidden ? q.split(/\s+/).filter((w) => !/\d/.test(w)).join(" ") : q;
  const alternatives = phoneHidden ? [] : phoneTokens(q);
  const alternative = alternatives.map((token) => `'${token}'`).join(" | ");
  const last = opts.prefix ? lastWordPrefix(words) : null;
  const wordsQuery = last ? prefixedWords(last) : sql`search_words(${words})`;
  const query = alternative ? sql`coalesce(${wordsQuery} || ${alternative}::tsquery, ${alternative}::tsquery)` : wordsQuery;
  const [row] = (await tx.execute(sql`select w::text as words, coalesce(words_estimate(w), 0) as estimate from ${query} w`)) as unknown as [{ words: string | null; estimate: number }];
  const phone = phoneHidden ? { contains: null, national: null } : phonePatterns(q);
  return { like: `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, phone: phone.contains, phoneNational: phone.national, words: row.words ?? "", wordsCommon: Number(row.estimate) > RARE_LIMIT * 2, skipBills: hidesPayments(member) };
}

/**
 * The query's last word when it can be read as the beginning of a word still being typed
 * («тюльп» for «тюльпанов»): three letters or more, no digits. The words before it and the rest.
 */
export function lastWordPrefix(q: string): { before: string; last: string } | null {
  const parts = q.trim().split(/\s+/);
  const last = parts.pop() ?? "";
  return /^\p{L}{3,}$/u.test(last) ? { before: parts.join(" "), last } : null;
}

/**
 * The words with the last one also as a prefix of its stem (`'тюльп':*`), beside its forms. A
 * prefix reads every posting list it matches (decision 038), so the search asks for it only when
 * the exact words found nothing (decision 054).
 */
function prefixedWords({ before, last }: { before: string; last: string }): SQL {
  const prefix = sql`to_tsquery('russian', quote_literal(lower(${last})) || ':*')`;
  const lastQuery = sql`coalesce(search_words(${last}) || ${prefix}, ${prefix})`;
  return sql`coalesce(search_words(${before}) && ${lastQuery}, ${lastQuery})`;
}

// At most this many contacts with a name like a mistyped query are shown (decision 054).
const SIMILAR_NAMES = 200;

/**
 * Conversations whose contact's name has a word like the query, tolerating a typo («Смирнва»
 * finds «Смирнова»): asked when nothing else was found. Letters only: digits go by the phone.
 */
export async function findSimilarNames(tx: Tx, q: string): Promise<string[]> {
  if ((q.match(/\p{L}/gu)?.length ?? 0) < 4) return [];
  const rows = (await tx.execute(sql`select id from similar_name_conversations(${q}, ${SIMILAR_NAMES}) id`)) as unknown as { id: string }[];
  return rows.map((r) => r.id);
}

/**
 * The query with each word this project has never written replaced by the most alike one it has
 * («доствка» → «доставка»; decision 063), or null when no word changed. Words of letters only,
 * four or more: shorter ones are too alike to many others; names and digits have their own paths.
 */
export async function correctTypos(tx: Tx, q: string): Promise<string | null> {
  const tokens = q.trim().split(/\s+/);
  const typed = [...new Set(tokens.map((w) => w.toLowerCase()).filter((w) => /^\p{L}{4,32}$/u.test(w)))];
  if (!typed.length) return null;
  const rows = (await tx.execute(sql`select typed, word from similar_search_words(${sql.param(typed)}::text[])`)) as unknown as { typed: string; word: string | null }[];
  const fix = new Map(rows.filter((r) => r.word && r.word !== r.typed).map((r) => [r.typed, r.word!]));
  if (!fix.size) return null;
  return tokens.map((w) => fix.get(w.toLowerCase()) ?? w).join(" ");
}

// How many messages one call of the lexicon's reader takes (decision 063).
const LEXICON_BATCH = 5000;

/**
 * Adds the words of messages stored since the last call to their projects' lexicons, a batch at
 * a time, until it has caught up or `budgetMs` has passed (the next run goes on from there).
 * Returns how many messages it read.
 */
export async function extendSearchLexicon(db: Db, options: { batch?: number; budgetMs?: number } = {}): Promise<number> {
  const batch = options.batch ?? LEXICON_BATCH;
  const until = Date.now() + (options.budgetMs ?? 10_000);
  let read = 0;
  for (;;) {
    const [row] = (await db.execute(sql`select extend_search_lexicon(${batch}) as n`)) as unknown as [{ n: number }];
    read += row.n;
    if (row.n < batch || Date.now() > until) return read;
  }
}

export const wordsOf = (t: SearchTerms) => (t.words ? sql`${t.words}::tsquery` : sql`null::tsquery`);

/** Whether a row of the list (conversation joined with its contact) is found by the contact's name or phone. */
export function contactTest(t: SearchTerms): SQL {
  const phones = [t.phone, t.phoneNational].filter((p): p is string => p !== null).map((p) => sql` or ${contacts.phone} like ${p}`);
  return sql`(${contacts.name} ilike ${t.like}${sql.join(phones, sql``)})`;
}

/** Whether a row of the list has a message with all the words (one probe of the (conversation, words) index). */
export function messagesTest(t: SearchTerms): SQL | null {
  return t.words ? sql`conversation_mentions(${conversations.id}, ${wordsOf(t)}, ${t.skipBills}::boolean)` : null;
}

/**
 * What a search hits up front (decision 069): the contacts a name or phone finds and the
 * conversations whose messages have all the words, each kind at most RARE_LIMIT, read from the
 * trigram and full-text indexes past row-level security, for this tenant only (see migrations
 * 0005, 0013, 0033). A kind with more hits is common (`contacts_common`, `messages_common`): its
 * set is empty, and a row of the list is tested for it instead. In SQL, for the statement that
 * turns the sets into the page.
 */
export function searchHitSets(t: SearchTerms): SQL {
  return sql`search_hit_sets(${t.like}, ${t.phone}, ${t.phoneNational}, ${wordsOf(t)}, ${RARE_LIMIT}, ${t.skipBills}::boolean)`;
}

/** Whether a row of the list is in the hit sets `h` (a row of search_hit_sets). */
export function inHitSets(h: SQL): SQL {
  return sql`(${conversations.contactId} = any(${h}.contact_ids) or ${conversations.id} = any(${h}.conversation_ids))`;
}

/** The test a row of the list must pass for the kinds of hit that were too common to collect. */
export function commonTest(t: SearchTerms, common: { contacts: boolean; messages: boolean }): SQL | null {
  const tests = [common.contacts ? contactTest(t) : undefined, common.messages ? messagesTest(t) : undefined].filter((c): c is SQL => !!c);
  return tests.length ? sql.join(tests, sql` or `) : null;
}

/** The message a search result shows: an excerpt around the first match, with the matches marked. */
export type SearchMatch = { messageId: number; sentAt: Date; text: string; marks: [number, number][] };

// How much of a message the result shows before and after the first match.
const BEFORE = 16;
const AFTER = 160;

/** The lexemes of a full-text query's text form ('тюльп' | 'тюльпан' …). */
function lexemesOf(words: string): string[] {
  return [...words.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'").replace(/^\+/, "").toLowerCase()).filter(Boolean);
}

const normal = (s: string) => s.toLowerCase().replace(/ё/g, "е");

/**
 * The words of `text` the query's lexemes begin (the stems the full-text search matched), and the
 * part of a long text around the first of them.
 */
export function markMatches(text: string, words: string): { text: string; marks: [number, number][] } {
  const lexemes = lexemesOf(words).map(normal);
  const marks: [number, number][] = [];
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const token = normal(m[0]);
    if (lexemes.some((l) => token.startsWith(l))) marks.push([m.index!, m.index! + m[0].length]);
  }
  // The list shows one line: the excerpt starts a few words before the first match.
  const first = marks[0]?.[0] ?? 0;
  let start = 0;
  if (first > BEFORE) {
    const space = text.indexOf(" ", first - BEFORE);
    start = space >= 0 && space < first ? space + 1 : first - BEFORE;
  }
  const end = Math.min(text.length, start + BEFORE + AFTER);
  if (start === 0 && end === text.length) return { text, marks };
  const lead = start > 0 ? "…" : "";
  const shift = start - lead.length;
  return {
    text: lead + text.slice(start, end) + (end < text.length ? "…" : ""),
    marks: marks.filter(([a, b]) => a >= start && b <= end).map(([a, b]) => [a - shift, b - shift]),
  };
}

/**
 * For each of the page's conversations, the newest message with all the words, as the member may
 * see it (phones masked for a role that may not see them), with the matched words marked.
 */
export async function findMatches(tx: Tx, member: Member, t: SearchTerms, conversationIds: string[]): Promise<Map<string, SearchMatch>> {
  const out = new Map<string, SearchMatch>();
  if (!t.words || conversationIds.length === 0) return out;
  const rows = (await tx.execute(sql`
    select m.conversation_id as "conversationId", m.id, m.text, m.transcript, m.sent_at as "sentAt" from messages m
    where m.id = any(array(select conversation_match(c, ${wordsOf(t)}, ${t.skipBills}::boolean) from unnest(${sql.param(conversationIds)}::uuid[]) c))`)) as unknown as {
    conversationId: string;
    id: string | number;
    text: string | null;
    transcript: string | null;
    sentAt: string | Date;
  }[];
  for (const r of rows) {
    // The words may be in a voice note's transcript or a document's text (searched with the
    // message's own text): the result shows that when the text itself has none of them.
    const inText = markMatches(redactText(member, r.text ?? ""), t.words);
    const shown = !inText.marks.length && r.transcript ? markMatches(redactText(member, r.transcript), t.words) : inText;
    out.set(r.conversationId, { messageId: Number(r.id), sentAt: new Date(r.sentAt), ...shown });
  }
  return out;
}
