-- A name typed with a typo (decision 054): the conversations of the current tenant's contacts
-- whose name has a word like the query («Смирнва» → «Ольга Смирнова»), most alike first, at most
-- p_limit contacts. The trigram index of contacts.name answers `<%` (word similarity over
-- pg_trgm.word_similarity_threshold); it is not leakproof, so under row-level security it would
-- test every contact of the table: SECURITY DEFINER, filtered to the tenant by hand, as search_hits.
-- The search asks this only when the words, their beginnings and the names found nothing.
CREATE FUNCTION similar_name_conversations(p_query text, p_limit int) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET jit = off AS $$
  SELECT c.id FROM (
    SELECT ct.id, p_query <<-> ct.name AS distance FROM contacts ct
    WHERE ct.project_id = app_project_id() AND p_query <% ct.name
    ORDER BY 2, ct.id LIMIT p_limit) ct
  JOIN conversations c ON c.contact_id = ct.id
  WHERE c.project_id = app_project_id() AND c.last_message_at IS NOT NULL
  ORDER BY ct.distance, c.last_message_at DESC, c.id DESC $$;
