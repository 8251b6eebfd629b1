-- Search at 800k conversations (decision 039, measured in 063): a name's contacts were read from
-- the trigram index twice, once to count them and once joined to their conversations (about half
-- of a common surname's search). They are read once now, into an array, and their conversations
-- looked up by contact. Same arguments and answer as before.
CREATE OR REPLACE FUNCTION search_hits(p_like text, p_phone text, p_phone_national text, p_words tsquery, p_limit int, p_after_at timestamptz, p_after_id uuid,
                            p_skip_bills boolean DEFAULT false, OUT contacts_common boolean, OUT messages_common boolean, OUT conversation_ids uuid[])
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS $$
DECLARE
  contact_ids uuid[] := '{}';
  contact_ats timestamptz[] := '{}';
  by_text uuid[] := '{}';
  read_hits bigint;
  found_contacts uuid[] := '{}';
BEGIN
  -- The contacts are read once, from the trigram index (at most p_limit + 1 of them); when few
  -- enough, their conversations come by the contact index, with their place in the list.
  EXECUTE 'SELECT coalesce(array_agg(h.id), ''{}'') FROM (SELECT ct.id FROM contacts ct WHERE ct.project_id = app_project_id()
             AND (ct.name ILIKE $1 OR ct.phone LIKE $2 OR ct.phone LIKE $3) LIMIT $4) h'
    INTO found_contacts USING p_like, p_phone, p_phone_national, p_limit + 1;
  contacts_common := cardinality(found_contacts) > p_limit;
  IF NOT contacts_common AND cardinality(found_contacts) > 0 THEN
    SELECT coalesce(array_agg(c.id), '{}'), coalesce(array_agg(c.last_message_at), '{}') INTO contact_ids, contact_ats
    FROM conversations c
    WHERE c.contact_id = ANY(found_contacts) AND c.project_id = app_project_id() AND c.last_message_at IS NOT NULL;
  END IF;
  messages_common := false;
  IF numnode(p_words) > 0 THEN
    EXECUTE 'SELECT count(*), coalesce(array_agg(DISTINCT h.conversation_id), ''{}'') FROM (SELECT m.conversation_id FROM messages m
               WHERE m.project_id = app_project_id() AND m.text_search @@ $1'
            || CASE WHEN p_skip_bills THEN ' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.conversation_id = m.conversation_id AND p.message_id = m.id)' ELSE '' END
            || ' LIMIT $2) h'
      INTO read_hits, by_text USING p_words, p_limit * 2 + 1;
    messages_common := read_hits > p_limit * 2 OR cardinality(by_text) > p_limit;
  END IF;
  IF contacts_common THEN contact_ids := '{}'; contact_ats := '{}'; END IF;
  IF messages_common THEN by_text := '{}'; END IF;
  conversation_ids := ARRAY(
    SELECT h.id FROM (
      SELECT u.id, u.at FROM unnest(contact_ids, contact_ats) AS u(id, at)
      UNION
      SELECT c.id, c.last_message_at FROM conversations c
      WHERE c.id = ANY(by_text) AND c.project_id = app_project_id() AND c.last_message_at IS NOT NULL) h
    WHERE p_after_id IS NULL OR (h.at, h.id) < (p_after_at, p_after_id)
    ORDER BY h.at DESC, h.id DESC);
END $$;--> statement-breakpoint
