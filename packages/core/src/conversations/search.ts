import { sql, type SQL } from "drizzle-orm";
import { contacts, conversations, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";

// How many hits the indexes are asked for before a term counts as common. A rarer term is
// resolved to its conversations up front (the page is then a lookup of those ids); a common one
// is checked row by row while the list is walked in its order (the contact is on the row, the
// words come from an index), which finds a page of matches within the first few hundred
// conversations.
const RARE_LIMIT = 2000;

type Hits = { byContact: string[]; byText: string[] };

/** A term as the three kinds of search see it. */
function searchTerms(member: Member, q: string) {
  const digits = q.replace(/\D/g, "");
  return {
    like: `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    // A phone the role may not see is not searchable either: the result would reveal it.
    phone: digits.length >= 3 && !member.hiddenFields.has("contact.phone") ? `%${digits}%` : null,
    words: sql`plainto_tsquery('russian', ${q})`,
  };
}

/**
 * The condition a conversation of the list must meet to be found by `q`: the contact's name
 * contains it (any case), the contact's phone contains its digits (three or more), or one
 * message has all its words in any Russian form («доставка» finds «доставки»). Asks the
 * trigram and full-text indexes first how many hits there are.
 */
export async function searchCondition(tx: Tx, member: Member, q: string): Promise<SQL> {
  const t = searchTerms(member, q);
  // Through the indexes, past row-level security, for this tenant only (see migration 0005):
  // up to RARE_LIMIT + 1 hits each, more than RARE_LIMIT meaning "common".
  const [hits] = (await tx.execute(sql`
    select array(select search_contact_conversations(${t.like}, ${t.phone}, ${RARE_LIMIT + 1})) as "byContact",
           array(select search_message_conversations(${t.words}, ${RARE_LIMIT + 1})) as "byText"`)) as unknown as [Hits];
  const common = (ids: string[]) => ids.length > RARE_LIMIT;
  const ids = [...new Set([...(common(hits.byContact) ? [] : hits.byContact), ...(common(hits.byText) ? [] : hits.byText)])];
  const conditions = [
    ids.length ? sql`${conversations.id} = any(${sql.param(ids)}::uuid[])` : undefined,
    common(hits.byContact) ? sql`(${contacts.name} ilike ${t.like} or ${contacts.phone} like ${t.phone})` : undefined,
    common(hits.byText) ? sql`conversation_mentions(${conversations.id}, ${t.words})` : undefined,
  ].filter((c): c is SQL => c !== undefined);
  return conditions.length ? sql`(${sql.join(conditions, sql` or `)})` : sql`false`;
}
