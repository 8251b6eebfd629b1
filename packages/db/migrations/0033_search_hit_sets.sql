-- Search hits as sets (decision 069): the contacts a name or phone finds, and the conversations
-- whose messages have the words, each capped at p_limit (+1 tells a common kind). The caller turns
-- them into conversations in the statement that also applies the member's filters and the list
-- order, so the conversations of 7,000 contacts are read once rather than twice (here, then
-- again by id for «Непрочитанные»). Through the indexes, past row-level security, for this tenant
-- only, as search_hits was (migrations 0005, 0017, 0029, 0030).
DROP FUNCTION search_hits(text, text, text, tsquery, int, timestamptz, uuid, boolean);--> statement-breakpoint
CREATE FUNCTION search_hit_sets(p_like text, p_phone text, p_phone_national text, p_words tsquery, p_limit int, p_skip_bills boolean,
                                OUT contacts_common boolean, OUT messages_common boolean, OUT contact_ids uuid[], OUT conversation_ids uuid[])
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS $$
DECLARE
  read_hits bigint;
BEGIN
  EXECUTE 'SELECT coalesce(array_agg(h.id), ''{}'') FROM (SELECT ct.id FROM contacts ct WHERE ct.project_id = app_project_id()
             AND (ct.name ILIKE $1 OR ct.phone LIKE $2 OR ct.phone LIKE $3) LIMIT $4) h'
    INTO contact_ids USING p_like, p_phone, p_phone_national, p_limit + 1;
  contacts_common := cardinality(contact_ids) > p_limit;
  IF contacts_common THEN contact_ids := '{}'; END IF;
  messages_common := false;
  conversation_ids := '{}';
  IF numnode(p_words) > 0 THEN
    EXECUTE 'SELECT count(*), coalesce(array_agg(DISTINCT h.conversation_id), ''{}'') FROM (SELECT m.conversation_id FROM messages m
               WHERE m.project_id = app_project_id() AND m.text_search @@ $1'
            || CASE WHEN p_skip_bills THEN ' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.conversation_id = m.conversation_id AND p.message_id = m.id)' ELSE '' END
            || ' LIMIT $2) h'
      INTO read_hits, conversation_ids USING p_words, p_limit * 2 + 1;
    messages_common := read_hits > p_limit * 2 OR cardinality(conversation_ids) > p_limit;
    IF messages_common THEN conversation_ids := '{}'; END IF;
  END IF;
END $$;
