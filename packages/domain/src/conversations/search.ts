import { sql, type SQL } from "drizzle-orm";
import { contacts, conversations, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { redactText } from "../access/redact.ts";

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
};

/**
 * The query's terms. The words are the stems of every form of each word (search_words, see
 * decision 038). A phone the role may not see is not searchable either, in the contact or in a
 * message's text (a shared contact card, the agent's confirmation): the result would reveal it
 * digit by digit. For such a role the words are the query's words without digits.
 */
export async function searchTerms(tx: Tx, member: Member, q: string): Promise<SearchTerms> {
  const phoneHidden = member.hiddenFields.has("contact.phone");
  const words = phoneHidden ? q.split(/\s+/).filter((w) => !/\d/.test(w)).join(" ") : q;
  const alternatives = phoneHidden ? [] : phoneTokens(q);
  const alternative = alternatives.map((token) => `'${token}'`).join(" | ");
  const query = alternative ? sql`coalesce(search_words(${words}) || ${alternative}::tsquery, ${alternative}::tsquery)` : sql`search_words(${words})`;
  const [row] = (await tx.execute(sql`select w::text as words, coalesce(words_estimate(w), 0) as estimate from ${query} w`)) as unknown as [{ words: string | null; estimate: number }];
  const phone = phoneHidden ? { contains: null, national: null } : phonePatterns(q);
  return { like: `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, phone: phone.contains, phoneNational: phone.national, words: row.words ?? "", wordsCommon: Number(row.estimate) > RARE_LIMIT * 2 };
}

export const wordsOf = (t: SearchTerms) => (t.words ? sql`${t.words}::tsquery` : sql`null::tsquery`);

/** Whether a row of the list (conversation joined with its contact) is found by the contact's name or phone. */
export function contactTest(t: SearchTerms): SQL {
  const phones = [t.phone, t.phoneNational].filter((p): p is string => p !== null).map((p) => sql` or ${contacts.phone} like ${p}`);
  return sql`(${contacts.name} ilike ${t.like}${sql.join(phones, sql``)})`;
}

/** Whether a row of the list has a message with all the words (one probe of the (conversation, words) index). */
export function messagesTest(t: SearchTerms): SQL | null {
  return t.words ? sql`conversation_mentions(${conversations.id}, ${wordsOf(t)})` : null;
}

/** What a search found up front, and how to test a row for the kinds of hit too common for that. */
export type SearchHits = {
  /** Conversations of the rarer kinds of hit after the cursor, in list order. */
  ids: string[];
  /** For kinds with more than RARE_LIMIT hits: the test a row of the list must pass. */
  common: SQL | null;
};

/**
 * A conversation is found by a query when the contact's name contains it (any case), the
 * contact's phone contains its digits (three or more; a leading 8 read as +7 too), or one message
 * has all its words in any Russian form («тюльпан» finds «тюльпанов»). Asks the trigram and
 * full-text indexes for the hits after the cursor.
 */
export async function findSearchHits(tx: Tx, t: SearchTerms, after: ListCursor | undefined): Promise<SearchHits> {
  // Through the indexes, past row-level security, for this tenant only (see migrations 0005, 0013).
  const [hits] = (await tx.execute(sql`
    select contacts_common as "contactsCommon", messages_common as "messagesCommon", conversation_ids as "ids"
    from search_hits(${t.like}, ${t.phone}, ${t.phoneNational}, ${wordsOf(t)}, ${RARE_LIMIT},
                     ${after ? sql.param(after.lastMessageAt, conversations.lastMessageAt) : null}::timestamptz, ${after?.id ?? null}::uuid)`)) as unknown as [
    { contactsCommon: boolean; messagesCommon: boolean; ids: string[] },
  ];
  const tests = [hits.contactsCommon ? contactTest(t) : undefined, hits.messagesCommon ? messagesTest(t) : undefined].filter((c): c is SQL => !!c);
  return { ids: hits.ids, common: tests.length ? sql.join(tests, sql` or `) : null };
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
    select m.conversation_id as "conversationId", m.id, m.text, m.sent_at as "sentAt" from messages m
    where m.id = any(array(select conversation_match(c, ${wordsOf(t)}) from unnest(${sql.param(conversationIds)}::uuid[]) c))`)) as unknown as {
    conversationId: string;
    id: string | number;
    text: string | null;
    sentAt: string | Date;
  }[];
  for (const r of rows) {
    const shown = markMatches(redactText(member, r.text ?? ""), t.words);
    out.set(r.conversationId, { messageId: Number(r.id), sentAt: new Date(r.sentAt), ...shown });
  }
  return out;
}
