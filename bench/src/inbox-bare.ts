// The bare SQL the inbox-list benchmark compares the API with: the same page written by hand
// against the indexes and run by the superuser (no API, no session, no row-level security).
import type postgres from "postgres";

const PAGE_COLUMNS = `
  c.id, c.stage, c.ai_enabled, c.last_message_at, c.last_message_preview, c.last_message_direction, c.assignee_id, u.name as assignee_name,
  c.last_message_author, c.last_message_author_id,
  case when c.last_message_author_id = c.assignee_id then u.name
       else (select au.name from memberships am join users au on au.id = am.user_id where am.id = c.last_message_author_id) end as last_author_name,
  ch.id as channel_id, ch.kind as channel_kind, ch.name as channel_name,
  ct.id as contact_id, ct.name as contact_name, ct.phone, ct.active, ct.username,
  case when c.last_inbound_seq > coalesce(r.last_read_seq, 0)
       then (select count(*)::int from (select 1 from messages m where m.conversation_id = c.id and m.direction = 'in' and m.id > coalesce(r.last_read_seq, 0) limit 100) x)
       else 0 end as unread`;
const PAGE_JOINS = `
  join contacts ct on ct.id = c.contact_id
  join channels ch on ch.id = c.channel_id
  left join conversation_reads r on r.conversation_id = c.id and r.membership_id = $2
  left join memberships mb on mb.id = c.assignee_id
  left join users u on u.id = mb.user_id`;

// A term with more hits than this is matched row by row while the list is walked (as the product
// does, decision 039: conversations/search.ts RARE_LIMIT).
const RARE_LIMIT = 10_000;

export type Statement = { text: string; params: unknown[] };

/**
 * The page's statement ($1 project, $2 manager). For a search, first the hits from the trigram
 * and full-text indexes (one statement), then the page of them in list order.
 */
export async function bareStatement(owner: postgres.Sql, ids: { projectId: string; managerMembershipId: string }, unread: boolean, search: string | null): Promise<Statement> {
  // Archived conversations are out of every list but «Архив» (decision 067), and out of the list's indexes.
  const where = [`c.project_id = $1`, `c.last_message_at is not null`, `c.archived_at is null`, `(c.assignee_id = $2 or c.assignee_id is null)`];
  // Unread: a client message past the read point, in a conversation that waits for a person (not the agent's, not spam).
  if (unread) where.push(`c.last_inbound_seq > coalesce(r.last_read_seq, 0)`, `not (c.ai_enabled and c.stage in ('bot', 'low_quality'))`, `c.stage <> 'spam'`);
  const params: unknown[] = [];
  if (search) {
    const digits = search.replace(/\D/g, "");
    const like = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const phone = digits.length >= 3 ? `%${digits}%` : null;
    // The words as the product reads them (decision 038), computed once.
    const [{ words }] = (await owner.unsafe(`select search_words($1)::text as words`, [search])) as unknown as [{ words: string | null }];
    const [hits] = (await owner.unsafe(
      `select array(select c.id from contacts ct join conversations c on c.contact_id = ct.id
                    where ct.project_id = $1 and (ct.name ilike $2 or ct.phone like $3) limit ${RARE_LIMIT + 1}) as by_contact,
              array(select conversation_id from messages where project_id = $1 and text_search @@ $4::tsquery limit ${RARE_LIMIT + 1}) as by_text`,
      [ids.projectId, like, phone, words ?? ""],
    )) as unknown as [{ by_contact: string[]; by_text: string[] }];
    const any: string[] = [];
    const found: string[] = [];
    const p = (v: unknown) => `$${params.push(v) + 2}`;
    if (hits.by_contact.length > RARE_LIMIT) any.push(`ct.name ilike ${p(like)} or ct.phone like ${p(phone)}`);
    else found.push(...hits.by_contact);
    if (hits.by_text.length > RARE_LIMIT) any.push(`exists (select 1 from messages m where m.conversation_id = c.id and m.text_search @@ ${p(words ?? "")}::tsquery)`);
    else found.push(...hits.by_text);
    if (found.length) any.push(`c.id = any(${p([...new Set(found)])}::uuid[])`);
    where.push(any.length ? `(${any.join(" or ")})` : "false");
  }
  return {
    text: `select ${PAGE_COLUMNS} from conversations c ${PAGE_JOINS} where ${where.join(" and ")} order by c.last_message_at desc, c.id desc limit 50`,
    params: [ids.projectId, ids.managerMembershipId, ...params],
  };
}
