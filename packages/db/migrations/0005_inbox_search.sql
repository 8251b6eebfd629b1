-- The inbox list and its search at hundreds of thousands of conversations.
--
-- Cost on a large live table: adding the stored column rewrites messages under an exclusive lock
-- (writes wait for it: minutes per few million rows), and the indexes are built inside the
-- migration's transaction, because CREATE INDEX CONCURRENTLY cannot run there. On a big
-- installation apply it in a quiet hour, or build the indexes by hand with CONCURRENTLY first.
DROP INDEX "messages_text_fts";--> statement-breakpoint
DROP INDEX "conversations_list";--> statement-breakpoint
DROP INDEX "conversations_assignee_list";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "text_search" "tsvector" GENERATED ALWAYS AS (to_tsvector('russian', text)) STORED;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;--> statement-breakpoint
CREATE INDEX "messages_text_search" ON "messages" USING gin ("conversation_id","text_search");--> statement-breakpoint
CREATE INDEX "messages_inbound" ON "messages" USING btree ("conversation_id","id","project_id") WHERE "messages"."direction" = 'in';--> statement-breakpoint
CREATE INDEX "conversations_list" ON "conversations" USING btree ("project_id","last_message_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "conversations"."last_message_at" is not null;--> statement-breakpoint
CREATE INDEX "conversations_assignee_list" ON "conversations" USING btree ("project_id","assignee_id","last_message_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "conversations"."last_message_at" is not null;--> statement-breakpoint
-- Search hits through the trigram and full-text indexes. Under row-level security Postgres lets
-- only leakproof conditions into an index scan, and ILIKE, LIKE and @@ are not: as the app role
-- the same search reads every row of the tenant. This function reads past RLS (SECURITY DEFINER,
-- owned by the migrating superuser), keeps to the current tenant itself (app_project_id(), as the
-- policies do) and returns conversation ids only; the list reads those conversations again under
-- RLS and the member's visibility. EXECUTE plans each lookup for its own term.
--
-- Contacts whose name contains p_like or whose phone contains p_phone, and messages with all of
-- p_words: a kind with more than p_limit hits is "common" (the list tests its rows instead);
-- the others' conversations come back in list order, after the cursor (p_after_at, p_after_id).
CREATE FUNCTION search_hits(p_like text, p_phone text, p_words tsquery, p_limit int, p_after_at timestamptz, p_after_id uuid,
                            OUT contacts_common boolean, OUT messages_common boolean, OUT conversation_ids uuid[])
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  by_contact uuid[];
  by_text uuid[] := '{}';
  read_hits bigint;
BEGIN
  EXECUTE 'SELECT array(SELECT c.id FROM contacts ct JOIN conversations c ON c.contact_id = ct.id
                        WHERE ct.project_id = app_project_id() AND c.project_id = app_project_id()
                          AND (ct.name ILIKE $1 OR ct.phone LIKE $2) LIMIT $3)'
    INTO by_contact USING p_like, p_phone, p_limit + 1;
  contacts_common := cardinality(by_contact) > p_limit;
  messages_common := false;
  IF numnode(p_words) > 0 THEN
    EXECUTE 'SELECT array(SELECT m.conversation_id FROM messages m
                          WHERE m.project_id = app_project_id() AND m.text_search @@ $1 LIMIT $2)'
      INTO by_text USING p_words, p_limit + 1;
    messages_common := cardinality(by_text) > p_limit;
    -- Many hits in few conversations (a long chat that repeats a word, a bot's notices): read all
    -- of them, up to a bound, rather than have the list test every conversation for a handful.
    IF messages_common AND (SELECT count(DISTINCT h) FROM unnest(by_text) h) <= p_limit / 10 THEN
      EXECUTE 'SELECT count(*), array_agg(DISTINCT h.conversation_id) FROM (SELECT m.conversation_id FROM messages m
                 WHERE m.project_id = app_project_id() AND m.text_search @@ $1 LIMIT $2) h'
        INTO read_hits, by_text USING p_words, p_limit * 50 + 1;
      messages_common := read_hits > p_limit * 50 OR cardinality(by_text) > p_limit;
    END IF;
  END IF;
  IF contacts_common THEN by_contact := '{}'; END IF;
  IF messages_common THEN by_text := '{}'; END IF;
  conversation_ids := ARRAY(
    SELECT c.id FROM conversations c
    WHERE c.id = ANY(by_contact || by_text) AND c.project_id = app_project_id() AND c.last_message_at IS NOT NULL
      AND (p_after_id IS NULL OR (c.last_message_at, c.id) < (p_after_at, p_after_id))
    ORDER BY c.last_message_at DESC, c.id DESC);
END $$;--> statement-breakpoint
-- Whether one conversation of the current tenant has a message with all the words: the list walks
-- its order and asks this per conversation when a word is too common to resolve up front. The
-- (conversation_id, text_search) index answers it without reading the messages.
CREATE FUNCTION conversation_mentions(p_conversation uuid, p_words tsquery) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.project_id = app_project_id() AND m.text_search @@ p_words) $$;
