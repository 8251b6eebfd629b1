-- Search the way people type (decision 038) and at 800k conversations (decision 039).
--
-- The words of a search as a Russian full-text query. The Russian stemmer cuts a base form
-- shorter than its other forms («тюльпан» → тюльпа, «тюльпанов» → тюльпан), so the stem of the
-- word typed does not always meet the stems of the forms written. Each word of three letters or
-- more becomes the stems of its forms: its beginnings from its stem to the whole word, each with
-- the Russian endings, stemmed again; the message must have one of them for every word. Exact
-- lexemes, not prefixes (null: no words to look for): a prefix makes the full-text index read every matching posting list
-- whole, on every conversation it tests (decision 039).
CREATE FUNCTION search_words(p_text text) RETURNS tsquery
  LANGUAGE sql STABLE PARALLEL SAFE SET search_path = public SET jit = off AS $$
  SELECT string_agg(f.q, ' & ' ORDER BY f.ord)::tsquery
  FROM (
    SELECT w.ord, '(' || string_agg(DISTINCT quote_literal(replace(x.l, E'\\', '')), ' | ') || ')' AS q
    FROM (SELECT d.ord, d.alias, lower(d.token) AS token, d.lexemes[1] AS stem
          FROM ts_debug('russian', left(p_text, 200)) WITH ORDINALITY AS d(alias, description, token, dictionaries, dictionary, lexemes, ord)
          WHERE cardinality(d.lexemes) > 0) w
    CROSS JOIN LATERAL (
      SELECT w.stem AS l
      UNION
      SELECT (ts_lexize('russian_stem', left(w.token, n) || e))[1]
      FROM generate_series(length(w.stem), length(w.token)) n,
           unnest('{"",а,я,о,е,ы,и,у,ю,ой,ей,ом,ем,ам,ям,ами,ями,ах,ях,ов,ев,ий,ый,ая,ое,ые,ого,ому,ых,ым,ыми}'::text[]) e
      WHERE w.alias = 'word' AND length(w.token) >= 3) x
    WHERE x.l IS NOT NULL AND length(replace(x.l, E'\\', '')) >= least(3, length(w.stem))
    GROUP BY w.ord) f $$;--> statement-breakpoint
-- Search hits at scale (decision 039): as search_hits of 0005, with a phone's national form
-- (8 916 … is +7 916 …) and messages counted by conversation. A kind of term is "common" when it
-- has more than p_limit conversations, or its messages more than twice that (a word repeated all
-- over a few long chats is still read in full up to that bound); the list then tests rows for it.
DROP FUNCTION search_hits(text, text, tsquery, int, timestamptz, uuid);--> statement-breakpoint
CREATE FUNCTION search_hits(p_like text, p_phone text, p_phone_national text, p_words tsquery, p_limit int, p_after_at timestamptz, p_after_id uuid,
                            OUT contacts_common boolean, OUT messages_common boolean, OUT conversation_ids uuid[])
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS $$
DECLARE
  contact_ids uuid[] := '{}';
  contact_ats timestamptz[] := '{}';
  by_text uuid[] := '{}';
  read_hits bigint;
BEGIN
  -- Whether the contacts are common, from the trigram index and the contacts alone; if not,
  -- their conversations with their place in the list, read once (OFFSET 0: hits first, never the
  -- list walked in order for them).
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
               WHERE m.project_id = app_project_id() AND m.text_search @@ $1 LIMIT $2) h'
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
-- The newest message of one conversation of the current tenant with all the words, for the
-- search result to show and the thread to open at (null: none). The (conversation_id,
-- text_search) index finds the candidates; the newest is taken from them.
CREATE FUNCTION conversation_match(p_conversation uuid, p_words tsquery) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT max(m.id) FROM messages m
  WHERE m.conversation_id = p_conversation AND m.project_id = app_project_id() AND m.text_search @@ p_words $$;
--> statement-breakpoint
-- How many of the current tenant's messages the planner expects to have the words (its
-- statistics of the text_search column, no index read): the search chooses its plan by it.
-- VOLATILE only because PL/pgSQL runs EXPLAIN in no other kind of function; it reads nothing else.
CREATE FUNCTION words_estimate(p_words tsquery) RETURNS float8
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public SET jit = off AS $$
DECLARE
  plan json;
BEGIN
  IF p_words IS NULL OR numnode(p_words) = 0 THEN RETURN 0; END IF;
  EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM messages WHERE project_id = %L AND text_search @@ %L::tsquery', app_project_id(), p_words::text) INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END $$;
