import { sql, type SQL } from "drizzle-orm";
import { contacts, conversations, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";

// How many hits the indexes are asked for before a term counts as common. A rarer term is
// resolved to its conversations up front (the page is then a lookup of those ids); a common one
// is checked row by row while the list is walked in its order (the contact is on the row, the
// words come from an index), which finds a page of matches within the first few hundred
// conversations. A word with thousands of hits in only a few conversations is still resolved up
// front (search_hits reads all its hits), so the walk is kept for terms found all over the list.
const RARE_LIMIT = 2000;

/** A position in the inbox list's order (last message, then id, both descending). */
export type ListCursor = { lastMessageAt: Date; id: string };

/** A term as the three kinds of search see it. */
function searchTerms(member: Member, q: string) {
  const digits = q.replace(/\D/g, "");
  // A phone the role may not see is not searchable either, in the contact or in a message's text
  // (a shared contact card, the agent's confirmation): the result would reveal it digit by digit.
  // For such a role the words of the text search are the query's words without digits.
  const phoneHidden = member.hiddenFields.has("contact.phone");
  const words = phoneHidden ? q.split(/\s+/).filter((w) => !/\d/.test(w)).join(" ") : q;
  return {
    like: `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    phone: digits.length >= 3 && !phoneHidden ? `%${digits}%` : null,
    words: sql`plainto_tsquery('russian', ${words})`,
  };
}

/** What a search found up front, and how to test a row for the kinds of hit too common for that. */
export type SearchHits = {
  /** Conversations of the rarer kinds of hit after the cursor, in list order. */
  ids: string[];
  /** For kinds with more than RARE_LIMIT hits: the test a row of the list must pass. */
  common: SQL | null;
};

/**
 * A conversation is found by `q` when the contact's name contains it (any case), the contact's
 * phone contains its digits (three or more), or one message has all its words in any Russian
 * form («доставка» finds «доставки»). Asks the trigram and full-text indexes for the hits.
 */
export async function findSearchHits(tx: Tx, member: Member, q: string, after: ListCursor | undefined): Promise<SearchHits> {
  const t = searchTerms(member, q);
  // Through the indexes, past row-level security, for this tenant only (see migration 0005).
  const [hits] = (await tx.execute(sql`
    select contacts_common as "contactsCommon", messages_common as "messagesCommon", conversation_ids as "ids"
    from search_hits(${t.like}, ${t.phone}, ${t.words}, ${RARE_LIMIT},
                     ${after ? sql.param(after.lastMessageAt, conversations.lastMessageAt) : null}::timestamptz, ${after?.id ?? null}::uuid)`)) as unknown as [
    { contactsCommon: boolean; messagesCommon: boolean; ids: string[] },
  ];
  const tests = [
    hits.contactsCommon ? sql`${contacts.name} ilike ${t.like} or ${contacts.phone} like ${t.phone}` : undefined,
    hits.messagesCommon ? sql`conversation_mentions(${conversations.id}, ${t.words})` : undefined,
  ].filter((c): c is SQL => c !== undefined);
  return { ids: hits.ids, common: tests.length ? sql.join(tests, sql` or `) : null };
}
