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
-- the same search reads every row of the tenant. These functions read past RLS (SECURITY DEFINER,
-- owned by the migrating superuser), keep to the current tenant themselves (app_project_id(), as
-- the policies do) and return conversation ids only, at most p_limit; the list then reads those
-- conversations under RLS and the member's visibility. EXECUTE plans each call for its own term
-- (a rare word through the index, a common one by reading until the limit is reached).
CREATE FUNCTION search_contact_conversations(p_like text, p_phone text, p_limit int) RETURNS SETOF uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  RETURN QUERY EXECUTE
    'SELECT c.id FROM contacts ct JOIN conversations c ON c.contact_id = ct.id
     WHERE ct.project_id = app_project_id() AND c.project_id = app_project_id()
       AND (ct.name ILIKE $1 OR ct.phone LIKE $2)
     LIMIT $3' USING p_like, p_phone, p_limit;
END $$;--> statement-breakpoint
-- One conversation id per matching message.
CREATE FUNCTION search_message_conversations(p_words tsquery, p_limit int) RETURNS SETOF uuid
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public AS $$
BEGIN
  IF numnode(p_words) = 0 THEN RETURN; END IF;
  RETURN QUERY EXECUTE
    'SELECT m.conversation_id FROM messages m
     WHERE m.project_id = app_project_id() AND m.text_search @@ $1
     LIMIT $2' USING p_words, p_limit;
END $$;--> statement-breakpoint
-- Whether one conversation of the current tenant has a message with all the words: the list walks
-- its order and asks this per conversation when a word is too common to resolve up front. The
-- (conversation_id, text_search) index answers it without reading the messages.
CREATE FUNCTION conversation_mentions(p_conversation uuid, p_words tsquery) RETURNS boolean
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT EXISTS (SELECT 1 FROM messages m
                 WHERE m.conversation_id = p_conversation AND m.project_id = app_project_id() AND m.text_search @@ p_words) $$;
