-- A bill's message (its amount and payment page) is payment data: for a role with the `payments`
-- field hidden, search finds nothing through it (decision 027). The three search functions take
-- p_skip_bills; a message is a bill's when a payment of its conversation names it, probed on
-- payments_conversation_idx. Without the flag each runs the statement it ran before.
DROP FUNCTION search_hits(text, text, text, tsquery, int, timestamptz, uuid);--> statement-breakpoint
CREATE FUNCTION search_hits(p_like text, p_phone text, p_phone_national text, p_words tsquery, p_limit int, p_after_at timestamptz, p_after_id uuid,
                            p_skip_bills boolean DEFAULT false, OUT contacts_common boolean, OUT messages_common boolean, OUT conversation_ids uuid[])
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS $$
DECLARE
  contact_ids uuid[] := '{}';
  contact_ats timestamptz[] := '{}';
  by_text uuid[] := '{}';
  read_hits bigint;
BEGIN
  EXECUTE 'SELECT count(*) FROM (SELECT 1 FROM contacts ct WHERE ct.project_id = app_project_id()
             AND (ct.name ILIKE $1 OR ct.phone LIKE $2 OR ct.phone LIKE $3) LIMIT $4) h'
    INTO read_hits USING p_like, p_phone, p_phone_national, p_limit + 1;
  contacts_common := read_hits > p_limit;
  IF NOT contacts_common THEN
    EXECUTE 'SELECT coalesce(array_agg(h.id), ''{}''), coalesce(array_agg(h.at), ''{}'') FROM (
               SELECT c.id, c.last_message_at AS at FROM contacts ct JOIN conversations c ON c.contact_id = ct.id
               WHERE ct.project_id = app_project_id() AND c.project_id = app_project_id() AND c.last_message_at IS NOT NULL
                 AND (ct.name ILIKE $1 OR ct.phone LIKE $2 OR ct.phone LIKE $3) OFFSET 0) h'
      INTO contact_ids, contact_ats USING p_like, p_phone, p_phone_national;
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
DROP FUNCTION conversation_mentions(uuid, tsquery);--> statement-breakpoint
CREATE FUNCTION conversation_mentions(p_conversation uuid, p_words tsquery, p_skip_bills boolean DEFAULT false) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.project_id = app_project_id() AND m.text_search @@ p_words
                   AND (NOT p_skip_bills OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.conversation_id = m.conversation_id AND p.message_id = m.id))) $$;--> statement-breakpoint
DROP FUNCTION conversation_match(uuid, tsquery);--> statement-breakpoint
CREATE FUNCTION conversation_match(p_conversation uuid, p_words tsquery, p_skip_bills boolean DEFAULT false) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT max(m.id) FROM messages m
  WHERE m.conversation_id = p_conversation AND m.project_id = app_project_id() AND m.text_search @@ p_words
    AND (NOT p_skip_bills OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.conversation_id = m.conversation_id AND p.message_id = m.id)) $$;
